// A CI delivery verified with the receiver's cached integration is claimed by the integration's
// DeliveryIntake object on the connection it keeps open. That connection cut under the claim —
// before the statement reaches Postgres, or after Postgres committed it but before the answer came
// back — answers the CI system a retryable 503, never a 500; the delivery is then recorded and
// applied exactly once, whether by the provider's redelivery or by the cron's hand-over. A
// connection that stops answering costs the CI system a 503 before its own timeout, and the object
// takes the next delivery on a new one; a burst larger than the object's connections serve goes to
// the receiver's own connection.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runTick } from "../../../src/cron/tick";
import { REQUEUE_AFTER_MS } from "../../../src/integrations/delivery-queue";
import {
  type CiAgency,
  ciTestResults,
  randomSha,
  releaseInVerification,
  send,
  settled,
  setUpCi,
  testMessage,
} from "../../integrations/ci-driver";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { systemQuery } from "../../windows/support";
import {
  armFault,
  disarmFault,
  expectRetryableProblem,
  faultState,
  uniqueMarker,
  withConnectionCut,
} from "../support/faults";

let agency: SeededAgency;
let ci: CiAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
  // The receiver reads the integration once and keeps a copy: the deliveries below go to its intake.
  const warm = await send(ci.hooks.github, testMessage("github", "Staging tests", "passed", randomSha()));
  expect(warm.status, warm.text).toBe(202);
});

const ciResults = (releaseId: string) => ciTestResults(agency, releaseId);

const intake = () => env.DELIVERY_INTAKE.get(env.DELIVERY_INTAKE.idFromName(ci.hooks.github.id));

async function rowsOf(deliveryId: string) {
  return systemQuery<{ outcome: string }>(sql`
    select outcome from webhook_deliveries
    where integration_id = ${ci.hooks.github.id} and delivery_id = ${deliveryId}`);
}

