import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildCalendar,
  type ExpandableWindow,
  evaluateSlot,
  type Occurrence,
  suggestNextSlots,
} from "../../../src/domain/windows";

const d = (iso: string) => new Date(iso);

const windows: ExpandableWindow[] = [
  {
    id: "bh",
    kind: "business_hours",
    name: "Business hours",
    timezone: "Australia/Perth",
    start: "2026-01-01T09:00",
    duration_minutes: 480,
    recurrence: { freq: "weekly", by_day: ["MO", "TU", "WE", "TH", "FR"] },
  },
  {
    id: "mw",
    kind: "maintenance",
    name: "Client maintenance",
    timezone: "Australia/Sydney",
    start: "2026-01-04T22:00",
    duration_minutes: 180,
    recurrence: { freq: "weekly", by_day: ["SU"] },
  },
];

// Perth agency, Sydney client: holidays from NSW in Sydney time.
const calendar = (from: string, to: string, holidays = true) =>
  buildCalendar({
    windows,
    holidays: holidays ? { state: "NSW", timezone: "Australia/Sydney" } : null,
    fromUtc: d(from),
    toUtc: d(to),
  }).occurrences;

const occurrences = calendar("2026-09-01T00:00:00Z", "2026-11-01T00:00:00Z");

describe("evaluateSlot", () => {
  it("lets a high-risk release into a maintenance window", () => {
    // Sunday 20 Sep 2026 22:30–23:30 Sydney (AEST) = 12:30Z–13:30Z.
    const result = evaluateSlot({
      risk: "high",
      startsAt: d("2026-09-20T12:30:00Z"),
      endsAt: d("2026-09-20T13:30:00Z"),
      occurrences,
    });
    expect(result).toMatchObject({ allowed: true, rule: "allowed_in_maintenance_window", overridden: false });
    expect(result.matched.map((o) => o.window_id)).toEqual(["mw"]);
  });

  it("refuses a high-risk release in business hours, naming the rule", () => {
    // Tuesday 22 Sep 2026 10:00–11:00 Perth = 02:00Z–03:00Z.
    const slot = { startsAt: d("2026-09-22T02:00:00Z"), endsAt: d("2026-09-22T03:00:00Z"), occurrences };
    const high = evaluateSlot({ ...slot, risk: "high" });
    expect(high.allowed).toBe(false);
    expect(high.rule).toBe("high_risk_requires_maintenance_window");
    expect(high.reasons[0]?.message).toMatch(/business hours but not in a maintenance window/);
    expect(evaluateSlot({ ...slot, risk: "low" })).toMatchObject({
      allowed: true,
      rule: "allowed_in_business_hours",
    });
  });

  it("refuses a low-risk release outside every window", () => {
    const result = evaluateSlot({
      risk: "low",
      startsAt: d("2026-09-22T12:00:00Z"),
      endsAt: d("2026-09-22T13:00:00Z"),
      occurrences,
    });
    expect(result).toMatchObject({
      allowed: false,
      rule: "low_risk_requires_business_hours_or_maintenance_window",
    });
  });

  it("refuses a slot that sticks out of the window it starts in", () => {
    const result = evaluateSlot({
      risk: "low",
      startsAt: d("2026-09-22T08:30:00Z"),
      endsAt: d("2026-09-22T09:30:00Z"),
      occurrences,
    });
    expect(result.allowed).toBe(false);
  });

  it("a NSW holiday blocks business hours for the Sydney client, and not without holidays", () => {
    // Labour Day NSW, Monday 5 Oct 2026, 10:00–11:00 Perth.
    const slot = {
      risk: "low" as const,
      startsAt: d("2026-10-05T02:00:00Z"),
      endsAt: d("2026-10-05T03:00:00Z"),
    };
    const blocked = evaluateSlot({ ...slot, occurrences });
    expect(blocked).toMatchObject({ allowed: false, rule: "freeze" });
    expect(blocked.reasons[0]?.message).toMatch(/public holiday "Labour Day"/);
    expect(blocked.reasons[0]?.occurrence?.source).toBe("holiday");
    const noHolidays = calendar("2026-09-01T00:00:00Z", "2026-11-01T00:00:00Z", false);
    expect(evaluateSlot({ ...slot, occurrences: noHolidays }).allowed).toBe(true);
    // The same Monday is no holiday in Victoria.
    const vic = buildCalendar({
      windows,
      holidays: { state: "VIC", timezone: "Australia/Melbourne" },
      fromUtc: d("2026-10-01T00:00:00Z"),
      toUtc: d("2026-10-10T00:00:00Z"),
    }).occurrences;
    expect(evaluateSlot({ ...slot, occurrences: vic }).allowed).toBe(true);
  });

  it("a freeze wins even inside a maintenance window; touching its edge is fine", () => {
    const freeze: Occurrence = {
      window_id: "f",
      occurrence_key: "f@1",
      kind: "freeze",
      name: "Campaign launch",
      source: "window",
      starts_at: "2026-09-20T13:00:00.000Z",
      ends_at: "2026-09-20T20:00:00.000Z",
      local_start: "2026-09-20T23:00:00+10:00",
      local_end: "2026-09-21T06:00:00+10:00",
      timezone: "Australia/Sydney",
      adjustments: [],
      holiday: null,
    };
    const withFreeze = [...occurrences, freeze];
    const clash = evaluateSlot({
      risk: "high",
      startsAt: d("2026-09-20T12:30:00Z"),
      endsAt: d("2026-09-20T13:30:00Z"),
      occurrences: withFreeze,
    });
    expect(clash).toMatchObject({ allowed: false, rule: "freeze" });
    const before = evaluateSlot({
      risk: "high",
      startsAt: d("2026-09-20T12:00:00Z"),
      endsAt: d("2026-09-20T13:00:00Z"),
      occurrences: withFreeze,
    });
    expect(before.allowed).toBe(true);
  });

  it("lets an owner override with a reason, keeping the reasons; nobody else, and never without a reason", () => {
    const slot = {
      risk: "high" as const,
      startsAt: d("2026-09-22T02:00:00Z"),
      endsAt: d("2026-09-22T03:00:00Z"),
      occurrences,
    };
    const owner = evaluateSlot({
      ...slot,
      override: { role: "owner", reason: "Security fix, client approved" },
    });
    expect(owner).toMatchObject({ allowed: true, rule: "owner_override", overridden: true });
    expect(owner.reasons.map((r) => r.code)).toEqual(["high_risk_requires_maintenance_window"]);
    const manager = evaluateSlot({ ...slot, override: { role: "release_manager", reason: "please" } });
    expect(manager).toMatchObject({ allowed: false, rule: "high_risk_requires_maintenance_window" });
    expect(manager.reasons.map((r) => r.code)).toContain("override_rejected");
    expect(evaluateSlot({ ...slot, override: { role: "owner", reason: "   " } }).allowed).toBe(false);
  });

  it("refuses an empty or inverted slot", () => {
    const at = d("2026-09-20T12:30:00Z");
    expect(evaluateSlot({ risk: "low", startsAt: at, endsAt: at, occurrences }).rule).toBe("invalid_slot");
  });
});

