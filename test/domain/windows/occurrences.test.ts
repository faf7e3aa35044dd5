import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ExpandableWindow,
  expandOccurrences,
  expandWindow,
  InvalidWindowError,
  type Occurrence,
  occurrencesActiveAt,
  occurrencesEndingBetween,
  occurrencesStartingBetween,
  offsetMinutesAt,
  validateWindow,
  type Weekday,
} from "../../../src/domain/windows";

const d = (iso: string) => new Date(iso);
const minutes = (o: Occurrence) => (Date.parse(o.ends_at) - Date.parse(o.starts_at)) / 60_000;

const sydneyMaintenance: ExpandableWindow = {
  id: "w-syd",
  kind: "maintenance",
  name: "Client maintenance",
  timezone: "Australia/Sydney",
  start: "2026-01-04T22:00",
  duration_minutes: 180,
  recurrence: { freq: "weekly", by_day: ["SU"] },
};

const perthBusinessHours: ExpandableWindow = {
  id: "w-per",
  kind: "business_hours",
  name: "Business hours",
  timezone: "Australia/Perth",
  start: "2026-01-01T09:00",
  duration_minutes: 480,
  recurrence: { freq: "weekly", by_day: ["MO", "TU", "WE", "TH", "FR"] },
};

describe("Perth agency with a Sydney client, through both 2026 DST changes", () => {
  it("Sydney Sunday 22:00 maintenance moves in UTC with Sydney DST; Perth hours do not", () => {
    const occ = expandWindow(sydneyMaintenance, d("2026-03-28T00:00:00Z"), d("2026-04-13T00:00:00Z"));
    expect(occ.map((o) => [o.starts_at, o.local_start])).toEqual([
      ["2026-03-29T11:00:00.000Z", "2026-03-29T22:00:00+11:00"],
      ["2026-04-05T12:00:00.000Z", "2026-04-05T22:00:00+10:00"],
      ["2026-04-12T12:00:00.000Z", "2026-04-12T22:00:00+10:00"],
    ]);
    const oct = expandWindow(sydneyMaintenance, d("2026-09-26T00:00:00Z"), d("2026-10-12T00:00:00Z"));
    expect(oct.map((o) => o.starts_at)).toEqual([
      "2026-09-27T12:00:00.000Z",
      "2026-10-04T11:00:00.000Z",
      "2026-10-11T11:00:00.000Z",
    ]);
    for (const o of [...occ, ...oct]) expect(minutes(o)).toBe(180);

    const perth = expandWindow(perthBusinessHours, d("2026-03-30T00:00:00Z"), d("2026-10-10T00:00:00Z"));
    expect(new Set(perth.map((o) => o.starts_at.slice(11)))).toEqual(new Set(["01:00:00.000Z"]));
    expect(new Set(perth.map((o) => o.local_start.slice(10)))).toEqual(new Set(["T09:00:00+08:00"]));
  });

  it("merges both windows into one sorted list, each in its own zone", () => {
    const all = expandOccurrences(
      [perthBusinessHours, sydneyMaintenance],
      d("2026-10-02T00:00:00Z"),
      d("2026-10-06T00:00:00Z"),
    );
    expect(all.map((o) => [o.window_id, o.starts_at])).toEqual([
      ["w-per", "2026-10-02T01:00:00.000Z"],
      ["w-syd", "2026-10-04T11:00:00.000Z"],
      ["w-per", "2026-10-05T01:00:00.000Z"],
    ]);
  });
});

