import type { DatabaseHandle } from "../db/client";
import { requeueWaitingDeliveries } from "../db/repositories/integrations";
import { inSystemScope } from "../db/scope";
import type { DeliveryJob, PendingJob } from "./receive-delivery";

/** A delivery handed to the queue this long ago and still waiting is handed over again. */
export const REQUEUE_AFTER_MS = 2 * 60_000;
const REQUEUE_BATCH = 100;

/** Hands a recorded delivery to the processing queue. Never throws: the cron is the safety net. */
export async function enqueueDelivery(env: Env, job: DeliveryJob): Promise<void> {
  try {
    await env.CI_DELIVERIES.send(job, { contentType: "json" });
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        event: "webhook_enqueue_failed",
        integration_id: job.integrationId,
        delivery: job.deliveryRowId,
        request_id: job.requestId,
        error: error instanceof Error ? error.name : "unknown",
      }),
    );
  }
}

/**
 * The cron's sweep: every delivery recorded but still waiting for processing after
 * `REQUEUE_AFTER_MS` (its message was lost, or the isolate went away before sending it) is handed
 * to the queue again. Processing is idempotent per delivery, so a slow message that is still on its
 * way does no harm when it arrives as well. Returns how many were handed over.
 */
export async function requeueWaiting(env: Env, database: DatabaseHandle, now: Date): Promise<number> {
  const waiting = await inSystemScope(database, (tx) =>
    requeueWaitingDeliveries(tx, new Date(now.getTime() - REQUEUE_AFTER_MS), now, REQUEUE_BATCH),
  );
  if (waiting.length === 0) return 0;
  const jobs: DeliveryJob[] = waiting.map((row) => ({
    tenantId: row.tenantId,
    integrationId: row.integrationId,
    deliveryRowId: row.deliveryRowId,
    ...(row.pendingJob as PendingJob),
  }));
  await env.CI_DELIVERIES.sendBatch(jobs.map((body) => ({ body, contentType: "json" })));
  return jobs.length;
}