describe.skipIf(env.DB_TRANSPORT === "http")(
  "faults: the intake object's connection cut under a claim",
  () => {
    it("before the claim reaches Postgres: 503 with nothing recorded; the redelivery is claimed and applies once", async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
      const message = testMessage("github", "Staging tests", "passed", sha);
      const deliveryId = uniqueMarker("intake-cut-before");

      const { response, cut } = await withConnectionCut(deliveryId, "before_forwarding", () =>
        send(ci.hooks.github, message, { deliveryId }),
      );
      expect(cut, "the bridge never saw the claim").toBe(true);
      expectRetryableProblem(response, "database_unavailable");
      expect(await rowsOf(deliveryId)).toEqual([]);

      const redelivered = await send(ci.hooks.github, message, { deliveryId });
      expect(redelivered.status, redelivered.text).toBe(202);
      expect(await settled(agency, ci.hooks.github, deliveryId)).toMatchObject({
        outcome: "applied",
        release_id: releaseId,
      });
      expect(await rowsOf(deliveryId)).toEqual([{ outcome: "applied" }]);
      expect(await ciResults(releaseId)).toHaveLength(1);
    });

    it("after Postgres committed the claim: 503; the redelivery is not applied again, the cron hands the delivery over, it applies once", async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
      const message = testMessage("github", "Staging tests", "passed", sha);
      const deliveryId = uniqueMarker("intake-cut-after");
      const sentAt = Date.now();

      const { response, cut, statementRan } = await withConnectionCut(deliveryId, "after_answer", () =>
        send(ci.hooks.github, message, { deliveryId }),
      );
      expect(cut, "the bridge never saw the claim").toBe(true);
      expect(statementRan).toBe(true);
      expectRetryableProblem(response, "database_unavailable");
      // The claim is one statement in its own transaction: Postgres committed it at its Sync.
      expect(await rowsOf(deliveryId)).toEqual([{ outcome: "received" }]);

      const redelivered = await send(ci.hooks.github, message, { deliveryId });
      expect(redelivered.status, redelivered.text).toBe(200);
      expect(redelivered.body.outcome).toBe("duplicate");

      const tick = await runTick(env, sentAt + REQUEUE_AFTER_MS + 60_000);
      expect(tick.ci_deliveries_requeued).toBeGreaterThanOrEqual(1);
      expect(await settled(agency, ci.hooks.github, deliveryId)).toMatchObject({
        outcome: "applied",
        release_id: releaseId,
      });
      expect(await ciResults(releaseId)).toHaveLength(1);
    });

    it("a connection that stops answering: 503 before the provider gives up, and the next delivery is claimed on a new one", async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
      const message = testMessage("github", "Staging tests", "passed", sha);
      const deliveryId = uniqueMarker("intake-stall");
      const rule = await armFault(deliveryId, "stall");
      try {
        const sentAt = Date.now();
        const stalled = await send(ci.hooks.github, message, { deliveryId });
        const answeredAfterMs = Date.now() - sentAt;
        expect((await faultState(rule)).triggered, "the bridge never saw the claim").toBe(true);
        expectRetryableProblem(stalled, "database_unavailable");
        // A deadline, not a speed target: GitHub gives up on a webhook after 10 s, and a delivery it
        // gave up on is not a 503 it retries.
        expect(answeredAfterMs, "answered after the provider's 10-second timeout").toBeLessThan(10_000);
        // The object closed the connection that stopped answering rather than keep it.
        const deadline = Date.now() + 5_000;
        while (!(await faultState(rule)).closed && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await faultState(rule)).closed, "the stalled connection is still open").toBe(true);
      } finally {
        await disarmFault(rule);
      }
      expect(await rowsOf(deliveryId)).toEqual([]);

      // The provider's redelivery: claimed by the object on a connection it opened anew.
      const redelivered = await send(ci.hooks.github, message, { deliveryId });
      expect(redelivered.status, redelivered.text).toBe(202);
      expect(await intake().holdsConnection()).toBe(true);
      expect(await settled(agency, ci.hooks.github, deliveryId)).toMatchObject({
        outcome: "applied",
        release_id: releaseId,
      });
      expect(await ciResults(releaseId)).toHaveLength(1);
    });

    it("more claims in progress than it takes: the next delivery is claimed on the receiver's own connection", async () => {
      // The release first: nothing between the stall and the next delivery but that delivery.
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
      // Sixteen claims stall: four on the object's connections, twelve waiting for one.
      const stalledIds = Array.from({ length: 16 }, (_, i) => uniqueMarker(`intake-busy-${i}`));
      const rules = await Promise.all(stalledIds.map((id) => armFault(id, "stall")));
      try {
        const stalled = stalledIds.map((deliveryId) =>
          send(ci.hooks.github, testMessage("github", "Staging tests", "passed", randomSha()), {
            deliveryId,
          }),
        );
        const deadline = Date.now() + 5_000;
        while ((await intake().claimsInProgress()) < 16 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await intake().claimsInProgress()).toBe(16);

        const deliveryId = uniqueMarker("intake-busy-next");
        const next = await send(ci.hooks.github, testMessage("github", "Staging tests", "passed", sha), {
          deliveryId,
        });
        expect(next.status, next.text).toBe(202);
        expect(await rowsOf(deliveryId)).toHaveLength(1);
        // Answered while the object's claims were still waiting: the four on its connections are held
        // until the 8-second limit (the twelve waiting for a connection may give up sooner, at the
        // pool's 5-second connection timeout, on a slow machine).
        expect(await intake().claimsInProgress()).toBeGreaterThanOrEqual(4);

        for (const response of await Promise.all(stalled))
          expectRetryableProblem(response, "database_unavailable");
        expect(await settled(agency, ci.hooks.github, deliveryId)).toMatchObject({
          outcome: "applied",
          release_id: releaseId,
        });
      } finally {
        await Promise.all(rules.map(disarmFault));
      }
    });
  },
);
