// Drives the CI delivery queue's consumer directly: deliveries recorded by the receiver on the real
// database without the hand-over to the queue (as if the isolate went away right after the 202),
// then offered to the Worker's `queue` handler in batches the test chooses.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type DeliveryJob, receiveDelivery } from "../../src/integrations/receive-delivery";
import worker from "../../workers/index";
import { withDatabase } from "../support/database";
import { systemQuery } from "../windows/support";
import { type CiMessage, type Hook, signedDelivery } from "./ci-driver";

/** What the receiver does before its answer: verified, normalised and recorded; not handed over. */
export async function acceptWithoutHandOver(hook: Hook, message: CiMessage) {
  const { body, headers } = await signedDelivery(hook, message);
  const receipt = await withDatabase((handle) =>
    receiveDelivery(handle, env.DATA_ENCRYPTION_KEY, {
      integrationId: hook.id,
      headers: new Headers(headers),
      rawBody: body,
      now: new Date(),
      requestId: crypto.randomUUID(),
    }),
  );
  expect(receipt.status).toBe(202);
  expect(receipt.job).not.toBeNull();
  return { receipt, job: receipt.job as DeliveryJob };
}

export interface Offered {
  acked: boolean;
  retried: boolean;
}

/** The queue offers `jobs` to the Worker's consumer in one batch, each as its `attempts`-th delivery. */
export async function offerBatch(
  jobs: readonly { job: DeliveryJob; attempts: number }[],
): Promise<Offered[]> {
  const messages = jobs.map(({ job, attempts }) => ({
    id: crypto.randomUUID(),
    timestamp: new Date(),
    attempts,
    body: job,
  }));
  const batch = createMessageBatch<DeliveryJob>("release-pilot-ci-deliveries", messages);
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env>).queue?.(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return messages.map(({ id }) => ({
    acked: result.explicitAcks.includes(id),
    retried: result.retryMessages.some((m) => m.msgId === id),
  }));
}

/** The queue offers `job` alone, as its `attempts`-th delivery. */
export async function offer(job: DeliveryJob, attempts: number): Promise<Offered> {
  const [offered] = await offerBatch([{ job, attempts }]);
  return offered as Offered;
}

/** A delivery row as the processing left it. */
export async function deliveryRow(rowId: string) {
  const rows = await systemQuery<{ outcome: string; waiting: boolean; release_id: string | null }>(sql`
    select outcome, pending_job is not null as waiting, release_id
    from webhook_deliveries where id = ${rowId}`);
  return rows[0];
}
