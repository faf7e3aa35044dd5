import { DatabaseHandle } from "../db/client";
import { inSystemScope } from "../db/scope";
import { runtimeConfig } from "../env";
import { requeueWaiting } from "../integrations/delivery-queue";
import { releaseCoordinator } from "../releases/coordinator-client";
import { type DeliveryReport, deliverDue } from "../webhooks/deliver";
import { deliverySettings } from "../webhooks/kick";
import { drainOutboxTick, type OutboxTickReport } from "./drain-outbox";
import { openWindowOccurrences, type WindowOccurrenceReport } from "./open-window-occurrences";
import { pruneIdempotencyKeys } from "./prune-idempotency-keys";
import { type ScheduledReleaseReport, startScheduledReleases } from "./start-scheduled-releases";

export interface TickReport {
  scheduled_time: string;
  window_occurrences: WindowOccurrenceReport;
  scheduled_releases: ScheduledReleaseReport;
  idempotency_keys_pruned: number;
  webhooks: DeliveryReport;
  email: OutboxTickReport;
  /** CI deliveries still waiting for processing, handed to the queue again. */
  ci_deliveries_requeued: number;
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
    // Occurrences first: what opens or closes now is recorded before scheduled releases move.
    const windowOccurrences = await openWindowOccurrences(database, now);
    const scheduled = await startScheduledReleases(database, releaseCoordinator(env), now);
    const pruned = await inSystemScope(database, (tx) => pruneIdempotencyKeys(tx, now));
    const email = await drainOutboxTick(database, config, now);
    // Release events to the agencies' endpoints (retries included), after email, so a slow receiver
    // never holds stakeholder messages back; an alert this queues goes out with the next tick.
    const webhooks = await deliverDue(database, deliverySettings(config), { now, budgetMs: 30_000 });
    const requeued = await requeueWaiting(env, database, now).catch((error: unknown) => {
      // The queue refusing a send must not cost the tick: the deliveries wait for the next one.
      console.error(
        JSON.stringify({
          level: "error",
          event: "ci_deliveries_requeue_failed",
          error: error instanceof Error ? error.name : "unknown",
        }),
      );
      return 0;
    });
    return {
      scheduled_time: now.toISOString(),
      window_occurrences: windowOccurrences,
      scheduled_releases: scheduled,
      idempotency_keys_pruned: pruned,
      webhooks,
      email,
      ci_deliveries_requeued: requeued,
    };
  } finally {
    await database.end();
  }
}
