import { describe, expect, it } from "vitest";
import {
  findOffsetTransitions,
  formatZoned,
  isValidTimeZone,
  localToUtc,
  offsetMinutesAt,
  parseLocalDate,
  parseLocalDateTime,
  utcToLocal,
} from "../../../src/domain/windows/zoned-time";

const at = (iso: string) => Date.parse(iso);
const local = (text: string) => {
  const parsed = parseLocalDateTime(text);
  if (!parsed) throw new Error(`bad test input ${text}`);
  return parsed;
};

// Each transition: the first UTC instant of the new offset, and the offsets (minutes east) either side.
// Source: REFERENCE.md "Time" (first Sunday of April / October; Lord Howe's 30-minute shift).
const TRANSITIONS: Array<[zone: string, atUtc: string, before: number, after: number]> = [
  ["Australia/Sydney", "2026-04-04T16:00:00Z", 660, 600],
  ["Australia/Sydney", "2026-10-03T16:00:00Z", 600, 660],
  ["Australia/Sydney", "2027-04-03T16:00:00Z", 660, 600],
  ["Australia/Sydney", "2027-10-02T16:00:00Z", 600, 660],
  ["Australia/Melbourne", "2026-04-04T16:00:00Z", 660, 600],
  ["Australia/Melbourne", "2026-10-03T16:00:00Z", 600, 660],
  ["Australia/Melbourne", "2027-04-03T16:00:00Z", 660, 600],
  ["Australia/Melbourne", "2027-10-02T16:00:00Z", 600, 660],
  ["Australia/Hobart", "2026-04-04T16:00:00Z", 660, 600],
  ["Australia/Hobart", "2026-10-03T16:00:00Z", 600, 660],
  ["Australia/Hobart", "2027-04-03T16:00:00Z", 660, 600],
  ["Australia/Hobart", "2027-10-02T16:00:00Z", 600, 660],
  ["Australia/Adelaide", "2026-04-04T16:30:00Z", 630, 570],
  ["Australia/Adelaide", "2026-10-03T16:30:00Z", 570, 630],
  ["Australia/Adelaide", "2027-04-03T16:30:00Z", 630, 570],
  ["Australia/Adelaide", "2027-10-02T16:30:00Z", 570, 630],
  ["Australia/Lord_Howe", "2026-04-04T15:00:00Z", 660, 630],
  ["Australia/Lord_Howe", "2026-10-03T15:30:00Z", 630, 660],
  ["Australia/Lord_Howe", "2027-04-03T15:00:00Z", 660, 630],
  ["Australia/Lord_Howe", "2027-10-02T15:30:00Z", 630, 660],
];

describe("offsets from Intl", () => {
  it.each(TRANSITIONS)("%s changes offset at %s (%i → %i)", (zone, atUtc, before, after) => {
    expect(offsetMinutesAt(zone, at(atUtc) - 1000)).toBe(before);
    expect(offsetMinutesAt(zone, at(atUtc))).toBe(after);
  });

  it.each([
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Hobart",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
  ])("%s has exactly the four listed transitions in 2026–2027", (zone) => {
    const found = findOffsetTransitions(zone, at("2026-01-01T00:00:00Z"), at("2028-01-01T00:00:00Z"));
    const expected = TRANSITIONS.filter(([z]) => z === zone).map(([, iso, before, after]) => ({
      atMs: at(iso),
      offsetBefore: before,
      offsetAfter: after,
    }));
    expect(found).toEqual(expected);
  });

  it.each([
    ["Australia/Brisbane", 600],
    ["Australia/Darwin", 570],
    ["Australia/Perth", 480],
  ] as const)("%s keeps %i minutes all of 2026–2027 (no DST)", (zone, offset) => {
    expect(findOffsetTransitions(zone, at("2026-01-01T00:00:00Z"), at("2028-01-01T00:00:00Z"))).toEqual([]);
    expect(offsetMinutesAt(zone, at("2026-01-15T00:00:00Z"))).toBe(offset);
    expect(offsetMinutesAt(zone, at("2026-07-15T00:00:00Z"))).toBe(offset);
  });
});

