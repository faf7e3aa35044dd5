import { beforeAll, describe, expect, it } from "vitest";
import { githubWorkflowRunCompleted } from "../fixtures/ci/github-payloads";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import {
  type CiAgency,
  createHook,
  deliveries,
  deliveryIdOf,
  listOf,
  nowSeconds,
  PROVIDERS,
  randomSha,
  releaseInVerification,
  send,
  sendAndSettle,
  settled,
  setUpCi,
  testMessage,
} from "./ci-driver";

let ci: CiAgency;
let agency: SeededAgency;
let other: CiAgency;

beforeAll(async () => {
  agency = await seedAgency();
  ci = await setUpCi(agency);
  other = await setUpCi(await seedAgency());
});

const encoder = new TextEncoder();

async function stagingResults(releaseId: string) {
  return (await listOf(agency, releaseId, "test-results")).filter((r) => r.source === "ci");
}

describe("POST /hooks/{integration_id}: each provider's scheme over the raw bytes", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a signed staging result is answered 202 and then applied to the release`, async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const started = Date.now();
      const res = await send(ci.hooks[provider], testMessage(provider, "Staging tests", "passed", sha));
      const elapsed = Date.now() - started;
      expect(res.status, res.text).toBe(202);
      expect(res.body).toMatchObject({ outcome: "received", reason: null });
      // GitHub's own limit on an answer; a bound on a loaded shared machine, not a speed target.
      expect(elapsed).toBeLessThan(10_000);

      const delivery = await settled(agency, ci.hooks[provider], deliveryIdOf(res));
      expect(delivery, JSON.stringify(delivery)).toMatchObject({ outcome: "applied", release_id: releaseId });
      const results = await stagingResults(releaseId);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        stage: "staging",
        suite: "Staging tests",
        status: "passed",
        source: "ci",
      });
    });
  }

  it("gitlab: the legacy X-Gitlab-Token form is accepted too", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.gitlab, sha);
    const { delivery } = await sendAndSettle(
      ci.hooks.gitlab,
      agency,
      testMessage("gitlab", "Staging tests", "passed", sha),
      { gitlabLegacyToken: true },
    );
    expect(delivery?.outcome).toBe("applied");
    expect(await stagingResults(releaseId)).toHaveLength(1);
  });
});

describe("refusals have no effect", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a tampered body is 401 problem+json, nothing applied, a rejected record without the body`, async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const message = testMessage(provider, "Staging tests", "passed", sha);
      const signed = encoder.encode(JSON.stringify(message.payload));
      const tampered = encoder.encode(
        JSON.stringify(message.payload).replace('"Staging tests"', '"Staging Tests"'),
      );
      const deliveryId = crypto.randomUUID();
      const res = await send(ci.hooks[provider], message, { signedBody: signed, body: tampered, deliveryId });
      expect(res.status, res.text).toBe(401);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(res.body.reason).toBe("bad_signature");

      const rejected = (await deliveries(agency, ci.hooks[provider])).find(
        (d) => d.outcome === "rejected" && (provider === "circleci" || d.delivery_id === deliveryId),
      );
      expect(rejected).toMatchObject({ reason: "bad_signature", release_id: null, event_type: null });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await stagingResults(releaseId)).toHaveLength(0);

      // The same delivery id, properly signed, is still accepted: a forged request cannot block it.
      if (provider !== "circleci") {
        const genuine = await sendAndSettle(ci.hooks[provider], agency, message, { deliveryId });
        expect(genuine.delivery?.outcome).toBe("applied");
      }
    });

    it(`${provider}: a wrong secret is 401 and changes nothing`, async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const wrong =
        provider === "gitlab" || provider === "standard" ? other.hooks[provider].secret : "0".repeat(64);
      const res = await send(ci.hooks[provider], testMessage(provider, "Staging tests", "passed", sha), {
        secret: wrong,
      });
      expect(res.status, res.text).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await stagingResults(releaseId)).toHaveLength(0);
    });
  }

  it("the secret comes from the integration in the URL: another agency's valid signature is refused", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
    // Signed correctly for the other agency's integration, posted to this agency's receiver.
    const res = await send(other.hooks.github, testMessage("github", "Staging tests", "passed", sha), {
      integrationId: ci.hooks.github.id,
    });
    expect(res.status).toBe(401);
    // And posted to the other agency's own receiver it cannot reach this agency's release.
    const theirs = await sendAndSettle(
      other.hooks.github,
      other.agency,
      testMessage("github", "Staging tests", "passed", sha),
    );
    expect(theirs.delivery?.outcome).toBe("unmatched");
    expect(await stagingResults(releaseId)).toHaveLength(0);
  });

  for (const provider of ["standard", "gitlab"] as const) {
    it(`${provider}: a timestamp outside ±5 minutes is refused as a replay (401)`, async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf[provider], sha);
      // A minute beyond the ±5-minute tolerance each way: a request that takes a second or two to be
      // verified must not drift back inside it (a future timestamp +301 s arriving 2 s later would).
      for (const timestamp of [nowSeconds() - 360, nowSeconds() + 360]) {
        const res = await send(ci.hooks[provider], testMessage(provider, "Staging tests", "passed", sha), {
          timestamp,
        });
        expect(res.status, res.text).toBe(401);
        expect(res.body.reason).toBe("stale_timestamp");
      }
      const recent = await sendAndSettle(
        ci.hooks[provider],
        agency,
        testMessage(provider, "Staging tests", "passed", sha),
        {
          timestamp: nowSeconds() - 240,
        },
      );
      expect(recent.delivery?.outcome).toBe("applied");
      expect(await stagingResults(releaseId)).toHaveLength(1);
    });
  }

  it("a missing signature is 401", async () => {
    const res = await api(`/hooks/${ci.hooks.github.id}`, {
      method: "POST",
      rawBody: JSON.stringify(githubWorkflowRunCompleted),
      headers: {
        "Content-Type": "application/json",
        "X-GitHub-Event": "workflow_run",
        "X-GitHub-Delivery": "x-1",
      },
    });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe("missing_signature");
  });

  it("an unknown, malformed or disabled integration is 404", async () => {
    const message = testMessage("github", "Staging tests", "passed", randomSha());
    const unknown = await send(ci.hooks.github, message, { integrationId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toContain("application/problem+json");
    const garbage = await send(ci.hooks.github, message, { integrationId: "not-an-id" });
    expect(garbage.status).toBe(404);

    const hook = await createHook(agency, "github", [ci.projectOf.github]);
    const disabled = await api(`/v1/integrations/${hook.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);
    const refused = await send(hook, message);
    expect(refused.status).toBe(404);
    expect(await deliveries(agency, hook)).toEqual([]);
  });

  it("a body over 1 MiB is 413", async () => {
    const payload = { ...githubWorkflowRunCompleted, padding: "x".repeat(1024 * 1024) };
    const res = await send(ci.hooks.github, { event: "workflow_run", payload });
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("a signed body that is not JSON, or lacks required fields, is 400 and recorded as malformed", async () => {
    const notJson = encoder.encode("{not json");
    const res = await send(ci.hooks.github, { event: "workflow_run", payload: {} }, { body: notJson });
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");

    const missing = await send(ci.hooks.github, {
      event: "workflow_run",
      payload: { action: "completed", workflow_run: { id: 1 } },
    });
    expect(missing.status, missing.text).toBe(400);
    expect(missing.body.detail).toContain("workflow_run");

    const recorded = (await deliveries(agency, ci.hooks.github, "outcome=malformed")).map((d) => d.reason);
    expect(recorded.length).toBeGreaterThanOrEqual(2);
  });

  it("an event type we do not use is 202 and recorded as ignored (counted)", async () => {
    const res = await send(ci.hooks.github, { event: "push", payload: { ref: "refs/heads/main" } });
    expect(res.status, res.text).toBe(202);
    expect(res.body.outcome).toBe("ignored");
    const unmapped = await send(ci.hooks.github, testMessage("github", "Lint", "passed", randomSha()));
    expect(unmapped.status).toBe(202);
    expect(unmapped.body).toMatchObject({ outcome: "ignored" });
    expect(unmapped.body.reason).toContain("stage_map");

    const listing = await api(`/v1/integrations/${ci.hooks.github.id}/deliveries?outcome=ignored`, {
      token: agency.tokens.viewer,
    });
    expect(listing.body.items.map((d: { delivery_id: string }) => d.delivery_id)).toEqual(
      expect.arrayContaining([deliveryIdOf(res), deliveryIdOf(unmapped)]),
    );
    expect(listing.body.counts_last_7_days.ignored).toBeGreaterThanOrEqual(2);
  });
});

describe("duplicates and rotation", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a redelivery is answered 200 duplicate and has no second effect`, async () => {
      const sha = randomSha();
      const releaseId = await releaseInVerification(agency, ci.projectOf[provider], sha);
      const message = testMessage(provider, "Staging tests", "passed", sha);
      const deliveryId = crypto.randomUUID();
      const first = await sendAndSettle(ci.hooks[provider], agency, message, { deliveryId });
      expect(first.delivery?.outcome).toBe("applied");
      // CircleCI's delivery id is the payload `id`, so the same message is the same delivery.
      const again = await send(ci.hooks[provider], message, { deliveryId });
      expect(again.status, again.text).toBe(200);
      expect(again.body).toMatchObject({ outcome: "duplicate", delivery_id: deliveryIdOf(first.response) });
      const third = await send(ci.hooks[provider], message, { deliveryId });
      expect(third.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await stagingResults(releaseId)).toHaveLength(1);
      const listed = (await deliveries(agency, ci.hooks[provider])).filter(
        (d) => d.delivery_id === deliveryIdOf(first.response),
      );
      expect(listed.map((d) => d.outcome).sort()).toEqual(["applied", "duplicate", "duplicate"]);
    });
  }

  it("concurrent copies of one delivery apply once", async () => {
    const sha = randomSha();
    const releaseId = await releaseInVerification(agency, ci.projectOf.github, sha);
    const message = testMessage("github", "Staging tests", "passed", sha);
    const deliveryId = crypto.randomUUID();
    const answers = await Promise.all([1, 2, 3, 4].map(() => send(ci.hooks.github, message, { deliveryId })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 202]);
    await settled(agency, ci.hooks.github, deliveryId);
    expect(await stagingResults(releaseId)).toHaveLength(1);
  });

  for (const provider of PROVIDERS) {
    it(`${provider}: after rotation both secrets work during the overlap; the old one is refused once it ends`, async () => {
      const hook = await createHook(agency, provider, [ci.projectOf[provider]]);
      const oldSecret = hook.secret;
      const rotated = await api(`/v1/integrations/${hook.id}/rotate-secret`, {
        token: agency.tokens.release_manager,
        body: { overlap_hours: 1 },
      });
      expect(rotated.status, rotated.text).toBe(200);
      const newSecret: string = rotated.body.secret;
      const sha = randomSha();
      await releaseInVerification(agency, ci.projectOf[provider], sha);
      const viaOld = await send(hook, testMessage(provider, "Staging tests", "passed", sha), {
        secret: oldSecret,
      });
      expect(viaOld.status, viaOld.text).toBe(202);
      const viaNew = await send(hook, testMessage(provider, "Staging tests", "passed", sha), {
        secret: newSecret,
      });
      expect(viaNew.status, viaNew.text).toBe(202);

      // Rotating again with no overlap retires the previous secret at once.
      const again = await api(`/v1/integrations/${hook.id}/rotate-secret`, {
        token: agency.tokens.release_manager,
        body: { overlap_hours: 0 },
      });
      const newest: string = again.body.secret;
      const stale = await send(hook, testMessage(provider, "Staging tests", "passed", sha), {
        secret: newSecret,
      });
      expect(stale.status).toBe(401);
      const stillOld = await send(hook, testMessage(provider, "Staging tests", "passed", sha), {
        secret: oldSecret,
      });
      expect(stillOld.status).toBe(401);
      const fresh = await send(hook, testMessage(provider, "Staging tests", "passed", sha), {
        secret: newest,
      });
      expect(fresh.status).toBe(202);
    });
  }

  it("the old secret is refused once the overlap has ended", async () => {
    const hook = await createHook(agency, "github", [ci.projectOf.github]);
    const rotated = await api(`/v1/integrations/${hook.id}/rotate-secret`, {
      token: agency.tokens.release_manager,
      // 3.6 s: room for the delivery inside it on a loaded machine (a second was once too short).
      body: { overlap_hours: 0.001 },
    });
    expect(rotated.status).toBe(200);
    const message = () => testMessage("github", "Lint", "passed", randomSha());
    expect((await send(hook, message(), { secret: hook.secret })).status).toBe(202);
    // Until just past the end the API reported, rather than a fixed sleep.
    const overlapEnds = Date.parse(rotated.body.previous_secret_expires_at);
    expect(overlapEnds - Date.now()).toBeLessThanOrEqual(3_600);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, overlapEnds - Date.now()) + 100));
    expect((await send(hook, message(), { secret: hook.secret })).status).toBe(401);
    expect((await send(hook, message(), { secret: rotated.body.secret })).status).toBe(202);
  });
});

