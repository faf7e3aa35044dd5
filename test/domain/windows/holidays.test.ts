import { describe, expect, it } from "vitest";
import {
  AU_PUBLIC_HOLIDAYS,
  AU_STATES,
  type AuState,
  HOLIDAY_DATA_YEARS,
  holidayOccurrences,
  holidaysForState,
  parseLocalDate,
  STATE_TIME_ZONES,
  uncoveredHolidayYears,
} from "../../../src/domain/windows";

const d = (iso: string) => new Date(iso);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** Anonymous Gregorian computus, independent of the data, to check the Easter entries. */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const dd = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - dd - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe("holiday data", () => {
  it("has unique ids, real dates in the covered years, a source and a flag on every entry", () => {
    expect(new Set(AU_PUBLIC_HOLIDAYS.map((h) => h.id)).size).toBe(AU_PUBLIC_HOLIDAYS.length);
    for (const h of AU_PUBLIC_HOLIDAYS) {
      expect(parseLocalDate(h.date), h.id).not.toBeNull();
      expect(HOLIDAY_DATA_YEARS).toContain(Number(h.date.slice(0, 4)));
      expect(h.source.length, h.id).toBeGreaterThan(10);
      expect(typeof h.subject_to_proclamation).toBe("boolean");
      if (h.states !== "national") expect(h.states.length, h.id).toBeGreaterThan(0);
    }
  });

  it("puts Easter where the computus says (2027: 26–29 March)", () => {
    for (const year of HOLIDAY_DATA_YEARS) {
      const sunday = easterSunday(year);
      const byName = (name: string) =>
        AU_PUBLIC_HOLIDAYS.find((h) => h.name === name && h.date.startsWith(`${year}`));
      expect(byName("Good Friday")?.date).toBe(shift(sunday, -2));
      expect(byName("Easter Saturday")?.date).toBe(shift(sunday, -1));
      expect(byName("Easter Sunday")?.date).toBe(sunday);
      expect(byName("Easter Monday")?.date).toBe(shift(sunday, 1));
    }
    expect(easterSunday(2027)).toBe("2027-03-28");
  });

  it("falls on the weekday each rule implies", () => {
    const expectations: Array<[RegExp, number[]]> = [
      [
        /Labour Day|May Day|King's Birthday|Canberra Day|Adelaide Cup|Eight Hours|Western Australia Day|Reconciliation|Picnic Day|Regatta|Recreation Day/,
        [1],
      ],
      // Additional days follow a weekend holiday: Monday, or Tuesday when both Christmas days fall on the weekend.
      [/additional day/, [1, 2]],
      [/Melbourne Cup/, [2]],
      [/Ekka/, [3]],
      [/AFL Grand Final/, [5]],
    ];
    for (const h of AU_PUBLIC_HOLIDAYS) {
      for (const [pattern, days] of expectations) {
        if (pattern.test(h.name))
          expect(days, `${h.id} on weekday ${weekday(h.date)}`).toContain(weekday(h.date));
      }
    }
  });

  it("gives every state the national days and a plausible count per year", () => {
    for (const state of AU_STATES) {
      for (const year of HOLIDAY_DATA_YEARS) {
        const list = holidaysForState(state, year);
        for (const name of [
          "New Year's Day",
          "Australia Day",
          "Good Friday",
          "Easter Monday",
          "Anzac Day",
          "Christmas Day",
        ]) {
          expect(
            list.map((h) => h.name),
            `${state} ${year}`,
          ).toContain(name);
        }
        expect(list.length, `${state} ${year}`).toBeGreaterThanOrEqual(10);
        expect(list.length, `${state} ${year}`).toBeLessThanOrEqual(17);
      }
    }
  });

  it("lists the 2026 state days from REFERENCE.md in the right states only", () => {
    const states = (date: string, name: RegExp): AuState[] =>
      AU_STATES.filter((s) => holidaysForState(s).some((h) => h.date === date && name.test(h.name)));
    expect(states("2026-03-02", /Labour/)).toEqual(["WA"]);
    expect(states("2026-03-09", /./)).toEqual(["VIC", "SA", "TAS", "ACT"]);
    expect(states("2026-05-04", /./)).toEqual(["QLD", "NT"]);
    expect(states("2026-06-01", /Western Australia/)).toEqual(["WA"]);
    expect(states("2026-06-08", /King/)).toEqual(["NSW", "VIC", "SA", "TAS", "ACT", "NT"]);
    expect(states("2026-10-05", /./)).toEqual(["NSW", "QLD", "SA", "ACT"]);
    expect(states("2026-11-03", /Melbourne Cup/)).toEqual(["VIC"]);
    expect(states("2026-12-28", /./)).toEqual([...AU_STATES]);
  });
});

