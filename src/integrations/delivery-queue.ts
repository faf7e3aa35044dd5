import type { DatabaseHandle } from "../db/client";
import { requeueWaitingDeliveries } from "../db/repositories/integrations";
import { inSystemScope } from "../db/scope";
import type { DeliveryJob, PendingJob } from "./receive-delivery";

/**
 * A delivery handed to the queue this long ago and still waiting is handed over again: well past
 * the queue's own retries (5 + 10 + 20 + 40 s, each attempt bounded by a 5 s connect timeout), so
 * a delivery the queue still holds is rarely offered twice — and one that is keeps its first outcome.
 */
export const REQUEUE_AFTER_MS = 5 * 60_000;
const REQUEUE_BATCH = 100;
/** A queue batch is at most 100 messages and 256 KB; sends stay well inside both. */
const SEND_BATCH_BYTES = 192 * 1024;
const SEND_BATCH_MESSAGES = 100;

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
  for (const batch of bySize(jobs)) {
    await env.CI_DELIVERIES.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
  }
  return jobs.length;
}

/** Splits jobs into sends within the queue's batch limits (a URL in an event may be 2 KB). */
function bySize(jobs: readonly DeliveryJob[]): DeliveryJob[][] {
  const batches: DeliveryJob[][] = [];
  let current: DeliveryJob[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = new TextEncoder().encode(JSON.stringify(job)).length;
    if (current.length > 0 && (bytes + size > SEND_BATCH_BYTES || current.length >= SEND_BATCH_MESSAGES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
