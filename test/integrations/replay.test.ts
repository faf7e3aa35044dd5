import { beforeAll, describe, expect, it } from "vitest";
import { type SeededAgency, seedAgency } from "../support/harness";
import {
  type CiAgency,
  type CiMessage,
  deploymentMessage,
  gate,
  goLive,
  listOf,
  type Provider,
  randomSha,
  releaseInVerification,
  releaseOf,
  send,
  sendAndSettle,
  setUpCi,
  testMessage,
} from "./ci-driver";

// GitHub and Bitbucket sign only the body (no time), CircleCI too, and GitLab's legacy token signs
// nothing: a captured body of an earlier passing run, resent under a new delivery id, used to be
// applied and turned a failed staging gate green. Two defences, each proven here: the same signed
// body is recognised whatever delivery id it comes under, and a report is never applied over a
// newer one (the provider's own time, from the signed body).

let ci: CiAgency;
let agency: SeededAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
});

// biome-ignore lint/suspicious/noExplicitAny: provider payloads are edited field by field
type Payload = Record<string, any>;

/** Sets the provider's own time for the status in `message` (the field each provider signs it in). */
function at(provider: Provider, message: CiMessage, iso: string): CiMessage {
  const payload = structuredClone(message.payload) as Payload;
  switch (provider) {
    case "github":
      if (payload.workflow_run) payload.workflow_run.updated_at = iso;
      if (payload.deployment_status) payload.deployment_status.updated_at = iso;
      break;
    case "gitlab":
      if (payload.object_attributes)
        payload.object_attributes.finished_at = iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
      if (payload.object_kind === "deployment")
        payload.status_changed_at = iso.replace("T", " ").replace(/\.\d+Z$/, " +0000");
      break;
    case "bitbucket":
      payload.commit_status.updated_on = iso.replace("Z", "+00:00");
      break;
    case "circleci":
      payload.happened_at = iso;
      break;
    case "standard":
      payload.timestamp = iso;
      break;
  }
  return { ...message, payload };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const BODY_SIGNED: readonly Provider[] = ["github", "gitlab", "bitbucket", "circleci"];

describe("replayed CI reports never turn a gate", () => {
  for (const provider of BODY_SIGNED) {
    it(`${provider}: a passing run's body resent under a new delivery id after a newer failure is a duplicate`, async () => {
      const hook = ci.hooks[provider];
      const sha = randomSha();
      const id = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const passing = at(provider, testMessage(provider, "Staging tests", "passed", sha), minutesAgo(30));
      const first = await sendAndSettle(hook, agency, passing);
      expect(first.delivery?.outcome).toBe("applied");
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(true);

      const failing = at(provider, testMessage(provider, "Staging tests", "failed", sha), minutesAgo(10));
      expect((await sendAndSettle(hook, agency, failing)).delivery?.outcome).toBe("applied");
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(false);

      // The captured body, byte for byte, under a delivery id of the attacker's choosing.
      const replay = await send(hook, passing, { deliveryId: crypto.randomUUID() });
      expect(replay.status, replay.text).toBe(200);
      expect(replay.body.outcome).toBe("duplicate");
      // CircleCI's delivery id is the body's own `id`, so its replay is caught as a redelivery.
      expect(replay.body.reason).toContain(provider === "circleci" ? "Redelivery" : "same signed payload");
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(false);
    });

    it(`${provider}: an older run's result arriving after a newer one is refused as stale`, async () => {
      const hook = ci.hooks[provider];
      const sha = randomSha();
      const id = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const newer = at(provider, testMessage(provider, "Staging tests", "failed", sha), minutesAgo(5));
      expect((await sendAndSettle(hook, agency, newer)).delivery?.outcome).toBe("applied");
      const older = at(provider, testMessage(provider, "Staging tests", "passed", sha), minutesAgo(50));
      const { delivery } = await sendAndSettle(hook, agency, older);
      expect(delivery?.outcome).toBe("ignored");
      expect(delivery?.reason).toContain("newer CI report");
      expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(false);
      const results = (await listOf(agency, id, "test-results")).filter((r) => r.source === "ci");
      expect(results.map((r) => r.status)).toEqual(["failed"]);
    });
  }

  it("standard: the id is signed with the body, so the same body under a new signed id is a new message", async () => {
    const hook = ci.hooks.standard;
    const sha = randomSha();
    const id = await releaseInVerification(agency, ci.projectOf.standard, sha);
    const message = at("standard", testMessage("standard", "Staging tests", "passed", sha), minutesAgo(1));
    expect((await sendAndSettle(hook, agency, message)).delivery?.outcome).toBe("applied");
    const again = await sendAndSettle(hook, agency, message);
    // Same signed time, same suite: not older, so not stale; a second identical result is harmless.
    expect(again.delivery?.outcome).toBe("applied");
    const older = at("standard", testMessage("standard", "Staging tests", "failed", sha), minutesAgo(20));
    expect((await sendAndSettle(hook, agency, older)).delivery?.outcome).toBe("ignored");
    expect(gate(await releaseOf(agency, id), "staging_tests_passed").ok).toBe(true);
  });

  it("github: an old deployment 'success' after a newer 'failure' is refused and the failure stands", async () => {
    const hook = ci.hooks.github;
    const sha = randomSha();
    const id = await releaseInVerification(agency, ci.projectOf.github, sha);
    await sendAndSettle(
      hook,
      agency,
      at("github", testMessage("github", "Staging tests", "passed", sha), minutesAgo(60)),
    );
    await goLive(agency, id);
    const started = at("github", deploymentMessage("github", "started", sha, 501), minutesAgo(30));
    expect((await sendAndSettle(hook, agency, started)).delivery?.outcome).toBe("applied");
    const failed = at("github", deploymentMessage("github", "failed", sha, 502), minutesAgo(5));
    expect((await sendAndSettle(hook, agency, failed)).delivery?.outcome).toBe("applied");
    const oldSuccess = at("github", deploymentMessage("github", "succeeded", sha, 503), minutesAgo(20));
    const { delivery } = await sendAndSettle(hook, agency, oldSuccess);
    expect(delivery?.outcome).toBe("ignored");
    expect(delivery?.reason).toContain("newer CI report for the deployment");
    const release = await releaseOf(agency, id);
    expect(release.pending_decision?.kind).toBe("rollback");
    const log = await listOf(agency, id, "deployment-log");
    expect(log.map((e) => e.kind)).not.toContain("deployment_completed");
  });
});
