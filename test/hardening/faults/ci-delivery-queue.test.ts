// A CI delivery is recorded in Postgres before its 202 and processed afterwards, from a Cloudflare
// Queue. Whatever stops the processor — its database connection cut mid-processing, or the isolate
// gone between recording the delivery and handing it to the queue — the delivery is processed
// later, and once: one test result on the release, one outcome on the delivery.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runTick } from "../../../src/cron/tick";
import { REQUEUE_AFTER_MS } from "../../../src/integrations/delivery-queue";
import { MAX_PROCESSING_ATTEMPTS } from "../../../src/integrations/process-delivery";
import {
  type CiAgency,
  ciTestResults,
  type Hook,
  randomSha,
  releaseInVerification,
  settled,
  setUpCi,
  testMessage,
} from "../../integrations/ci-driver";
import { acceptWithoutHandOver, deliveryRow, offer } from "../../integrations/queue-driver";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { systemQuery } from "../../windows/support";
import { withConnectionCut } from "../support/faults";

let agency: SeededAgency;
let ci: CiAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
});

/** A passing "Staging tests" result for `sha`, recorded by the receiver but never handed to the queue. */
const acceptResultFor = (hook: Hook, sha: string) =>
  acceptWithoutHandOver(hook, testMessage("github", "Staging tests", "passed", sha));

async function handedOverAt(rowId: string) {
  const rows = await systemQuery<{ queued_at: string | null }>(sql`
    select queued_at::text from webhook_deliveries where id = ${rowId}`);
  return rows[0]?.queued_at;
}

/** The Worker's cron tick at a chosen instant, with its report. */
const runTickAt = (at: Date) => runTick(env, at.getTime());

const ciResults = (releaseId: string) => ciTestResults(agency, releaseId);

describe("faults: a CI delivery accepted just before its processor dies", () => {
  it("its connection cut mid-processing: the queue offers it again, it applies once", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
    const { job } = await acceptResultFor(ci.hooks.github, sha);

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
    const { receipt, job } = await acceptResultFor(ci.hooks.github, sha);
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