describe("DST rules inside occurrences", () => {
  const nightly = (zone: string, start: string, duration: number): ExpandableWindow => ({
    id: "w",
    kind: "maintenance",
    name: "Nightly",
    timezone: zone,
    start,
    duration_minutes: duration,
    recurrence: { freq: "daily" },
  });

  it("a 4-hour window from 01:00 on the fall-back night ends at 04:00 wall clock, 4 real hours later", () => {
    const [o] = expandWindow(
      nightly("Australia/Sydney", "2026-01-01T01:00", 240),
      d("2026-04-04T13:00:00Z"),
      d("2026-04-04T15:00:00Z"),
    );
    expect(o).toMatchObject({
      starts_at: "2026-04-04T14:00:00.000Z",
      ends_at: "2026-04-04T18:00:00.000Z",
      local_start: "2026-04-05T01:00:00+11:00",
      local_end: "2026-04-05T04:00:00+10:00",
      adjustments: [],
    });
  });

  it("the same window on the spring-forward night ends at 06:00 wall clock", () => {
    const [o] = expandWindow(
      nightly("Australia/Sydney", "2026-01-01T01:00", 240),
      d("2026-10-03T14:00:00Z"),
      d("2026-10-03T16:00:00Z"),
    );
    expect(o).toMatchObject({
      local_start: "2026-10-04T01:00:00+10:00",
      local_end: "2026-10-04T06:00:00+11:00",
    });
    expect(o && minutes(o)).toBe(240);
  });

  it("a nightly 02:30 start is shifted to 03:30 on spring-forward day and takes the first 02:30 on fall-back day", () => {
    const w = nightly("Australia/Melbourne", "2026-01-01T02:30", 60);
    const spring = expandWindow(w, d("2026-10-02T00:00:00Z"), d("2026-10-05T00:00:00Z"));
    expect(spring.map((o) => [o.local_start, o.adjustments])).toEqual([
      ["2026-10-03T02:30:00+10:00", []],
      ["2026-10-04T03:30:00+11:00", ["start_shifted_forward_dst_gap"]],
      ["2026-10-05T02:30:00+11:00", []],
    ]);
    const autumn = expandWindow(w, d("2026-04-04T12:00:00Z"), d("2026-04-04T20:00:00Z"));
    expect(autumn.map((o) => [o.starts_at, o.local_start, o.adjustments])).toEqual([
      ["2026-04-04T15:30:00.000Z", "2026-04-05T02:30:00+11:00", ["start_ambiguous_first_instant"]],
    ]);
  });

  it("Lord Howe shifts a gap start by 30 minutes", () => {
    const [o] = expandWindow(
      nightly("Australia/Lord_Howe", "2027-01-01T02:10", 30),
      d("2027-10-02T15:00:00Z"),
      d("2027-10-02T16:00:00Z"),
    );
    expect(o).toMatchObject({
      local_start: "2027-10-03T02:40:00+11:00",
      adjustments: ["start_shifted_forward_dst_gap"],
    });
  });

  it("a 24-hour daily window is clipped on the 23-hour spring-forward day, and runs 24 real hours elsewhere", () => {
    const w = nightly("Australia/Hobart", "2026-01-01T00:00", 1440);
    const occ = expandWindow(w, d("2026-10-02T00:00:00Z"), d("2026-10-06T00:00:00Z"));
    const clipped = occ.filter((o) => o.adjustments.includes("end_clipped_at_next_occurrence"));
    expect(clipped.map((o) => [o.local_start, o.local_end, minutes(o)])).toEqual([
      ["2026-10-04T00:00:00+10:00", "2026-10-05T00:00:00+11:00", 1380],
    ]);
    for (const o of occ) if (!clipped.includes(o)) expect(minutes(o)).toBe(1440);
  });
});

