import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { decide } from "../support/releases";
import {
  type CiAgency,
  deploymentMessage,
  gate,
  goLive,
  listOf,
  PROVIDERS,
  randomSha,
  releaseInExecutionAt,
  releaseInVerification,
  releaseOf,
  send,
  sendAndSettle,
  settled,
  setUpCi,
  testMessage,
  uniqueNumber,
} from "./ci-driver";

let ci: CiAgency;
let agency: SeededAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
});

const ciResults = async (releaseId: string) =>
  (await listOf(agency, releaseId, "test-results")).filter((r) => r.source === "ci");

describe("a CI system configured as the README shows moves a release through its verification gates", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: staging, deployment, smoke, verification and UAT all reported by CI`, async () => {
      const hook = ci.hooks[provider];
      const sha = randomSha();
      const id = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const apply = async (message: ReturnType<typeof testMessage>) => {
        const { delivery } = await sendAndSettle(hook, agency, message);
        expect(delivery?.outcome, JSON.stringify(delivery)).toBe("applied");
        expect(delivery?.release_id).toBe(id);
      };

      await apply(testMessage(provider, "Staging tests", "passed", sha));
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(true);
      await goLive(agency, id);

      if (provider !== "circleci") await apply(deploymentMessage(provider, "started", sha));
      await apply(deploymentMessage(provider, "succeeded", sha));
      await apply(testMessage(provider, "Smoke tests", "passed", sha));
      const deployed = await releaseOf(agency, id);
      expect(gate(deployed, "smoke_test_passed").ok, gate(deployed, "smoke_test_passed").detail).toBe(true);

      const moved = await api(`/v1/releases/${id}/transitions`, {
        token: agency.tokens.release_manager,
        body: { to: "post_deployment_verification" },
      });
      expect(moved.status, moved.text).toBe(200);

      await apply(testMessage(provider, "Verification tests", "passed", sha));
      await apply(testMessage(provider, "UAT", "passed", sha));
      const verified = await releaseOf(agency, id);
      expect(verified.stage).toBe("post_deployment_verification");
      expect(gate(verified, "verification_tests_passed").ok).toBe(true);
      expect(gate(verified, "uat_passed").ok).toBe(true);

      const log = await listOf(agency, id, "deployment-log");
      expect(log.map((e) => e.kind)).toContain("deployment_completed");
      expect(log.every((e) => e.source === "ci" && e.recorded_by === null)).toBe(true);
      const events = await listOf(agency, id, "events");
      const ciEvents = events.filter((e) => e.actor?.kind === "system" && e.actor?.name === "ci");
      expect(ciEvents.length).toBeGreaterThanOrEqual(5);
    });
  }

  it("matches a short SHA by prefix, and a release without a SHA by its git ref", async () => {
    const sha = randomSha();
    const byPrefix = await releaseInVerification(agency, ci.projectOf.gitlab, sha);
    const short = testMessage("gitlab", "Staging tests", "passed", sha.slice(0, 8));
    const { delivery } = await sendAndSettle(ci.hooks.gitlab, agency, short);
    expect(delivery).toMatchObject({ outcome: "applied", release_id: byPrefix });

    const { createRelease, planAndVerify } = await import("../support/releases");
    const tag = `v9.${uniqueNumber()}`;
    const byRef = await createRelease(agency, { project_id: ci.projectOf.standard, git_ref: tag });
    await planAndVerify(agency, byRef);
    const message = testMessage("standard", "Staging tests", "passed", randomSha());
    (message.payload.data as Record<string, unknown>).ref = `refs/tags/${tag}`;
    const viaRef = await sendAndSettle(ci.hooks.standard, agency, message);
    expect(viaRef.delivery).toMatchObject({ outcome: "applied", release_id: byRef });
  });

  it("a result for a stage the release is not in is recorded as rejected, with the rules' reason", async () => {
    const sha = randomSha();
    const id = await releaseInVerification(agency, ci.projectOf.github, sha);
    const { delivery } = await sendAndSettle(
      ci.hooks.github,
      agency,
      testMessage("github", "Smoke tests", "passed", sha),
    );
    expect(delivery).toMatchObject({ outcome: "rejected", release_id: id });
    expect(delivery?.reason).toContain("smoke");
    expect(await ciResults(id)).toHaveLength(0);
  });
});

describe("out-of-order deliveries", () => {
  for (const provider of ["github", "gitlab", "bitbucket", "standard"] as const) {
    it(`${provider}: a run's 'completed' before its 'in progress' keeps the final result`, async () => {
      const sha = randomSha();
      const id = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const runId = uniqueNumber();
      const done = await sendAndSettle(
        ci.hooks[provider],
        agency,
        testMessage(provider, "Staging tests", "passed", sha, runId),
      );
      expect(done.delivery?.outcome).toBe("applied");
      const late = await sendAndSettle(
        ci.hooks[provider],
        agency,
        testMessage(provider, "Staging tests", "running", sha, runId),
      );
      expect(late.delivery?.outcome).toBe("ignored");
      expect(late.delivery?.reason).toContain("late 'running'");

      const results = await ciResults(id);
      expect(results.map((r) => r.status)).toEqual(["passed"]);
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(true);
    });
  }

  it("github: a re-run (run_attempt 2) of a finished run is a new run, so its 'in progress' counts", async () => {
    const sha = randomSha();
    const id = await releaseInVerification(agency, ci.projectOf.github, sha);
    const runId = uniqueNumber();
    await sendAndSettle(
      ci.hooks.github,
      agency,
      testMessage("github", "Staging tests", "failed", sha, runId),
    );
    const rerun = testMessage("github", "Staging tests", "running", sha, runId);
    (rerun.payload.workflow_run as Record<string, unknown>).run_attempt = 2;
    const { delivery } = await sendAndSettle(ci.hooks.github, agency, rerun);
    expect(delivery?.outcome).toBe("applied");
    const passed = testMessage("github", "Staging tests", "passed", sha, runId);
    (passed.payload.workflow_run as Record<string, unknown>).run_attempt = 2;
    await sendAndSettle(ci.hooks.github, agency, passed);
    expect((await ciResults(id)).map((r) => r.status)).toEqual(["failed", "running", "passed"]);
    expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(true);
  });

  for (const provider of ["github", "gitlab", "standard"] as const) {
    it(`${provider}: a deployment's 'success' before its 'in progress' is kept; the late start is ignored`, async () => {
      const sha = randomSha();
      const id = await releaseInExecutionAt(agency, ci.projectOf[provider], sha);
      const deploymentId = uniqueNumber();
      const done = await sendAndSettle(
        ci.hooks[provider],
        agency,
        deploymentMessage(provider, "succeeded", sha, deploymentId),
      );
      expect(done.delivery?.outcome).toBe("applied");
      const late = await sendAndSettle(
        ci.hooks[provider],
        agency,
        deploymentMessage(provider, "started", sha, deploymentId),
      );
      expect(late.delivery?.outcome).toBe("ignored");
      const log = await listOf(agency, id, "deployment-log");
      expect(log.map((e) => e.kind)).toEqual(["deployment_completed"]);
    });
  }
});

