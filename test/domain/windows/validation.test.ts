import { describe, expect, it } from "vitest";
import { validateWindow, type WindowDefinition } from "../../../src/domain/windows";

const base: WindowDefinition = {
  kind: "maintenance",
  name: "Tuesday night",
  timezone: "Australia/Sydney",
  start: "2026-06-02T22:00",
  duration_minutes: 120,
  recurrence: { freq: "weekly", by_day: ["TU"] },
};

const codes = (def: WindowDefinition, defaultTimeZone?: string) =>
  validateWindow(def, { defaultTimeZone }).errors.map((e) => [e.path.join("."), e.code]);

describe("validateWindow", () => {
  it("accepts a sound window with no problems", () => {
    expect(validateWindow(base)).toEqual({
      ok: true,
      errors: [],
      warnings: [],
      timezone: "Australia/Sydney",
    });
  });

  it.each<[string, Partial<WindowDefinition>, [string, string][]]>([
    ["unknown zone", { timezone: "Australia/Atlantis" }, [["timezone", "invalid_timezone"]]],
    ["fixed offset", { timezone: "+10:00" }, [["timezone", "invalid_timezone"]]],
    ["no zone", { timezone: null }, [["timezone", "missing_timezone"]]],
    ["bad local time", { start: "2026-06-02T25:00" }, [["start", "invalid_start"]]],
    ["offset in start", { start: "2026-06-02T22:00+10:00" }, [["start", "invalid_start"]]],
    ["not a date", { start: "2026-02-30T22:00" }, [["start", "invalid_start"]]],
    ["zero duration", { duration_minutes: 0 }, [["duration_minutes", "duration_not_positive"]]],
    ["negative duration", { duration_minutes: -5 }, [["duration_minutes", "duration_not_positive"]]],
    ["fractional duration", { duration_minutes: 1.5 }, [["duration_minutes", "invalid_duration"]]],
    [
      "over 7 days",
      { duration_minutes: 10081, recurrence: null },
      [["duration_minutes", "duration_too_long"]],
    ],
    ["blank name", { name: "  " }, [["name", "blank_name"]]],
    [
      "until before start",
      { recurrence: { freq: "weekly", by_day: ["TU"], until: "2026-06-01" } },
      [["recurrence.until", "until_before_start"]],
    ],
    [
      "bad until",
      { recurrence: { freq: "daily", until: "31/12/2027" } },
      [["recurrence.until", "invalid_until"]],
    ],
    [
      "by_day with daily",
      { recurrence: { freq: "daily", by_day: ["MO"] } },
      [["recurrence.by_day", "by_day_with_daily"]],
    ],
    ["empty by_day", { recurrence: { freq: "weekly", by_day: [] } }, [["recurrence.by_day", "empty_by_day"]]],
    [
      "duplicate by_day",
      { recurrence: { freq: "weekly", by_day: ["TU", "TU"] } },
      [["recurrence.by_day.1", "duplicate_by_day"]],
    ],
    [
      "daily longer than a day",
      { duration_minutes: 1441, recurrence: { freq: "daily" } },
      [["duration_minutes", "duration_exceeds_recurrence_gap"]],
    ],
    [
      "MO+TU longer than a day",
      { duration_minutes: 1500, recurrence: { freq: "weekly", by_day: ["MO", "TU"] } },
      [["duration_minutes", "duration_exceeds_recurrence_gap"]],
    ],
  ])("reports %s", (_label, patch, expected) => {
    expect(codes({ ...base, ...patch })).toEqual(expected);
  });

  it("allows a week-long weekly window and a 3-day gap between MO and TH", () => {
    expect(
      codes({ ...base, duration_minutes: 10080, recurrence: { freq: "weekly", by_day: ["SU"] } }),
    ).toEqual([]);
    expect(
      codes({ ...base, duration_minutes: 3 * 1440, recurrence: { freq: "weekly", by_day: ["MO", "TH"] } }),
    ).toEqual([]);
  });

  it("uses the default zone when the window has none", () => {
    expect(codes({ ...base, timezone: undefined }, "Australia/Perth")).toEqual([]);
  });

  it("warns about a one-off start in a DST gap or overlap, saying what happens", () => {
    const gap = validateWindow({ ...base, start: "2026-10-04T02:30", recurrence: null });
    expect(gap.ok).toBe(true);
    expect(gap.warnings.map((w) => w.code)).toEqual(["start_in_dst_gap"]);
    expect(gap.warnings[0]?.message).toContain("2026-10-04T03:30:00+11:00");
    const overlap = validateWindow({ ...base, start: "2026-04-05T02:30", recurrence: null });
    expect(overlap.warnings.map((w) => w.code)).toEqual(["start_ambiguous"]);
  });

  it("warns when a recurring local time meets a DST change, but not in a zone without DST", () => {
    const nightly: WindowDefinition = { ...base, start: "2026-01-01T02:30", recurrence: { freq: "daily" } };
    expect(validateWindow(nightly).warnings.map((w) => w.code)).toEqual(["start_time_meets_dst_change"]);
    expect(validateWindow({ ...nightly, timezone: "Australia/Perth" }).warnings).toEqual([]);
    expect(validateWindow({ ...nightly, start: "2026-01-01T04:00" }).warnings).toEqual([]);
  });

  it("warns when the start date's weekday is not in by_day", () => {
    expect(validateWindow({ ...base, start: "2026-06-03T22:00" }).warnings.map((w) => w.code)).toEqual([
      "start_weekday_not_in_by_day",
    ]);
  });
});
