import type { ChartPeriod } from "./chart";
import { type MetricsInterval, type MetricsRange, periodStarts, weeksIn } from "./range";

/**
 * DORA's four keys, per agency, client or project. The definitions (also in the README):
 * - a deployment is a release attempt whose production deployment completed, counted in the period
 *   in which it completed;
 * - a failed change is a deployment followed, on the same attempt, by a rollback, an `unstable`
 *   stability decision or a failed rollback;
 * - lead time runs from the change's first sign (the earliest CI report about the release, or the
 *   release's creation — when its change log was written — when no CI is linked) to the deployment
 *   completing;
 * - time to restore runs from the failure being recorded to the rollback completing, or to a later
 *   attempt of the same release deploying (a fix forward).
 */

/** What the database aggregates for a range (src/db/repositories/metrics.ts). */
export interface DoraTotals {
  deployments: number;
  failures: number;
  lead_time_p50_hours: number | null;
  lead_time_p90_hours: number | null;
  lead_time_samples: number;
  time_to_restore_p50_hours: number | null;
  time_to_restore_samples: number;
}

export type DoraScope =
  | { kind: "agency"; id: string; name: string }
  | { kind: "client"; id: string; name: string }
  | { kind: "project"; id: string; name: string };

export interface DoraMetrics {
  from: string;
  to: string;
  timezone: string;
  interval: MetricsInterval;
  scope: DoraScope;
  deployment_frequency: { deployments: number; per_week: number };
  lead_time_for_changes: { p50_hours: number | null; p90_hours: number | null; samples: number };
  change_failure_rate: { failed: number; deployments: number; rate: number | null };
  time_to_restore: { p50_hours: number | null; samples: number };
  series: ChartPeriod[];
}

const round = (value: number, places: number) => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};
const hours = (value: number | null) => (value === null ? null : round(value, 2));

/** The metrics for a range: the database's totals and periods, with every period present. */
export function doraMetrics(input: {
  range: MetricsRange;
  interval: MetricsInterval;
  scope: DoraScope;
  totals: DoraTotals;
  periods: readonly ChartPeriod[];
}): DoraMetrics {
  const { range, totals } = input;
  const byStart = new Map(input.periods.map((period) => [period.period_start, period]));
  const series = periodStarts(range, input.interval).map(
    (start): ChartPeriod => ({
      period_start: start,
      deployments: byStart.get(start)?.deployments ?? 0,
      failures: byStart.get(start)?.failures ?? 0,
      lead_time_p50_hours: hours(byStart.get(start)?.lead_time_p50_hours ?? null),
    }),
  );
  return {
    from: range.from,
    to: range.to,
    timezone: range.timeZone,
    interval: input.interval,
    scope: input.scope,
    deployment_frequency: {
      deployments: totals.deployments,
      per_week: round(totals.deployments / weeksIn(range), 2),
    },
    lead_time_for_changes: {
      p50_hours: hours(totals.lead_time_p50_hours),
      p90_hours: hours(totals.lead_time_p90_hours),
      samples: totals.lead_time_samples,
    },
    change_failure_rate: {
      failed: totals.failures,
      deployments: totals.deployments,
      rate: totals.deployments === 0 ? null : round(totals.failures / totals.deployments, 4),
    },
    time_to_restore: {
      p50_hours: hours(totals.time_to_restore_p50_hours),
      samples: totals.time_to_restore_samples,
    },
    series,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "1 Oct 2026" for a YYYY-MM-DD date, without the runtime's locale data. */
export function readableDate(date: string): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** "Delivery for Bondi Surf Co, 1 Oct 2026 – 31 Dec 2026": a chart's title and a page's heading. */
export function metricsTitle(scope: DoraScope, range: Pick<MetricsRange, "from" | "to">): string {
  const subject = scope.kind === "agency" ? "all clients" : scope.name;
  return `Delivery for ${subject}, ${readableDate(range.from)} – ${readableDate(range.to)}`;
}
