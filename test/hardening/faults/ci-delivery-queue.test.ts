// A CI delivery is recorded in Postgres before its 202 and processed afterwards, from a Cloudflare
// Queue. Whatever stops the processor — its database connection cut mid-processing, or the isolate
// gone between recording the delivery and handing it to the queue — the delivery is processed
// later, and once: one test result on the release, one outcome on the delivery.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runTick } from "../../../src/cron/tick";
import { REQUEUE_AFTER_MS } from "../../../src/integrations/delivery-queue";
import { MAX_PROCESSING_ATTEMPTS } from "../../../src/integrations/process-delivery";
import { type DeliveryJob, receiveDelivery } from "../../../src/integrations/receive-delivery";
import worker from "../../../workers/index";
import {
  type CiAgency,
  type Hook,
  listOf,
  randomSha,
  releaseInVerification,
  settled,
  setUpCi,
  signedDelivery,
  testMessage,
} from "../../integrations/ci-driver";
import { withDatabase } from "../../support/database";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { systemQuery } from "../../windows/support";
import { withConnectionCut } from "../support/faults";

let agency: SeededAgency;
let ci: CiAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
});

/**
 * What the receiver does before its answer, on the real database: verified, normalised and
 * recorded. The hand-over to the queue, which the route does next, is left out — as if the isolate
 * went away right after the 202.
 */
async function acceptWithoutHandOver(hook: Hook, sha: string) {
  const message = testMessage("github", "Staging tests", "passed", sha);
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

/** The queue offers `job` to the Worker's consumer as its `attempts`-th delivery. */
async function offer(job: DeliveryJob, attempts: number) {
  const id = crypto.randomUUID();
  const batch = createMessageBatch<DeliveryJob>("release-pilot-ci-deliveries", [
    { id, timestamp: new Date(), attempts, body: job },
  ]);
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env>).queue?.(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    acked: result.explicitAcks.includes(id),
    retried: result.retryMessages.some((m) => m.msgId === id),
  };
}

async function deliveryRow(rowId: string) {
  const rows = await systemQuery<{ outcome: string; waiting: boolean; release_id: string | null }>(sql`
    select outcome, pending_job is not null as waiting, release_id
    from webhook_deliveries where id = ${rowId}`);
  return rows[0];
}

async function handedOverAt(rowId: string) {
  const rows = await systemQuery<{ queued_at: string | null }>(sql`
    select queued_at::text from webhook_deliveries where id = ${rowId}`);
  return rows[0]?.queued_at;
}

/** The Worker's cron tick at a chosen instant, with its report. */
const runTickAt = (at: Date) => runTick(env, at.getTime());

const ciResults = async (releaseId: string) =>
  (await listOf(agency, releaseId, "test-results")).filter((r) => r.source === "ci");

describe("faults: a CI delivery accepted just before its processor dies", () => {
  it("its connection cut mid-processing: the queue offers it again, it applies once", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
    const { job } = await acceptWithoutHandOver(ci.hooks.github, sha);

    // The first statement that carries the commit is the release match: the connection dies there.
    const { response: first, cut } = await withConnectionCut(sha, "after_answer", () => offer(job, 1));
    expect(cut, "the bridge never saw the processing's statement").toBe(true);
    expect(first).toEqual({ acked: false, retried: true });
    expect(await deliveryRow(job.deliveryRowId)).toMatchObject({ outcome: "received", waiting: true });
    expect(await ciResults(releaseId)).toHaveLength(0);

    expect(await offer(job, 2)).toEqual({ acked: true, retried: false });
    expect(await deliveryRow(job.deliveryRowId)).toEqual({
      outcome: "applied",
      waiting: false,
      release_id: releaseId,
    });
    expect(await ciResults(releaseId)).toHaveLength(1);

    // Offered once more (a slow message and the cron's hand-over both arriving): no second effect.
    expect(await offer(job, 1)).toEqual({ acked: true, retried: false });
    expect(await ciResults(releaseId)).toHaveLength(1);
    expect((await deliveryRow(job.deliveryRowId))?.outcome).toBe("applied");

    // Another chain's last attempt failing after this one applied it records nothing over that.
    const { response: last, cut: cutAgain } = await withConnectionCut(sha, "after_answer", () =>
      offer(job, MAX_PROCESSING_ATTEMPTS),
    );
    expect(cutAgain).toBe(true);
    expect(last).toEqual({ acked: true, retried: false });
    expect(await deliveryRow(job.deliveryRowId)).toEqual({
      outcome: "applied",
      waiting: false,
      release_id: releaseId,
    });
  });

  it("gone before the hand-over to the queue: the cron hands it over, it applies once", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
    const { receipt, job } = await acceptWithoutHandOver(ci.hooks.github, sha);
    const acceptedAt = Date.now();

    // Within the hand-over period the cron leaves it to the message that may still be on its way.
    const recordedAt = await handedOverAt(job.deliveryRowId);
    expect(recordedAt).toBeTruthy();
    await runTickAt(new Date(acceptedAt + REQUEUE_AFTER_MS / 2));
    expect(await handedOverAt(job.deliveryRowId)).toBe(recordedAt);
    expect(await deliveryRow(job.deliveryRowId)).toMatchObject({ outcome: "received", waiting: true });

    const late = await runTickAt(new Date(acceptedAt + REQUEUE_AFTER_MS + 60_000));
    expect(late.ci_deliveries_requeued).toBeGreaterThanOrEqual(1);
    const delivery = await settled(agency, ci.hooks.github, receipt.body.delivery_id);
    expect(delivery).toMatchObject({ outcome: "applied", release_id: releaseId });
    expect(await ciResults(releaseId)).toHaveLength(1);

    // Processed, it is nobody's work any more: a later tick hands nothing of it over.
    await runTickAt(new Date(acceptedAt + 3 * REQUEUE_AFTER_MS));
    expect(await deliveryRow(job.deliveryRowId)).toMatchObject({ outcome: "applied", waiting: false });
    expect(await ciResults(releaseId)).toHaveLength(1);
  });
});
