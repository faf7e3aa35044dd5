import { describe, expect, it } from "vitest";
import {
  currentMonth,
  doraMetrics,
  MAX_RANGE_DAYS,
  metricsTitle,
  monthRange,
  periodStarts,
  resolveMetricsRange,
} from "../../../src/domain/metrics";

const SYDNEY = "Australia/Sydney";
const range = (from: string, to: string, zone = SYDNEY) => {
  const resolved = resolveMetricsRange({ from, to }, zone, new Date("2026-12-01T00:00:00Z"));
  if (!("range" in resolved)) throw new Error(JSON.stringify(resolved.problems));
  return resolved.range;
};

describe("metrics ranges", () => {
  it("bounds whole local days, across a daylight-saving change", () => {
    // 4 Oct 2026: Sydney moves from +10:00 to +11:00, so the first week is an hour short.
    const r = range("2026-09-28", "2026-10-04");
    expect(r.days).toBe(7);
    expect(new Date(r.startMs).toISOString()).toBe("2026-09-27T14:00:00.000Z");
    expect(new Date(r.endMs).toISOString()).toBe("2026-10-04T13:00:00.000Z");
  });

  it("defaults to the last 91 days up to today in the zone", () => {
    // 1 Dec 2026 00:00 UTC is still 30 Nov (14:00) in Honolulu.
    const resolved = resolveMetricsRange({}, "Pacific/Honolulu", new Date("2026-12-01T00:00:00Z"));
    expect("range" in resolved && resolved.range.to).toBe("2026-11-30");
    expect("range" in resolved && resolved.range.days).toBe(91);
  });

  it("names the field for each problem", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    expect(resolveMetricsRange({ from: "2026-02-30" }, SYDNEY, now)).toEqual({
      problems: [{ field: "from", message: "must be a calendar date, YYYY-MM-DD" }],
    });
    expect(resolveMetricsRange({ from: "2026-11-02", to: "2026-11-01" }, SYDNEY, now)).toEqual({
      problems: [{ field: "to", message: "must be on or after from" }],
    });
    const long = resolveMetricsRange({ from: "2024-01-01", to: "2026-01-02" }, SYDNEY, now);
    expect(long).toEqual({
      problems: [{ field: "from", message: `must be at most ${MAX_RANGE_DAYS} days before to` }],
    });
    expect(resolveMetricsRange({ from: "1999-12-01", to: "2000-01-01" }, SYDNEY, now)).toEqual({
      problems: [{ field: "from", message: "must be in the year 2000 or later" }],
    });
  });

  it("lists every ISO week or month the range touches", () => {
    expect(periodStarts(range("2026-10-07", "2026-10-20"), "week")).toEqual([
      "2026-10-05",
      "2026-10-12",
      "2026-10-19",
    ]);
    expect(periodStarts(range("2026-11-15", "2027-01-02"), "month")).toEqual([
      "2026-11-01",
      "2026-12-01",
      "2027-01-01",
    ]);
  });

  it("months: bounds in the zone, malformed ones refused, the current one by zone", () => {
    const october = monthRange("2026-10", SYDNEY);
    expect(october?.from).toBe("2026-10-01");
    expect(october?.to).toBe("2026-10-31");
    expect(monthRange("2026-02", SYDNEY)?.days).toBe(28);
    expect(monthRange("2026-13", SYDNEY)).toBeNull();
    expect(monthRange("26-10", SYDNEY)).toBeNull();
    // 31 Oct 14:00 UTC is already 1 Nov in Sydney.
    expect(currentMonth(SYDNEY, new Date("2026-10-31T14:00:00Z"))).toBe("2026-11");
    expect(currentMonth("UTC", new Date("2026-10-31T14:00:00Z"))).toBe("2026-10");
  });
});

describe("doraMetrics", () => {
  it("fills empty periods and never divides by zero", () => {
    const metrics = doraMetrics({
      range: range("2026-10-05", "2026-10-18"),
      interval: "week",
      scope: { kind: "agency", id: "a", name: "Harbour Digital" },
      totals: {
        deployments: 0,
        failures: 0,
        lead_time_p50_hours: null,
        lead_time_p90_hours: null,
        lead_time_samples: 0,
        time_to_restore_p50_hours: null,
        time_to_restore_samples: 0,
      },
      periods: [],
    });
    expect(metrics.deployment_frequency).toEqual({ deployments: 0, per_week: 0 });
    expect(metrics.change_failure_rate.rate).toBeNull();
    expect(metrics.series).toEqual([
      { period_start: "2026-10-05", deployments: 0, failures: 0, lead_time_p50_hours: null },
      { period_start: "2026-10-12", deployments: 0, failures: 0, lead_time_p50_hours: null },
    ]);
    expect(metricsTitle(metrics.scope, metrics)).toBe("Delivery for all clients, 5 Oct 2026 – 18 Oct 2026");
  });
});
