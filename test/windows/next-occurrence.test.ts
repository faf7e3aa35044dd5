import { describe, expect, it } from "vitest";
import { type ExpandableWindow, nextOccurrence } from "../../src/domain/windows";

const weekly: ExpandableWindow = {
  id: "w",
  kind: "maintenance",
  name: "Sunday night",
  timezone: "Australia/Sydney",
  start: "2026-01-04T22:00",
  duration_minutes: 120,
  recurrence: { freq: "weekly", by_day: ["SU"] },
};

describe("nextOccurrence (what next_starts_at holds)", () => {
  it("finds the next occurrence across a DST change, in local time", () => {
    // Saturday 3 Oct 2026; the next Sunday 22:00 is after DST starts (AEDT, +11).
    const next = nextOccurrence(weekly, new Date("2026-10-03T00:00:00Z"), { includeInProgress: false });
    expect(next?.starts_at).toBe("2026-10-04T11:00:00.000Z");
  });

  it("counts an occurrence under way only when asked (a window written during it)", () => {
    const during = new Date("2026-10-04T12:00:00Z");
    expect(nextOccurrence(weekly, during, { includeInProgress: true })?.starts_at).toBe(
      "2026-10-04T11:00:00.000Z",
    );
    expect(nextOccurrence(weekly, during, { includeInProgress: false })?.starts_at).toBe(
      "2026-10-11T11:00:00.000Z",
    );
  });

  it("looks ahead to a start years away, and returns null once a window has nothing left", () => {
    const later = {
      ...weekly,
      start: "2029-05-06T22:00",
      recurrence: { freq: "weekly" as const, until: "2029-05-20" },
    };
    expect(
      nextOccurrence(later, new Date("2026-11-26T00:00:00Z"), { includeInProgress: true })?.starts_at,
    ).toBe("2029-05-06T12:00:00.000Z");
    expect(nextOccurrence(later, new Date("2029-05-21T00:00:00Z"), { includeInProgress: true })).toBeNull();
    const oneOff = { ...weekly, recurrence: null };
    expect(nextOccurrence(oneOff, new Date("2026-02-01T00:00:00Z"), { includeInProgress: true })).toBeNull();
  });
});
