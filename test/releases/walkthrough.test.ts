import { beforeAll, describe, expect, it } from "vitest";
import { addContact, fakeFor, settle } from "../notifications/support";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const gate = (release: { gates: { id: string; ok: boolean }[] }, id: string) =>
  release.gates.find((g) => g.id === id)?.ok;

async function report(id: string, path: string, body: unknown, token = agency.tokens.engineer) {
  const res = await api(`/v1/releases/${id}/${path}`, { token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
}

describe("a release walked through the five stages over HTTP", () => {
  it("planning → verification → execution → post-deployment → communication and closure", async () => {
    const id = await releaseInExecution(agency);
    const consenting = await addContact(agency, { consent: true });
    const noConsent = await addContact(agency, { consent: false });
    const communication = await api(`/v1/releases/${id}/recipients`, {
      method: "PUT",
      token: agency.tokens.release_manager,
      body: {
        contacts: [
          { contact_id: consenting.id, role: "client_stakeholder" },
          { contact_id: noConsent.id, role: "client_stakeholder" },
        ],
      },
    });
    expect(communication.status, communication.text).toBe(200);

    // Deployment execution: the engineer reports; leaving needs completion and a passing smoke test.
    await report(id, "deployment-log", { kind: "deployment_started", detail: "Pipeline 812" });
    const early = await api(`/v1/releases/${id}/transitions`, {
      token: agency.tokens.release_manager,
      body: { to: "post_deployment_verification" },
    });
    expect(early.status).toBe(409);
    expect(early.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(
      expect.arrayContaining(["deployment_completed", "smoke_test_passed"]),
    );
    await report(id, "deployment-log", { kind: "deployment_completed" });
    await report(id, "test-results", { stage: "smoke", suite: "homepage", status: "passed" });
    const post = await report(
      id,
      "transitions",
      { to: "post_deployment_verification" },
      agency.tokens.release_manager,
    );
    expect(post.stage).toBe("post_deployment_verification");

    // Post-deployment verification: results, monitoring confirmed by a named person, then stable.
    const unstableTooEarly = await decide(agency, id, {
      kind: "stability",
      outcome: "stable",
      rationale: "Looks fine",
    });
    expect(unstableTooEarly.status).toBe(409);
    await report(id, "test-results", { stage: "verification", suite: "checkout", status: "passed" });
    await report(id, "test-results", { stage: "uat", suite: "client sign-off", status: "passed" });
    const confirmed = await report(id, "monitoring-confirmation", { note: "Error rate flat for 30 min" });
    expect(gate(confirmed, "monitoring_confirmed")).toBe(true);
    const stable = await decide(agency, id, {
      kind: "stability",
      outcome: "stable",
      rationale: "Metrics normal",
    });
    expect(stable.status, stable.text).toBe(200);
    expect(stable.body.stage).toBe("communication_closure");

    // Communication and closure: notes published; closing also needs stakeholder notifications settled.
    const notes = await api(`/v1/releases/${id}/notes`, {
      method: "PUT",
      token: agency.tokens.release_manager,
      body: { markdown: "## 3.x\n\n- New landing page" },
    });
    expect(notes.status, notes.text).toBe(200);
    const published = await api(`/v1/releases/${id}/notes/publish`, {
      method: "POST",
      token: agency.tokens.release_manager,
    });
    expect(published.status, published.text).toBe(200);
    const release = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    expect(gate(release.body, "release_notes_published")).toBe(true);

    // Notifications settle (sent, or skipped with a reason), then the release closes.
    const messages = await settle(agency, id);
    expect(messages.filter((m) => m.status === "sent")).toHaveLength(3);
    expect(messages.filter((m) => m.status === "skipped").map((m) => m.skip_reason)).toEqual(["no_consent"]);
    expect((await fakeFor(consenting.email)).deliveries).toHaveLength(2);
    expect((await fakeFor(noConsent.email)).deliveries).toHaveLength(1);
    const closed = await api(`/v1/releases/${id}/transitions`, {
      token: agency.tokens.release_manager,
      body: { to: "closed" },
    });
    expect(closed.status, closed.text).toBe(200);
    expect({ stage: closed.body.stage, status: closed.body.status }).toEqual({
      stage: "closed",
      status: "closed",
    });
    expect(gate(closed.body, "notifications_settled")).toBe(true);

    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
    const types = events.body.items.map((e: { type: string }) => e.type);
    for (const expected of [
      "release_created",
      "team_assigned",
      "window_confirmed",
      "test_result_recorded",
      "go_no_go_decided",
      "deployment_reported",
      "stability_decided",
    ]) {
      expect(types).toContain(expected);
    }
    for (const event of events.body.items) {
      expect(event.actor).toBeTruthy();
      expect(event.created_at).toBeTruthy();
    }
  });

  it("a failed deployment opens the rollback decision; rollback runs step by step; re-attempt needs a closed investigation", async () => {
    const id = await releaseInExecution(agency);
    await report(id, "deployment-log", { kind: "deployment_started" });
    const failed = await report(id, "deployment-log", {
      kind: "deployment_failed",
      detail: "Migrations timed out",
    });
    expect(failed.result.events).toContain("rollback_decision_required");

    const rollback = await decide(agency, id, {
      kind: "rollback",
      rationale: "Restore the previous build now",
    });
    expect(rollback.status, rollback.text).toBe(200);
    expect(rollback.body.status).toBe("rolling_back");
    const outOfOrder = await api(`/v1/releases/${id}/rollback-steps`, {
      token: agency.tokens.engineer,
      body: { position: 2, outcome: "done" },
    });
    expect(outOfOrder.status).toBe(409);
    await report(id, "rollback-steps", { position: 1, outcome: "done" });
    const done = await report(id, "rollback-steps", { position: 2, outcome: "done", note: "Cache purged" });
    expect(done.status).toBe("rolled_back");

    const tooSoon = await api(`/v1/releases/${id}/reattempt`, {
      token: agency.tokens.release_manager,
      body: { reason: "Fixed the migration" },
    });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(
      expect.arrayContaining(["investigation_closed", "corrective_actions_closed"]),
    );

    const action = await api(`/v1/releases/${id}/investigation/corrective-actions`, {
      token: agency.tokens.release_manager,
      body: { description: "Run migrations before the cut-over" },
    });
    expect(action.status, action.text).toBeLessThan(300);
    const actionId = action.body.id ?? action.body.result?.id;
    expect(actionId).toBeTruthy();
    const closedAction = await api(`/v1/releases/${id}/investigation/corrective-actions/${actionId}`, {
      method: "PATCH",
      token: agency.tokens.release_manager,
      body: { status: "closed" },
    });
    expect(closedAction.status, closedAction.text).toBe(200);
    const closed = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: agency.tokens.release_manager,
      body: { summary: "Long-running migration", status: "closed" },
    });
    expect(closed.status, closed.text).toBe(200);

    const again = await report(
      id,
      "reattempt",
      { reason: "Migration split in two" },
      agency.tokens.release_manager,
    );
    expect({ stage: again.stage, status: again.status, attempt: again.attempt }).toEqual({
      stage: "planning",
      status: "active",
      attempt: 2,
    });
    const history = await api(`/v1/releases/${id}/test-results?limit=200`, { token: agency.tokens.viewer });
    expect(history.body.items.every((r: { attempt: number }) => r.attempt === 1)).toBe(true);
  });
});
