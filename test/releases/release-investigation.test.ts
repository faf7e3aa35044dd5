import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { createRelease, eventTypes, ok, release, toPostDeployment } from "./release-driver";

let a: SeededAgency;
let b: SeededAgency;
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
});

const reattempt = (id: string) =>
  api(`/v1/releases/${id}/reattempt`, {
    token: a.tokens.release_manager,
    body: { reason: "Fixed and retested" },
  });

describe("rollback, investigation and re-attempt", () => {
  let id: string;
  let actionId: string;

  it("has no investigation before anything failed", async () => {
    id = await createRelease(a);
    const none = await api(`/v1/releases/${id}/investigation`, { token: a.tokens.viewer });
    expect(none.status).toBe(404);
    expect(none.body.detail).toContain("rolled back");
    const patch = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { summary: "Nothing yet" },
    });
    expect(patch.status).toBe(404);
  });

  it("keeps the rollback procedure fixed while a rollback runs, then opens the investigation", async () => {
    await toPostDeployment(a, id);
    const rollback = await ok(`/v1/releases/${id}/decisions`, a.tokens.release_manager, {
      kind: "rollback",
      rationale: "Checkout errors",
    });
    expect(rollback.body.status).toBe("rolling_back");
    const running = rollback.body.row_version;
    const change = await api(`/v1/releases/${id}/rollback-procedure`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { steps: [{ title: "Something else" }] },
    });
    expect(change.status).toBe(409);
    expect(change.body.detail).toContain("rollback is running");
    const unchanged = await release(a, id);
    expect(unchanged.row_version).toBe(running);
    expect(unchanged.rollback_procedure).toHaveLength(2);

    await ok(`/v1/releases/${id}/rollback-steps`, a.tokens.engineer, { position: 1, outcome: "done" });
    const done = await ok(`/v1/releases/${id}/rollback-steps`, a.tokens.engineer, {
      position: 2,
      outcome: "done",
    });
    expect(done.body.status).toBe("rolled_back");

    const investigation = await ok(`/v1/releases/${id}/investigation`, a.tokens.viewer);
    expect(investigation.body).toMatchObject({
      attempt: 1,
      status: "open",
      summary: null,
      corrective_actions: [],
    });
    const gates = (await release(a, id)).gates.filter((g: { stage: string }) => g.stage === "reattempt");
    expect(gates.map((g: { id: string; ok: boolean }) => [g.id, g.ok])).toEqual([
      ["investigation_closed", false],
      ["corrective_actions_closed", false],
    ]);
  });

  it("refuses the re-attempt and closing the investigation until corrective actions are closed", async () => {
    const early = await reattempt(id);
    expect(early.status).toBe(409);
    expect(early.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual([
      "investigation_closed",
      "corrective_actions_closed",
    ]);
    const before = (await release(a, id)).row_version;
    const noActions = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "closed" },
    });
    expect(noActions.status).toBe(409);
    expect(noActions.body.detail).toContain("at least one corrective action");
    const badOwner = await api(`/v1/releases/${id}/investigation/corrective-actions`, {
      token: a.tokens.engineer,
      body: { description: "Add a PayPal sandbox test", owner_id: b.members.engineer.id },
    });
    expect(badOwner.status).toBe(422);
    expect(badOwner.body.errors[0].path).toBe("body.owner_id");
    const viewer = await api(`/v1/releases/${id}/investigation/corrective-actions`, {
      token: a.tokens.viewer,
      body: { description: "Add a PayPal sandbox test" },
    });
    expect(viewer.status).toBe(403);
    expect((await release(a, id)).row_version).toBe(before);

    const summary = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { summary: "The PayPal adapter read a staging-only setting." },
    });
    expect(summary.status, summary.text).toBe(200);
    expect(summary.body.summary).toBe("The PayPal adapter read a staging-only setting.");
    const action = await api(`/v1/releases/${id}/investigation/corrective-actions`, {
      token: a.tokens.engineer,
      body: { description: "Add a PayPal sandbox test to staging", owner_id: a.members.engineer.id },
    });
    expect(action.status, action.text).toBe(201);
    expect(action.body).toMatchObject({ attempt: 1, status: "open", owner_id: a.members.engineer.id });
    actionId = action.body.id;

    const engineerCloses = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "closed" },
    });
    expect(engineerCloses.status).toBe(403);
    const openAction = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "closed" },
    });
    expect(openAction.status).toBe(409);
    expect(openAction.body.detail).toContain("still open");
    expect((await ok(`/v1/releases/${id}/investigation`, a.tokens.viewer)).body.status).toBe("open");

    const other = await createRelease(a);
    const elsewhere = await api(`/v1/releases/${other}/investigation/corrective-actions/${actionId}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "closed" },
    });
    expect(elsewhere.status).toBe(404);

    const closedAction = await api(`/v1/releases/${id}/investigation/corrective-actions/${actionId}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "closed" },
    });
    expect(closedAction.status, closedAction.text).toBe(200);
    expect(closedAction.body.status).toBe("closed");
    const closed = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "closed" },
    });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({
      status: "closed",
      corrective_actions: [{ id: actionId, status: "closed" }],
    });

    const frozen = await api(`/v1/releases/${id}/investigation/corrective-actions`, {
      token: a.tokens.engineer,
      body: { description: "One more" },
    });
    expect(frozen.status).toBe(409);
    expect(frozen.body.detail).toContain("reopen");
    const gates = (await release(a, id)).gates.filter((g: { stage: string }) => g.stage === "reattempt");
    expect(gates.every((g: { ok: boolean }) => g.ok)).toBe(true);
  });

  it("re-attempts with a fresh checklist; the investigation stays as the failed attempt's history", async () => {
    const again = await reattempt(id);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ stage: "planning", status: "active", attempt: 2 });

    const investigation = await ok(`/v1/releases/${id}/investigation`, a.tokens.viewer);
    expect(investigation.body).toMatchObject({ attempt: 1, status: "closed" });
    const before = again.body.row_version;
    const patch = await api(`/v1/releases/${id}/investigation`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { status: "open" },
    });
    expect(patch.status).toBe(409);
    expect(patch.body.detail).toContain("attempt 2");
    const action = await api(`/v1/releases/${id}/investigation/corrective-actions/${actionId}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "open" },
    });
    expect(action.status).toBe(409);
    expect((await release(a, id)).row_version).toBe(before);

    const current = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
    expect(current.body.attempt).toBe(2);
    expect(
      current.body.items.every(
        (i: { status: string; attempt: number }) => i.status === "open" && i.attempt === 2,
      ),
    ).toBe(true);
    const history = await ok(`/v1/releases/${id}/checklist?attempt=1`, a.tokens.viewer);
    expect(history.body.items.every((i: { status: string }) => i.status === "done")).toBe(true);
    // An item of the finished attempt belongs to the release but no longer changes.
    const old = await api(`/v1/releases/${id}/checklist/${history.body.items[0].id}`, {
      method: "PATCH",
      token: a.tokens.engineer,
      body: { status: "open" },
    });
    expect(old.status).toBe(409);
    expect(old.body.detail).toContain("attempt 1");

    const types = await eventTypes(a, id);
    expect(types).toEqual(
      expect.arrayContaining([
        "investigation_updated",
        "corrective_action_added",
        "corrective_action_updated",
        "investigation_closed",
        "release_reattempted",
      ]),
    );
  });
});
