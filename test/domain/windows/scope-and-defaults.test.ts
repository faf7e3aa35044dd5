import { describe, expect, it } from "vitest";
import {
  defaultBusinessHoursWindow,
  expandWindow,
  resolveHolidayCalendar,
  resolveWindowTimeZone,
  type ScopedWindow,
  selectWindowsForRelease,
  validateWindow,
} from "../../../src/domain/windows";

const d = (iso: string) => new Date(iso);

describe("defaultBusinessHoursWindow", () => {
  it("is Monday to Friday 09:00–17:00 in the agency's zone, starting on its local today", () => {
    // 2026-03-01T20:00Z is already Monday 2 March in Sydney.
    const w = defaultBusinessHoursWindow("Australia/Sydney", d("2026-03-01T20:00:00Z"));
    expect(w).toEqual({
      kind: "business_hours",
      name: "Business hours",
      timezone: "Australia/Sydney",
      start: "2026-03-02T09:00",
      duration_minutes: 480,
      recurrence: { freq: "weekly", by_day: ["MO", "TU", "WE", "TH", "FR"], until: null },
    });
    expect(validateWindow(w)).toMatchObject({ ok: true, warnings: [] });
    const week = expandWindow(
      { ...w, id: "bh", timezone: "Australia/Sydney" },
      d("2026-03-01T00:00:00Z"),
      d("2026-03-07T00:00:00Z"),
    );
    expect(week.map((o) => [o.local_start, o.local_end])).toEqual(
      ["02", "03", "04", "05", "06"].map((day) => [
        `2026-03-${day}T09:00:00+11:00`,
        `2026-03-${day}T17:00:00+11:00`,
      ]),
    );
  });

  it("refuses an unknown zone", () => {
    expect(() => defaultBusinessHoursWindow("Nowhere/Special", d("2026-03-01T00:00:00Z"))).toThrow(
      RangeError,
    );
  });
});

describe("selectWindowsForRelease", () => {
  const w = (
    id: string,
    kind: ScopedWindow["kind"],
    scope: ScopedWindow["scope"],
    extra: Partial<ScopedWindow> = {},
  ): ScopedWindow => ({
    id,
    kind,
    scope,
    name: id,
    timezone: "Australia/Perth",
    start: "2026-01-01T09:00",
    duration_minutes: 60,
    ...extra,
  });
  const all = [
    w("agency-bh", "business_hours", "agency"),
    w("agency-mw", "maintenance", "agency"),
    w("agency-freeze", "freeze", "agency"),
    w("client-bh", "business_hours", "client", { client_id: "c1" }),
    w("client-freeze", "freeze", "client", { client_id: "c1" }),
    w("other-client-mw", "maintenance", "client", { client_id: "c2" }),
    w("project-mw", "maintenance", "project", { project_id: "p1" }),
  ];

  it("adds up freezes and lets the most specific scope define each allowing kind", () => {
    expect(
      selectWindowsForRelease(all, { client_id: "c1", project_id: "p1" })
        .map((x) => x.id)
        .sort(),
    ).toEqual(["agency-freeze", "client-bh", "client-freeze", "project-mw"].sort());
    expect(
      selectWindowsForRelease(all, { client_id: "c3", project_id: "p9" })
        .map((x) => x.id)
        .sort(),
    ).toEqual(["agency-bh", "agency-freeze", "agency-mw"].sort());
  });

  it("resolves a window's zone from project, client, then agency", () => {
    expect(
      resolveWindowTimeZone({ timezone: null }, { client: "Australia/Sydney", agency: "Australia/Perth" }),
    ).toBe("Australia/Sydney");
    expect(resolveWindowTimeZone({ timezone: "Australia/Darwin" }, { agency: "Australia/Perth" })).toBe(
      "Australia/Darwin",
    );
    expect(resolveWindowTimeZone({}, { agency: "Australia/Perth" })).toBe("Australia/Perth");
  });
});

describe("resolveHolidayCalendar", () => {
  const agency = { state: "WA" as const, timezone: "Australia/Perth" };
  it("uses the client's state in the client's (or that state's) zone, else the agency's", () => {
    expect(resolveHolidayCalendar(agency)).toEqual({ state: "WA", timezone: "Australia/Perth" });
    expect(resolveHolidayCalendar(agency, { state: "NSW" })).toEqual({
      state: "NSW",
      timezone: "Australia/Sydney",
    });
    expect(resolveHolidayCalendar(agency, { state: "NSW", timezone: "Australia/Broken_Hill" })).toEqual({
      state: "NSW",
      timezone: "Australia/Broken_Hill",
    });
  });
  it("can be switched off by the agency or the client", () => {
    expect(resolveHolidayCalendar({ ...agency, holidays_enabled: false })).toBeNull();
    expect(resolveHolidayCalendar(agency, { state: "VIC", holidays_enabled: false })).toBeNull();
    expect(resolveHolidayCalendar(agency, { holidays_enabled: false })).toBeNull();
  });
});