describe("recurrence", () => {
  it("weekly without by_day repeats on the start date's weekday; until is inclusive", () => {
    const w: ExpandableWindow = {
      id: "w",
      kind: "freeze",
      name: "Friday freeze",
      timezone: "Australia/Brisbane",
      start: "2026-07-03T12:00",
      duration_minutes: 600,
      recurrence: { freq: "weekly", until: "2026-07-17" },
    };
    expect(
      expandWindow(w, d("2026-06-01T00:00:00Z"), d("2026-09-01T00:00:00Z")).map((o) => o.local_start),
    ).toEqual(["2026-07-03T12:00:00+10:00", "2026-07-10T12:00:00+10:00", "2026-07-17T12:00:00+10:00"]);
  });

  it("a one-off window occurs once, and is found while it is under way", () => {
    const w: ExpandableWindow = {
      id: "once",
      kind: "freeze",
      name: "EOFY",
      timezone: "Australia/Adelaide",
      start: "2026-06-29T00:00",
      duration_minutes: 3 * 1440,
    };
    const occ = expandWindow(w, d("2026-06-30T00:00:00Z"), d("2026-06-30T00:01:00Z"));
    expect(occ.map((o) => [o.starts_at, o.ends_at])).toEqual([
      ["2026-06-28T14:30:00.000Z", "2026-07-01T14:30:00.000Z"],
    ]);
    expect(expandWindow(w, d("2026-07-02T00:00:00Z"), d("2026-08-01T00:00:00Z"))).toEqual([]);
  });

  it("weekly by_day starting on an unlisted day begins on the next listed day", () => {
    const w = { ...perthBusinessHours, start: "2026-01-03T09:00" }; // a Saturday
    const [first] = expandWindow(w, d("2025-12-01T00:00:00Z"), d("2026-01-10T00:00:00Z"));
    expect(first?.local_start).toBe("2026-01-05T09:00:00+08:00");
  });

  it("refuses to expand an invalid window", () => {
    const bad: ExpandableWindow = { ...perthBusinessHours, timezone: "Mars/Olympus" };
    expect(() => expandWindow(bad, d("2026-01-01T00:00:00Z"), d("2026-01-02T00:00:00Z"))).toThrow(
      InvalidWindowError,
    );
  });

  it("refuses ranges longer than the cap", () => {
    expect(() =>
      expandWindow(perthBusinessHours, d("2026-01-01T00:00:00Z"), d("2029-01-01T00:00:00Z")),
    ).toThrow(RangeError);
  });
});

describe("cron selection", () => {
  const occ = expandWindow(sydneyMaintenance, d("2026-10-01T00:00:00Z"), d("2026-10-20T00:00:00Z"));

  it("finds occurrences starting and ending in half-open ranges", () => {
    expect(
      occurrencesStartingBetween(occ, d("2026-10-04T11:00:00Z"), d("2026-10-04T11:01:00Z")).map(
        (o) => o.starts_at,
      ),
    ).toEqual(["2026-10-04T11:00:00.000Z"]);
    expect(occurrencesStartingBetween(occ, d("2026-10-04T10:59:00Z"), d("2026-10-04T11:00:00Z"))).toEqual([]);
    expect(
      occurrencesEndingBetween(occ, d("2026-10-04T14:00:00Z"), d("2026-10-04T14:01:00Z")).map(
        (o) => o.ends_at,
      ),
    ).toEqual(["2026-10-04T14:00:00.000Z"]);
    expect(occurrencesActiveAt(occ, d("2026-10-04T13:59:59Z"))).toHaveLength(1);
    expect(occurrencesActiveAt(occ, d("2026-10-04T14:00:00Z"))).toHaveLength(0);
  });

  it("a missed tick is caught up by a wider range, with the same occurrence keys", () => {
    const perMinute = [0, 1, 2].flatMap((i) =>
      occurrencesStartingBetween(
        expandWindow(sydneyMaintenance, d("2026-10-04T10:59:00Z"), d("2026-10-04T11:02:00Z")),
        new Date(Date.parse("2026-10-04T10:59:00Z") + i * 60_000),
        new Date(Date.parse("2026-10-04T11:00:00Z") + i * 60_000),
      ),
    );
    const caughtUp = occurrencesStartingBetween(occ, d("2026-10-04T10:59:00Z"), d("2026-10-04T11:02:00Z"));
    expect(caughtUp.map((o) => o.occurrence_key)).toEqual(perMinute.map((o) => o.occurrence_key));
    expect(caughtUp).toHaveLength(1);
  });
});

const ZONES = [
  "Australia/Sydney",
  "Australia/Melbourne",
  "Australia/Hobart",
  "Australia/Adelaide",
  "Australia/Brisbane",
  "Australia/Darwin",
  "Australia/Perth",
  "Australia/Lord_Howe",
] as const;
const DAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const p2 = (n: number) => String(n).padStart(2, "0");

