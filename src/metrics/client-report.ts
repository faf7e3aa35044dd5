import { rollbacksStarted, shippedReleases } from "../db/repositories/metrics";
import type { Tx } from "../db/scope";
import type { DoraMetrics, MetricsRange } from "../domain/metrics";
import { formatZoned } from "../domain/windows/zoned-time";
import { loadDoraMetrics } from "./dora";

/**
 * A client's month: what shipped and in which window, what was rolled back and why, and the
 * client's DORA figures by week. Times are in the agency's zone, as in every metrics period. It
 * names no person: the client reads it through a share link.
 */
export interface ClientReport {
  agency: { name: string };
  client: { id: string; name: string };
  month: string;
  timezone: string;
  releases_shipped: {
    release_id: string;
    project: { id: string; name: string };
    version: string;
    title: string;
    attempt: number;
    deployed_at: string;
    window: { starts_at: string; ends_at: string } | null;
    /** Was this deployment a failed change (rolled back, unstable, or its rollback failed)? */
    failed_change: boolean;
    lead_time_hours: number;
  }[];
  rollbacks: {
    release_id: string;
    project_name: string;
    version: string;
    started_at: string;
    trigger: "rollback_decision" | "unstable_decision" | null;
    /** The release manager's recorded reason. */
    reason: string | null;
    outcome: "completed" | "failed" | "in_progress";
    ended_at: string | null;
  }[];
  /** Distinct deployment slots the month's deployments went out in. */
  windows_used: number;
  dora: DoraMetrics;
}

export async function loadClientReport(
  tx: Tx,
  agency: { id: string; name: string },
  client: { id: string; name: string },
  month: string,
  range: MetricsRange,
): Promise<ClientReport> {
  const zoned = (ms: number) => formatZoned(range.timeZone, ms);
  const scope = { kind: "client" as const, id: client.id, name: client.name };
  // One transaction, one statement at a time: a connection serves one query at once.
  const dora = await loadDoraMetrics(tx, agency.id, scope, range, "week");
  const shipped = await shippedReleases(tx, agency.id, range, { clientId: client.id });
  const rollbacks = await rollbacksStarted(tx, agency.id, range, { clientId: client.id });
  const slots = new Set(
    shipped
      .filter((row) => row.window_starts_at_ms !== null)
      .map((row) => `${row.window_starts_at_ms}/${row.window_ends_at_ms}`),
  );
  return {
    agency: { name: agency.name },
    client: { id: client.id, name: client.name },
    month,
    timezone: range.timeZone,
    releases_shipped: shipped.map((row) => ({
      release_id: row.release_id,
      project: { id: row.project_id, name: row.project_name },
      version: row.version,
      title: row.title,
      attempt: row.attempt,
      deployed_at: zoned(row.deployed_at_ms),
      window:
        row.window_starts_at_ms === null || row.window_ends_at_ms === null
          ? null
          : { starts_at: zoned(row.window_starts_at_ms), ends_at: zoned(row.window_ends_at_ms) },
      failed_change: row.failed,
      lead_time_hours: Math.round(row.lead_hours * 100) / 100,
    })),
    rollbacks: rollbacks.map((row) => ({
      release_id: row.release_id,
      project_name: row.project_name,
      version: row.version,
      started_at: zoned(row.started_at_ms),
      trigger:
        row.trigger === "rollback_decision" || row.trigger === "unstable_decision" ? row.trigger : null,
      reason: row.reason,
      outcome: row.outcome === "completed" || row.outcome === "failed" ? row.outcome : "in_progress",
      ended_at: row.ended_at_ms === null ? null : zoned(row.ended_at_ms),
    })),
    windows_used: slots.size,
    dora,
  };
}