describe("GET /v1/integrations/{id}/deliveries", () => {
  it("pages newest first with a cursor and explains each outcome", async () => {
    const hook = await createHook(agency, "standard", [ci.projectOf.standard]);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(hook, { event: "build_started", payload: { type: "build_started", data: {} } });
      expect(res.status).toBe(202);
      sent.push(deliveryIdOf(res));
    }
    const unmatched = await sendAndSettle(
      hook,
      agency,
      testMessage("standard", "Staging tests", "passed", randomSha()),
    );
    expect(unmatched.delivery).toMatchObject({ outcome: "unmatched", release_id: null });
    expect(unmatched.delivery?.reason).toContain("harbourdigital/client-site");

    const first = await api(`/v1/integrations/${hook.id}/deliveries?limit=2`, {
      token: agency.tokens.engineer,
    });
    expect(first.status).toBe(200);
    expect(first.body.items.map((d: { delivery_id: string }) => d.delivery_id)).toEqual([
      deliveryIdOf(unmatched.response),
      sent[2],
    ]);
    const second = await api(
      `/v1/integrations/${hook.id}/deliveries?limit=2&cursor=${first.body.next_cursor}`,
      {
        token: agency.tokens.engineer,
      },
    );
    expect(second.body.items.map((d: { delivery_id: string }) => d.delivery_id)).toEqual([sent[1], sent[0]]);
    expect(second.body.next_cursor).toBeNull();
    expect(first.body.counts_last_7_days).toEqual({ ignored: 3, unmatched: 1 });
    for (const item of [...first.body.items, ...second.body.items]) {
      expect(item.reason).toBeTruthy();
      expect(item.processed_at).toBeTruthy();
    }
  });
});
