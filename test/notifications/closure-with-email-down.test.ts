import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";
import { securityCases } from "../support/security";
import { addContact, drain, fakeControl, notificationsOf, scanLogsForEmailAddresses } from "./support";

// Closure must never wait on an email provider that is down or not configured: a message that
// keeps failing ends as `failed` after bounded retries, the release manager or an owner can cancel
// unsent messages with a reason (audited), and the gate names what is open and what to do.

scanLogsForEmailAddresses();

let agency: SeededAgency;
let other: SeededAgency;
let securityReleaseId: string;
beforeAll(async () => {
  [agency, other] = await seedTwoAgencies();
  securityReleaseId = await releaseInExecution(agency);
});

async function ok(path: string, body: unknown, token = agency.tokens.engineer, method = "POST") {
  const res = await api(path, { method, token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
}

/** A deployed release whose communication list holds one contact the provider refuses to reach. */
async function deployedToUnreachable(): Promise<{ id: string; email: string }> {
  const contact = await addContact(agency, { consent: true });
  const id = await releaseInExecution(agency);
  await ok(
    `/v1/releases/${id}/recipients`,
    { contacts: [{ contact_id: contact.id, role: "client_stakeholder" }], members: [] },
    agency.tokens.release_manager,
    "PUT",
  );
  await fakeControl("fail", contact.email, 1_000);
  await ok(`/v1/releases/${id}/deployment-log`, { kind: "deployment_started" });
  await ok(`/v1/releases/${id}/deployment-log`, { kind: "deployment_completed" });
  await ok(`/v1/releases/${id}/test-results`, { stage: "smoke", suite: "homepage", status: "passed" });
  await ok(
    `/v1/releases/${id}/transitions`,
    { to: "post_deployment_verification" },
    agency.tokens.release_manager,
  );
  await ok(`/v1/releases/${id}/test-results`, { stage: "verification", suite: "checkout", status: "passed" });
  await ok(`/v1/releases/${id}/test-results`, { stage: "uat", suite: "client", status: "passed" });
  await ok(`/v1/releases/${id}/monitoring-confirmation`, { note: "Error rate flat" });
  const stable = await decide(agency, id, {
    kind: "stability",
    outcome: "stable",
    rationale: "Metrics normal",
  });
  expect(stable.status, stable.text).toBe(200);
  await ok(
    `/v1/releases/${id}/notes`,
    { markdown: "## Shipped\n\n- New checkout" },
    agency.tokens.release_manager,
    "PUT",
  );
  await ok(`/v1/releases/${id}/notes/publish`, undefined, agency.tokens.release_manager);
  return { id, email: contact.email };
}

const gate = async (id: string) => {
  const release = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
  return release.body.gates.find((g: { id: string }) => g.id === "notifications_settled");
};

describe("closure with the email provider down", () => {
  it("the gate names the open messages and how to cancel them; cancelling settles them, audited without addresses", async () => {
    const { id, email } = await deployedToUnreachable();
    await drain({ releaseId: id, now: new Date(Date.now() + 60_000) });
    const before = await gate(id);
    expect(before.ok).toBe(false);
    const open = (await notificationsOf(agency, id)).items.filter(
      (m: { status: string }) => m.status === "queued" || m.status === "retrying",
    );
    expect(open.length).toBeGreaterThan(0);
    for (const message of open) expect(before.detail).toContain(message.id);
    expect(before.detail).toContain(`POST /v1/releases/{id}/notifications/cancel`);

    const engineer = await api(`/v1/releases/${id}/notifications/cancel`, {
      token: agency.tokens.engineer,
      body: { reason: "Resend is down" },
    });
    expect(engineer.status, engineer.text).toBe(403);
    const noReason = await api(`/v1/releases/${id}/notifications/cancel`, {
      token: agency.tokens.release_manager,
      body: {},
    });
    expect(noReason.status, noReason.text).toBe(400);

    const cancelled = await api(`/v1/releases/${id}/notifications/cancel`, {
      token: agency.tokens.release_manager,
      body: { reason: "Resend outage; the client was told by phone" },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.result.cancelled.sort()).toEqual(open.map((m: { id: string }) => m.id).sort());
    const after = cancelled.body.gates.find((g: { id: string }) => g.id === "notifications_settled");
    expect(after.ok, after.detail).toBe(true);
    expect(after.detail).toContain(`${open.length} cancelled`);

    const items = (await notificationsOf(agency, id)).items;
    for (const message of items.filter((m: { id: string }) =>
      open.some((o: { id: string }) => o.id === m.id),
    )) {
      expect(message).toMatchObject({
        status: "cancelled",
        cancel_reason: "Resend outage; the client was told by phone",
      });
    }
    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
    const audit = events.body.items.find((e: { type: string }) => e.type === "notifications_cancelled");
    expect(audit.data.reason).toBe("Resend outage; the client was told by phone");
    expect(JSON.stringify(audit)).not.toContain(email);

    // A cancelled message is never sent, even if the provider recovers.
    await drain({ releaseId: id, now: new Date(Date.now() + 7_200_000) });
    expect(
      (await notificationsOf(agency, id)).items.every((m: { status: string }) => m.status !== "sent"),
    ).toBe(true);

    // Cancelling one already settled message is a 409 naming its status.
    const again = await api(`/v1/notifications/${open[0]?.id}/cancel`, {
      token: agency.tokens.owner,
      body: { reason: "twice" },
    });
    expect(again.status, again.text).toBe(409);
    expect(again.body.detail).toContain("cancelled");
  });

  it("a message that keeps failing ends as failed after bounded retries, and closure no longer waits for it", async () => {
    const { id } = await deployedToUnreachable();
    let now = Date.now();
    for (let round = 0; round < 10; round++) {
      now += 2 * 3_600_000; // past any backoff and lease
      await drain({ releaseId: id, now: new Date(now) });
    }
    const items = (await notificationsOf(agency, id)).items;
    expect(items.length).toBeGreaterThan(0);
    for (const message of items) {
      expect(message.status).toBe("failed");
      expect(message.skip_reason).toBe("gave_up_after_retries");
      expect(message.attempts).toBe(8);
    }
    const settled = await gate(id);
    expect(settled.ok, settled.detail).toBe(true);
    expect(settled.detail).toContain(`${items.length} failed`);
  });

  it("one message: the owner sees the address and the rendered email; a viewer sees neither; another agency gets 404", async () => {
    const { id, email } = await deployedToUnreachable();
    const message = (await notificationsOf(agency, id)).items[0];
    if (!message) throw new Error("no message queued");
    const owner = await api(`/v1/notifications/${message.id}`, { token: agency.tokens.owner });
    expect(owner.status, owner.text).toBe(200);
    expect(owner.body.recipient.address ?? email).toBe(email);
    // Composed at its first attempt (the publish kicks the outbox at once); a preview before that.
    expect(owner.body.rendered.preview).toBe(owner.body.attempts === 0);
    expect(owner.body.rendered.subject.length).toBeGreaterThan(0);
    expect(owner.body.rendered.html).toContain("<");
    expect(owner.body.rendered.text).toContain("Unsubscribe");

    const viewer = await api(`/v1/notifications/${message.id}`, { token: agency.tokens.viewer });
    expect(viewer.status).toBe(200);
    expect(viewer.body.rendered).toBeNull();
    expect(viewer.text).not.toContain(email);

    const foreign = await api(`/v1/notifications/${message.id}`, { token: other.tokens.owner });
    expect(foreign.status).toBe(404);
    const foreignCancel = await api(`/v1/notifications/${message.id}/cancel`, {
      token: other.tokens.owner,
      body: { reason: "not mine" },
    });
    expect(foreignCancel.status).toBe(404);
  });
});

const agencies = () => [agency, other] as [SeededAgency, SeededAgency];
securityCases(
  "POST /v1/releases/{id}/notifications/cancel",
  {
    method: "POST",
    path: () => `/v1/releases/${securityReleaseId}/notifications/cancel`,
    body: () => ({ reason: "security case" }),
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  agencies,
);