describe("holidayOccurrences", () => {
  it("finds each holiday from a range touching only its first or last millisecond, in its own zone and in Perth's", () => {
    // A range far from a holiday's date skips its zone arithmetic; the skip must never drop a
    // holiday whose local day starts on the previous UTC date (every Australian zone is ahead of
    // UTC) or, part-day, ends at the next local midnight.
    const everything = { from: d(`${HOLIDAY_DATA_YEARS[0]}-01-01T00:00:00Z`), to: d("2100-01-01T00:00:00Z") };
    everything.from.setUTCDate(everything.from.getUTCDate() - 2);
    let checked = 0;
    for (const state of AU_STATES) {
      for (const zone of [null, "Australia/Perth"]) {
        for (const holiday of holidayOccurrences(state, zone, everything.from, everything.to)) {
          const start = Date.parse(holiday.starts_at);
          const end = Date.parse(holiday.ends_at);
          for (const [from, to] of [
            [start, start + 1],
            [end - 1, end],
          ] as const) {
            const found = holidayOccurrences(state, zone, new Date(from), new Date(to));
            expect(found.map((o) => o.occurrence_key)).toContain(holiday.occurrence_key);
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(AU_STATES.length * 2 * 10 * HOLIDAY_DATA_YEARS.length);
  });

  it("blocks Melbourne Cup day in Victoria only, all day in Melbourne time", () => {
    const from = d("2026-11-01T00:00:00Z");
    const to = d("2026-11-05T00:00:00Z");
    const vic = holidayOccurrences("VIC", null, from, to);
    expect(vic.map((o) => [o.name, o.starts_at, o.ends_at, o.local_start])).toEqual([
      [
        "Melbourne Cup Day",
        "2026-11-02T13:00:00.000Z",
        "2026-11-03T13:00:00.000Z",
        "2026-11-03T00:00:00+11:00",
      ],
    ]);
    expect(vic[0]).toMatchObject({ kind: "freeze", source: "holiday", timezone: "Australia/Melbourne" });
    expect(vic[0]?.holiday?.regional).toMatch(/Metropolitan Melbourne/);
    expect(holidayOccurrences("NSW", null, from, to)).toEqual([]);
    expect(holidayOccurrences("VIC", null, from, to, { excludeRegional: true })).toEqual([]);
    expect(holidayOccurrences("VIC", null, from, to, { exclude: ["2026-11-03-melbourne-cup-day"] })).toEqual(
      [],
    );
  });

  it("makes Easter Sunday 2026 in Sydney 25 hours long (DST ends that morning)", () => {
    const [o] = holidayOccurrences("NSW", null, d("2026-04-04T14:00:00Z"), d("2026-04-04T14:00:01Z"));
    expect(o).toMatchObject({
      name: "Easter Sunday",
      starts_at: "2026-04-04T13:00:00.000Z",
      ends_at: "2026-04-05T14:00:00.000Z",
    });
  });

  it("uses the zone it is given: a WA holiday for a Perth agency is Perth's day", () => {
    const [o] = holidayOccurrences(
      "WA",
      "Australia/Perth",
      d("2026-06-01T00:00:00Z"),
      d("2026-06-01T01:00:00Z"),
    );
    expect(o).toMatchObject({ starts_at: "2026-05-31T16:00:00.000Z", ends_at: "2026-06-01T16:00:00.000Z" });
    expect(STATE_TIME_ZONES.WA).toBe("Australia/Perth");
  });

  it("freezes only the evening of a part-day holiday", () => {
    const sa = holidayOccurrences("SA", null, d("2026-12-24T00:00:00Z"), d("2026-12-24T12:00:00Z"));
    expect(sa.map((o) => [o.name, o.local_start, o.local_end])).toEqual([
      ["Christmas Eve (from 19:00)", "2026-12-24T19:00:00+10:30", "2026-12-25T00:00:00+10:30"],
    ]);
    expect(
      holidayOccurrences("SA", null, d("2026-12-24T00:00:00Z"), d("2026-12-24T12:00:00Z"), {
        excludePartDay: true,
      }),
    ).toEqual([]);
  });

  it("reports years the data does not cover", () => {
    expect(uncoveredHolidayYears(d("2026-03-01T00:00:00Z"), d("2027-03-01T00:00:00Z"))).toEqual([]);
    expect(uncoveredHolidayYears(d("2027-12-01T00:00:00Z"), d("2028-02-01T00:00:00Z"))).toEqual([2028]);
  });
});
