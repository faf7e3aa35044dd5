import { DatabaseHandle } from "../db/client";
import { inSystemScope } from "../db/scope";
import { runtimeConfig } from "../env";
import { releaseCoordinator } from "../releases/coordinator-client";
import { pruneIdempotencyKeys } from "./prune-idempotency-keys";
import { type ScheduledReleaseReport, startScheduledReleases } from "./start-scheduled-releases";

export interface TickReport {
  scheduled_time: string;
  scheduled_releases: ScheduledReleaseReport;
  idempotency_keys_pruned: number;
}

/**
 * One cron tick. Every job is idempotent and set-based, so a tick that runs
 * twice changes nothing twice and a missed tick is caught up by the next.
 */
export async function runTick(env: Env, scheduledTime: number): Promise<TickReport> {
  const config = runtimeConfig(env);
  const database = new DatabaseHandle({ url: config.DATABASE_URL, wsProxy: config.DB_WS_PROXY });
  try {
    const now = new Date(scheduledTime);
    const scheduled = await startScheduledReleases(database, releaseCoordinator(env), now);
    const pruned = await inSystemScope(database, (tx) => pruneIdempotencyKeys(tx, now));
    return {
      scheduled_time: now.toISOString(),
      scheduled_releases: scheduled,
      idempotency_keys_pruned: pruned,
    };
  } finally {
    await database.end();
  }
}