// Local wall time → instant, covering exact times, spring-forward gaps and fall-back overlaps.
const RESOLUTIONS: Array<[zone: string, local: string, utc: string, kind: string, shown: string]> = [
  // Spring forward 2026: gap shifted forward by its length.
  [
    "Australia/Sydney",
    "2026-10-04T02:30",
    "2026-10-03T16:30:00.000Z",
    "gap_shifted_forward",
    "2026-10-04T03:30:00+11:00",
  ],
  [
    "Australia/Melbourne",
    "2026-10-04T02:00",
    "2026-10-03T16:00:00.000Z",
    "gap_shifted_forward",
    "2026-10-04T03:00:00+11:00",
  ],
  [
    "Australia/Hobart",
    "2026-10-04T02:59",
    "2026-10-03T16:59:00.000Z",
    "gap_shifted_forward",
    "2026-10-04T03:59:00+11:00",
  ],
  [
    "Australia/Adelaide",
    "2026-10-04T02:30",
    "2026-10-03T17:00:00.000Z",
    "gap_shifted_forward",
    "2026-10-04T03:30:00+10:30",
  ],
  [
    "Australia/Lord_Howe",
    "2026-10-04T02:15",
    "2026-10-03T15:45:00.000Z",
    "gap_shifted_forward",
    "2026-10-04T02:45:00+11:00",
  ],
  // Spring forward 2027.
  [
    "Australia/Sydney",
    "2027-10-03T02:30",
    "2027-10-02T16:30:00.000Z",
    "gap_shifted_forward",
    "2027-10-03T03:30:00+11:00",
  ],
  [
    "Australia/Melbourne",
    "2027-10-03T02:30",
    "2027-10-02T16:30:00.000Z",
    "gap_shifted_forward",
    "2027-10-03T03:30:00+11:00",
  ],
  [
    "Australia/Hobart",
    "2027-10-03T02:30",
    "2027-10-02T16:30:00.000Z",
    "gap_shifted_forward",
    "2027-10-03T03:30:00+11:00",
  ],
  [
    "Australia/Adelaide",
    "2027-10-03T02:00",
    "2027-10-02T16:30:00.000Z",
    "gap_shifted_forward",
    "2027-10-03T03:00:00+10:30",
  ],
  [
    "Australia/Lord_Howe",
    "2027-10-03T02:00",
    "2027-10-02T15:30:00.000Z",
    "gap_shifted_forward",
    "2027-10-03T02:30:00+11:00",
  ],
  // The minute either side of a gap is exact.
  ["Australia/Sydney", "2026-10-04T01:59", "2026-10-03T15:59:00.000Z", "exact", "2026-10-04T01:59:00+10:00"],
  ["Australia/Sydney", "2026-10-04T03:00", "2026-10-03T16:00:00.000Z", "exact", "2026-10-04T03:00:00+11:00"],
  [
    "Australia/Lord_Howe",
    "2026-10-04T02:30",
    "2026-10-03T15:30:00.000Z",
    "exact",
    "2026-10-04T02:30:00+11:00",
  ],
  // Fall back 2026: the first (daylight-time) instant.
  [
    "Australia/Sydney",
    "2026-04-05T02:30",
    "2026-04-04T15:30:00.000Z",
    "ambiguous_first_instant",
    "2026-04-05T02:30:00+11:00",
  ],
  [
    "Australia/Melbourne",
    "2026-04-05T02:00",
    "2026-04-04T15:00:00.000Z",
    "ambiguous_first_instant",
    "2026-04-05T02:00:00+11:00",
  ],
  [
    "Australia/Hobart",
    "2026-04-05T02:59",
    "2026-04-04T15:59:00.000Z",
    "ambiguous_first_instant",
    "2026-04-05T02:59:00+11:00",
  ],
  [
    "Australia/Adelaide",
    "2026-04-05T02:30",
    "2026-04-04T16:00:00.000Z",
    "ambiguous_first_instant",
    "2026-04-05T02:30:00+10:30",
  ],
  [
    "Australia/Lord_Howe",
    "2026-04-05T01:45",
    "2026-04-04T14:45:00.000Z",
    "ambiguous_first_instant",
    "2026-04-05T01:45:00+11:00",
  ],
  // Fall back 2027.
  [
    "Australia/Sydney",
    "2027-04-04T02:30",
    "2027-04-03T15:30:00.000Z",
    "ambiguous_first_instant",
    "2027-04-04T02:30:00+11:00",
  ],
  [
    "Australia/Melbourne",
    "2027-04-04T02:30",
    "2027-04-03T15:30:00.000Z",
    "ambiguous_first_instant",
    "2027-04-04T02:30:00+11:00",
  ],
  [
    "Australia/Hobart",
    "2027-04-04T02:30",
    "2027-04-03T15:30:00.000Z",
    "ambiguous_first_instant",
    "2027-04-04T02:30:00+11:00",
  ],
  [
    "Australia/Adelaide",
    "2027-04-04T02:30",
    "2027-04-03T16:00:00.000Z",
    "ambiguous_first_instant",
    "2027-04-04T02:30:00+10:30",
  ],
  [
    "Australia/Lord_Howe",
    "2027-04-04T01:30",
    "2027-04-03T14:30:00.000Z",
    "ambiguous_first_instant",
    "2027-04-04T01:30:00+11:00",
  ],
  // Outside the overlap on fall-back day: exact.
  ["Australia/Sydney", "2026-04-05T03:00", "2026-04-04T17:00:00.000Z", "exact", "2026-04-05T03:00:00+10:00"],
  [
    "Australia/Lord_Howe",
    "2026-04-05T02:00",
    "2026-04-04T15:30:00.000Z",
    "exact",
    "2026-04-05T02:00:00+10:30",
  ],
  // No DST: the same wall times are plain.
  [
    "Australia/Brisbane",
    "2026-10-04T02:30",
    "2026-10-03T16:30:00.000Z",
    "exact",
    "2026-10-04T02:30:00+10:00",
  ],
  [
    "Australia/Brisbane",
    "2027-04-04T02:30",
    "2027-04-03T16:30:00.000Z",
    "exact",
    "2027-04-04T02:30:00+10:00",
  ],
  ["Australia/Darwin", "2026-10-04T02:30", "2026-10-03T17:00:00.000Z", "exact", "2026-10-04T02:30:00+09:30"],
  ["Australia/Darwin", "2027-04-04T02:30", "2027-04-03T17:00:00.000Z", "exact", "2027-04-04T02:30:00+09:30"],
  ["Australia/Perth", "2026-10-04T02:30", "2026-10-03T18:30:00.000Z", "exact", "2026-10-04T02:30:00+08:00"],
  ["Australia/Perth", "2027-04-04T02:30", "2027-04-03T18:30:00.000Z", "exact", "2027-04-04T02:30:00+08:00"],
];

