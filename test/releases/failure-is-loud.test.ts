import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";

// A failed deployment or smoke test is never only an audit event: the release shows the pending
// rollback decision (a field, a gate, the recommendation), the release manager and the owners are
// emailed at once, and an agency may have the system roll back under its policy.

let agency: SeededAgency;
let automatic: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
  automatic = await seedAgency();
  const policy = await api("/v1/tenant", {
    method: "PATCH",
    token: automatic.tokens.owner,
    body: { auto_rollback_on_failure: true },
  });
  expect(policy.status, policy.text).toBe(200);
  expect(policy.body.auto_rollback_on_failure).toBe(true);
});

const report = (a: SeededAgency, id: string, path: string, body: unknown) =>
  api(`/v1/releases/${id}/${path}`, { token: a.tokens.engineer, body });

async function alerts(a: SeededAgency, id: string) {
  const res = await api(`/v1/notifications?release_id=${id}&limit=100`, { token: a.tokens.owner });
  return res.body.items.filter((m: { event: string }) => m.event === "rollback_decision_required");
}

describe("a failure waiting on the release manager", () => {
  it("a failed deployment: pending decision, an unmet gate, a rollback recommendation, and the RM and owners are emailed", async () => {
    const id = await releaseInExecution(agency);
    expect(
      (await api(`/v1/releases/${id}`, { token: agency.tokens.viewer })).body.pending_decision,
    ).toBeNull();
    const failed = await report(agency, id, "deployment-log", {
      kind: "deployment_failed",
      detail: "Migration timed out",
    });
    expect(failed.status, failed.text).toBe(200);

    const release = (await api(`/v1/releases/${id}`, { token: agency.tokens.viewer })).body;
    expect(release.status).toBe("active");
    expect(release.pending_decision).toEqual({ kind: "rollback", causes: [{ cause: "deployment_failed" }] });
    const gate = release.gates.find((g: { id: string }) => g.id === "no_pending_rollback_decision");
    expect(gate.ok).toBe(false);
    expect(gate.detail).toContain('"kind": "rollback"');
    expect(release.recommendation.recommendation).toBe("rollback");
    expect(release.recommendation.reasons[0].code).toBe("deployment_failed");

    const sent = await alerts(agency, id);
    const to = sent.map((m: { recipient: { member_id: string } }) => m.recipient.member_id).sort();
    expect(to).toEqual([agency.members.owner.id, agency.members.release_manager.id].sort());
    expect(sent[0].subject).toContain("Action needed");

    const rollback = await decide(agency, id, { kind: "rollback", rationale: "Migration failed" });
    expect(rollback.status, rollback.text).toBe(200);
    expect(rollback.body.pending_decision).toBeNull();
  });

  it("a failed smoke test opens the same decision, naming the suite", async () => {
    const id = await releaseInExecution(agency);
    await report(agency, id, "deployment-log", { kind: "deployment_started" });
    await report(agency, id, "deployment-log", { kind: "deployment_completed" });
    const smoke = await report(agency, id, "test-results", {
      stage: "smoke",
      suite: "checkout",
      status: "failed",
    });
    expect(smoke.status, smoke.text).toBe(200);
    const release = (await api(`/v1/releases/${id}`, { token: agency.tokens.viewer })).body;
    expect(release.pending_decision.causes).toMatchObject([
      { cause: "smoke_test_failed", suite: "checkout" },
    ]);
    expect(release.recommendation.recommendation).toBe("rollback");
    expect((await alerts(agency, id)).length).toBe(2);
  });

  it("under the agency's auto_rollback_on_failure policy the system rolls back at once, recorded as such", async () => {
    const id = await releaseInExecution(automatic);
    const failed = await report(automatic, id, "deployment-log", { kind: "deployment_failed" });
    expect(failed.status, failed.text).toBe(200);
    expect(failed.body.status).toBe("rolling_back");
    expect(failed.body.pending_decision).toBeNull();
    expect(failed.body.result.auto_rollback.capacity).toBe("policy");
    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: automatic.tokens.viewer });
    const decision = events.body.items.find(
      (e: { type: string; actor: { kind: string } }) =>
        e.type === "rollback_started" || (e.actor.kind === "system" && e.type.includes("rollback")),
    );
    expect(decision.actor).toEqual({ kind: "system", name: "policy" });
    expect(await alerts(automatic, id)).toHaveLength(0);
  });
});