// Start times cluster around the 01:00–03:00 DST changes so gaps and overlaps are hit often.
const windowArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    // Often the first day of the data, so the window has occurrences in whatever range is asked for.
    dayOffset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 700 })),
    hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 3 })),
    minute: fc.constantFrom(0, 15, 30, 45, 59),
    freq: fc.constantFrom("daily", "weekly", "once"),
    byDay: fc.subarray(DAYS, { minLength: 1 }),
    duration: fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.constantFrom(60, 240, 1380, 1410, 1430, 1440)),
  })
  .map(({ zone, dayOffset, hour, minute, freq, byDay, duration }) => {
    const date = new Date(Date.UTC(2026, 0, 1) + dayOffset * 86_400_000).toISOString().slice(0, 10);
    const window: ExpandableWindow = {
      id: "prop",
      kind: "maintenance",
      name: "prop",
      timezone: zone,
      start: `${date}T${p2(hour)}:${p2(minute)}`,
      duration_minutes: duration,
    };
    if (freq === "daily") window.recurrence = { freq: "daily" };
    if (freq === "weekly") window.recurrence = { freq: "weekly", by_day: byDay };
    return window;
  })
  .filter((w) => validateWindow(w, { dstWarnings: false }).ok);

// Days since 2026-01-01 of the 2026/2027 DST changes (5 Apr, 4 Oct, 4 Apr, 3 Oct); ranges often start just before one.
const TRANSITION_DAYS = [94, 276, 458, 640];
const fromDayArb = fc.oneof(
  fc.integer({ min: 0, max: 650 }),
  fc
    .tuple(fc.constantFrom(...TRANSITION_DAYS), fc.integer({ min: 0, max: 3 }))
    .map(([day, before]) => day - before),
);

describe("properties", () => {
  it("occurrences never overlap, and last their duration unless clipped across a DST change", () => {
    fc.assert(
      fc.property(windowArb, fromDayArb, fc.integer({ min: 1, max: 40 }), (w, fromDay, days) => {
        const from = new Date(Date.UTC(2026, 0, 1) + fromDay * 86_400_000);
        const to = new Date(from.getTime() + days * 86_400_000);
        const occ = expandWindow(w, from, to);
        occ.forEach((o, i) => {
          const next = occ[i + 1];
          if (next) expect(Date.parse(o.ends_at)).toBeLessThanOrEqual(Date.parse(next.starts_at));
          if (o.adjustments.includes("end_clipped_at_next_occurrence")) {
            expect(minutes(o)).toBeLessThan(w.duration_minutes);
            // Only DST can make the gap to the next start shorter than the duration validation allowed.
            const start = Date.parse(o.starts_at);
            const end = Date.parse(o.ends_at);
            const shifted =
              offsetMinutesAt(w.timezone, start) !== offsetMinutesAt(w.timezone, end) ||
              o.adjustments.includes("start_ambiguous_first_instant") ||
              // A start moved forward out of a spring-forward gap shortens the gap to the next start.
              o.adjustments.includes("start_shifted_forward_dst_gap") ||
              (next?.adjustments.includes("start_ambiguous_first_instant") ?? false);
            expect(shifted).toBe(true);
          } else {
            expect(minutes(o)).toBe(w.duration_minutes);
          }
          // Wall-clock start is the window's time, except when it fell in a gap.
          if (!o.adjustments.includes("start_shifted_forward_dst_gap")) {
            expect(o.local_start.slice(11, 16)).toBe(w.start.slice(11, 16));
          }
        });
      }),
      { numRuns: Number(globalThis.process?.env?.FC_RUNS ?? 300) },
    );
  });

  it("expansion does not depend on the range asked for", () => {
    fc.assert(
      fc.property(
        windowArb,
        fc.integer({ min: 0, max: 650 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        (w, fromDay, a, b) => {
          const from = new Date(Date.UTC(2026, 0, 1) + fromDay * 86_400_000);
          const mid = new Date(from.getTime() + a * 86_400_000 + 3_600_000 * (a % 24));
          const to = new Date(mid.getTime() + b * 86_400_000);
          const whole = expandWindow(w, from, to);
          const parts = new Map<string, Occurrence>();
          for (const o of [...expandWindow(w, from, mid), ...expandWindow(w, mid, to)])
            parts.set(o.occurrence_key, o);
          expect([...parts.values()]).toEqual(whole);
        },
      ),
      { numRuns: 150 },
    );
  });
});