describe("a deployment failure reported by CI opens the rollback decision", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}`, async () => {
      const sha = randomSha();
      const id = await releaseInExecutionAt(agency, ci.projectOf[provider], sha);
      const deploymentId = uniqueNumber();
      if (provider !== "circleci") {
        const started = await sendAndSettle(
          ci.hooks[provider],
          agency,
          deploymentMessage(provider, "started", sha, deploymentId),
        );
        expect(started.delivery?.outcome).toBe("applied");
      }
      const failed = await sendAndSettle(
        ci.hooks[provider],
        agency,
        deploymentMessage(provider, "failed", sha, deploymentId),
      );
      expect(failed.delivery, JSON.stringify(failed.delivery)).toMatchObject({
        outcome: "applied",
        release_id: id,
      });

      const events = await listOf(agency, id, "events");
      const opened = events.find((e) => e.type === "rollback_decision_required");
      expect(opened?.data).toMatchObject({ cause: "deployment_failed" });
      const report = events.find(
        (e) => e.type === "deployment_reported" && e.data.report === "deployment_failed",
      );
      expect(report?.actor).toEqual({ kind: "system", name: "ci" });
      expect(report?.data.external_id).toBeTruthy();
      const log = await listOf(agency, id, "deployment-log");
      expect(log.at(-1)).toMatchObject({ kind: "deployment_failed", source: "ci" });

      const rollback = await decide(agency, id, {
        kind: "rollback",
        rationale: `${provider} reported the deploy failed`,
      });
      expect(rollback.status, rollback.text).toBe(200);
      expect(rollback.body.status).toBe("rolling_back");
    });
  }

  it("a smoke test failure reported by CI also opens it", async () => {
    const sha = randomSha();
    const id = await releaseInExecutionAt(agency, ci.projectOf.gitlab, sha);
    const { delivery } = await sendAndSettle(
      ci.hooks.gitlab,
      agency,
      testMessage("gitlab", "Smoke tests", "failed", sha),
    );
    expect(delivery?.outcome).toBe("applied");
    const events = await listOf(agency, id, "events");
    expect(events.find((e) => e.type === "rollback_decision_required")?.data).toMatchObject({
      cause: "smoke_test_failed",
    });
  });

  it("a redelivered failure has exactly one effect", async () => {
    const sha = randomSha();
    const id = await releaseInExecutionAt(agency, ci.projectOf.github, sha);
    const message = deploymentMessage("github", "failed", sha);
    const deliveryId = crypto.randomUUID();
    await sendAndSettle(ci.hooks.github, agency, message, { deliveryId });
    const again = await send(ci.hooks.github, message, { deliveryId });
    expect(again.status).toBe(200);
    await settled(agency, ci.hooks.github, deliveryId);
    const events = await listOf(agency, id, "events");
    expect(events.filter((e) => e.type === "rollback_decision_required")).toHaveLength(1);
    expect(
      (await listOf(agency, id, "deployment-log")).filter((e) => e.kind === "deployment_failed"),
    ).toHaveLength(1);
  });
});