describe("localToUtc", () => {
  it.each(RESOLUTIONS)("%s %s → %s (%s, shown %s)", (zone, wall, utc, kind, shown) => {
    const resolved = localToUtc(zone, local(wall));
    expect(new Date(resolved.epochMs).toISOString()).toBe(utc);
    expect(resolved.disambiguation).toBe(kind);
    expect(formatZoned(zone, resolved.epochMs)).toBe(shown);
  });

  it("reports the gap length: an hour in Sydney, 30 minutes at Lord Howe", () => {
    expect(localToUtc("Australia/Sydney", local("2026-10-04T02:30")).shiftedMinutes).toBe(60);
    expect(localToUtc("Australia/Lord_Howe", local("2026-10-04T02:15")).shiftedMinutes).toBe(30);
    expect(localToUtc("Australia/Sydney", local("2026-10-04T12:00")).shiftedMinutes).toBe(0);
  });

  it("round-trips every exact local time through utcToLocal", () => {
    for (const [zone, wall, , kind] of RESOLUTIONS) {
      if (kind !== "exact") continue;
      expect(utcToLocal(zone, localToUtc(zone, local(wall)).epochMs)).toEqual(local(wall));
    }
  });
});

describe("parsing and zones", () => {
  it("accepts real local times and refuses bad ones", () => {
    expect(parseLocalDateTime("2026-10-04T02:00")).toEqual({
      year: 2026,
      month: 10,
      day: 4,
      hour: 2,
      minute: 0,
    });
    expect(parseLocalDateTime("2026-10-04T02:00:00")).not.toBeNull();
    for (const bad of [
      "2026-02-29T09:00",
      "2026-10-04T24:00",
      "2026-10-04T09:60",
      "2026-10-04 09:00",
      "2026-10-04T09:00Z",
      "2026-10-04T09:00+10:00",
      "09:00",
      "",
    ]) {
      expect(parseLocalDateTime(bad), bad).toBeNull();
    }
    expect(parseLocalDate("2028-02-29")).not.toBeNull();
    expect(parseLocalDate("2027-02-29")).toBeNull();
  });

  it("knows IANA zones and refuses offsets and nonsense", () => {
    expect(isValidTimeZone("Australia/Lord_Howe")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("+10:00")).toBe(false);
    expect(isValidTimeZone("Australia/Atlantis")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});