describe("suggestNextSlots", () => {
  it("suggests the next maintenance windows for a refused high-risk release, skipping freezes", () => {
    const next = suggestNextSlots({
      risk: "high",
      after: d("2026-09-22T02:00:00Z"),
      durationMinutes: 60,
      occurrences,
      limit: 3,
    });
    expect(next.map((s) => [s.starts_at, s.ends_at])).toEqual([
      ["2026-09-27T12:00:00.000Z", "2026-09-27T15:00:00.000Z"],
      // After Sydney's DST start (22:00 AEDT = 11:00Z), cut at Sydney midnight (13:00Z) when NSW Labour Day begins.
      ["2026-10-04T11:00:00.000Z", "2026-10-04T13:00:00.000Z"],
      ["2026-10-11T11:00:00.000Z", "2026-10-11T14:00:00.000Z"],
    ]);
    expect(next[0]?.occurrences.map((o) => o.window_id)).toEqual(["mw"]);
  });

  it("skips the NSW Labour Day business hours for a low-risk release", () => {
    const next = suggestNextSlots({
      risk: "low",
      after: d("2026-10-04T20:00:00Z"),
      durationMinutes: 60,
      occurrences,
      limit: 1,
    });
    expect(next[0]?.starts_at).toBe("2026-10-06T01:00:00.000Z");
  });

  it("starts mid-window when `after` falls inside one, and drops stretches too short", () => {
    const mid = suggestNextSlots({
      risk: "low",
      after: d("2026-09-22T08:30:00Z"),
      durationMinutes: 20,
      occurrences,
      limit: 1,
    });
    expect(mid[0]).toMatchObject({
      starts_at: "2026-09-22T08:30:00.000Z",
      ends_at: "2026-09-22T09:00:00.000Z",
    });
    const longer = suggestNextSlots({
      risk: "low",
      after: d("2026-09-22T08:30:00Z"),
      durationMinutes: 40,
      occurrences,
      limit: 1,
    });
    expect(longer[0]?.starts_at).toBe("2026-09-23T01:00:00.000Z");
  });

  it("every suggestion passes evaluateSlot (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 * 24 * 60 }),
        fc.integer({ min: 1, max: 480 }),
        fc.constantFrom("low" as const, "high" as const),
        (offsetMinutes, duration, risk) => {
          const after = new Date(Date.parse("2026-09-01T00:00:00Z") + offsetMinutes * 60_000);
          for (const s of suggestNextSlots({
            risk,
            after,
            durationMinutes: duration,
            occurrences,
            limit: 5,
          })) {
            const start = Date.parse(s.starts_at);
            expect(start).toBeGreaterThanOrEqual(after.getTime());
            const verdict = evaluateSlot({
              risk,
              startsAt: new Date(start),
              endsAt: new Date(start + duration * 60_000),
              occurrences,
            });
            expect(verdict.allowed).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
