import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addContact,
  asSystem,
  fakeFor,
  scanLogsForEmailAddresses,
  setSender,
  settle,
} from "../notifications/support";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { securityCases } from "../support/security";
import {
  createRelease,
  gate,
  ok,
  readyForGo,
  release,
  toPostDeployment,
  toPreDeployment,
} from "./release-driver";

scanLogsForEmailAddresses();

let agency: SeededAgency;
let other: SeededAgency;
let sharedReleaseId: string;
let sharedContact: { id: string; email: string };

beforeAll(async () => {
  agency = await seedAgency({ timezone: "Australia/Sydney" });
  other = await seedAgency();
  await setSender(agency);
  await ok("/v1/tenant", agency.tokens.owner, { client_sign_off_for_high_risk: true }, "PATCH");
  sharedContact = await addContact(agency, { name: "Casey Client" });
  sharedReleaseId = await createRelease(agency);
  await toPreDeployment(agency, sharedReleaseId);
});

const base = (id: string) => `/v1/releases/${id}/approval-requests`;

async function requestApproval(
  releaseId: string,
  body: Record<string, unknown>,
  token = agency.tokens.release_manager,
) {
  return api(base(releaseId), { token, body });
}

/** The path of the link the API returned (its origin is PUBLIC_BASE_URL, http://api.test in tests). */
const linkPath = (url: string) => new URL(url).pathname;

function answer(path: string, form: Record<string, string>) {
  return api(path, {
    method: "POST",
    rawBody: new URLSearchParams(form).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

async function highRiskReadyForGo(): Promise<string> {
  const id = await createRelease(agency, {
    risk: "high",
    title: "Gift cards & summer range",
    change_log: [
      { summary: "Landing page", kind: "feature" },
      { summary: "Bump the build image", kind: "chore" },
    ],
  });
  // High risk needs an approver on the team: the viewer stands in for the agency's account lead.
  await toPreDeployment(agency, id, [agency.members.viewer.id]);
  await readyForGo(agency, id);
  await ok(`/v1/releases/${id}/sign-offs`, agency.tokens.viewer, { decision: "approved" });
  return id;
}

const goDecision = (id: string) =>
  api(`/v1/releases/${id}/decisions`, {
    token: agency.tokens.release_manager,
    body: { kind: "go_no_go", outcome: "go", rationale: "All gates hold" },
  });

describe("client sign-off by link", () => {
  it("emails the contact a link; the page shows the release; the client's approval opens the gate for go", async () => {
    const id = await highRiskReadyForGo();
    const refused = await goDecision(id);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.unmet_gates.map((g: { id: string }) => g.id)).toEqual(["client_signed_off"]);

    const created = await requestApproval(id, {
      contact_id: sharedContact.id,
      kind: "sign_off",
      message: "Please check the gift-card flow on your phone.",
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get("Location")).toBe(`${base(id)}/${created.body.id}`);
    expect(created.body).toMatchObject({
      contact_id: sharedContact.id,
      kind: "sign_off",
      status: "pending",
      email: { status: "queued", reason: null },
    });
    const hours = (Date.parse(created.body.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    expect(created.body.url).toMatch(/^http:\/\/api\.test\/a\/[\w-]+\.[\w-]+\.[\w-]+$/);

    // The email carries a working link (signed again when composed: the agency's URL is not stored).
    await settle(agency, id);
    const { deliveries } = await fakeFor(sharedContact.email);
    const email = deliveries.find((d) => d.subject.includes("Your approval is requested"));
    expect(email?.text).toContain("Please check the gift-card flow on your phone.");
    expect(email?.text).toContain("Sent by Harbour Digital.");
    const emailed = /See the release and answer: (\S+)/.exec(email?.text ?? "")?.[1] ?? "";
    expect(emailed).toMatch(/^http:\/\/api\.test\/a\//);

    // Opening it changes nothing (mail scanners follow links) and shows what the client decides on.
    for (const path of [linkPath(created.body.url), linkPath(emailed)]) {
      const page = await api(path);
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toContain("text/html");
      const csp = page.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(page.text).toContain('<html lang="en-AU">');
      expect(page.text).toContain('name="viewport"');
      expect(page.text).toContain("Gift cards &amp; summer range");
      expect(page.text).toContain("Harbour Cafe");
      expect(page.text).toContain("Landing page");
      // Internal entries stay internal, as on the public notes.
      expect(page.text).not.toContain("Bump the build image");
      expect(page.text).toContain("Staging: 1 passed");
      expect(page.text).toMatch(/AEDT|AEST/);
      expect(page.text).toContain('value="approved"');
      expect(page.text).toContain('value="changes_requested"');
      expect(page.text).not.toMatch(/<script|https?:\/\/(?!api\.test)/);
      expect(page.text).not.toContain(sharedContact.email);
    }
    expect((await release(agency, id)).stage).toBe("pre_deployment_verification");
    expect((await api(`${base(id)}/${created.body.id}`, { token: agency.tokens.viewer })).body.status).toBe(
      "pending",
    );

    const answered = await answer(linkPath(emailed), { decision: "approved", note: "Looks great on mobile" });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.text).toContain("Your answer is recorded: Approved");

    // Recorded as that contact's sign-off, audited by contact id and never by address.
    const signOffs = await ok(`/v1/releases/${id}/sign-offs`, agency.tokens.viewer);
    expect(signOffs.body.items).toContainEqual(
      expect.objectContaining({
        signer_id: null,
        contact_id: sharedContact.id,
        decision: "approved",
        note: "Looks great on mobile",
      }),
    );
    const events = await ok(`/v1/releases/${id}/events?limit=200`, agency.tokens.viewer);
    const recorded = events.body.items.find((e: { type: string }) => e.type === "approval_recorded");
    expect(recorded.actor).toEqual({ kind: "contact", contact_id: sharedContact.id });
    expect(recorded.data).toMatchObject({ approval_request_id: created.body.id, decision: "approved" });
    expect(JSON.stringify(events.body)).not.toContain(sharedContact.email);
    expect(gate(await release(agency, id), "client_signed_off")).toBe(true);

    const shown = await api(`${base(id)}/${created.body.id}`, { token: agency.tokens.viewer });
    expect(shown.body).toMatchObject({
      status: "decided",
      decision: "approved",
      decision_note: "Looks great on mobile",
    });
    expect(shown.body.url).toBeUndefined();

    // The link works once: opening it again shows the answer; answering again is refused.
    const again = await api(linkPath(emailed));
    expect(again.status).toBe(200);
    expect(again.text).toContain("Your answer is recorded: Approved");
    expect(again.text).not.toContain("<form");
    const replay = await answer(linkPath(created.body.url), { decision: "changes_requested" });
    expect(replay.status).toBe(409);
    expect(replay.text).toContain("You have already answered");
    expect(
      (await ok(`/v1/releases/${id}/sign-offs`, agency.tokens.viewer)).body.items.filter(
        (s: { contact_id: string | null }) => s.contact_id === sharedContact.id,
      ),
    ).toHaveLength(1);

    const go = await goDecision(id);
    expect(go.status, go.text).toBe(200);
    expect(go.body.stage).toBe("deployment_execution");
  });

  it("a client who asks for changes holds even a low-risk release until they approve", async () => {
    const id = await createRelease(agency);
    await toPreDeployment(agency, id);
    await readyForGo(agency, id);
    const contact = await addContact(agency);
    const first = await requestApproval(id, { contact_id: contact.id, kind: "sign_off" });
    expect(first.status, first.text).toBe(201);
    const changes = await answer(linkPath(first.body.url), {
      decision: "changes_requested",
      note: "The hero image is the old one",
    });
    expect(changes.status, changes.text).toBe(200);
    expect(changes.text).toContain("Changes requested");
    const refused = await goDecision(id);
    expect(refused.status).toBe(409);
    const unmet = refused.body.unmet_gates.find((g: { id: string }) => g.id === "client_signed_off");
    expect(unmet.detail ?? unmet.message ?? JSON.stringify(unmet)).toContain("asked for changes");

    const second = await requestApproval(id, { contact_id: contact.id, kind: "sign_off" });
    expect(second.status, second.text).toBe(201);
    expect((await answer(linkPath(second.body.url), { decision: "approved" })).status).toBe(200);
    expect((await goDecision(id)).status).toBe(200);
  });
});

describe("client UAT by link", () => {
  it("records the client's verdict as a UAT result that the UAT gate reads", async () => {
    const id = await createRelease(agency);
    await toPostDeployment(agency, id);
    const contact = await addContact(agency);
    const created = await requestApproval(id, { contact_id: contact.id, kind: "uat", expires_in_hours: 24 });
    expect(created.status, created.text).toBe(201);
    const page = await api(linkPath(created.body.url));
    expect(page.text).toContain("Acceptance testing of");
    expect(page.text).toContain('value="passed"');
    expect(page.text).toContain('value="failed"');
    expect(gate(await release(agency, id), "uat_passed")).toBe(false);

    // The page offers passed or failed: a sign-off answer on a UAT link is refused with a page.
    const wrong = await answer(linkPath(created.body.url), { decision: "approved" });
    expect(wrong.status).toBe(422);
    expect(wrong.headers.get("Content-Type")).toContain("text/html");
    const bogus = await answer(linkPath(created.body.url), { decision: "maybe" });
    expect(bogus.status).toBe(422);
    expect(bogus.text).toContain("not one this page offers");

    const passed = await answer(linkPath(created.body.url), { decision: "passed" });
    expect(passed.status, passed.text).toBe(200);
    const results = await ok(`/v1/releases/${id}/test-results`, agency.tokens.viewer);
    expect(results.body.items).toContainEqual(
      expect.objectContaining({ stage: "uat", suite: "Client acceptance", status: "passed" }),
    );
    expect(gate(await release(agency, id), "uat_passed")).toBe(true);
  });

  it("a sign-off is asked before go and a UAT verdict once deployed (409 otherwise)", async () => {
    const early = await requestApproval(sharedReleaseId, { contact_id: sharedContact.id, kind: "uat" });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain("deploying or deployed");
    const id = await createRelease(agency);
    await toPostDeployment(agency, id);
    const late = await requestApproval(id, { contact_id: sharedContact.id, kind: "sign_off" });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("before the go decision");
  });
});

describe("links that cannot be answered", () => {
  it("a withdrawn request's link says so, takes no answer, and its unsent email is cancelled", async () => {
    const contact = await addContact(agency);
    const created = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    expect(created.status, created.text).toBe(201);
    const withdrawnAt = Date.now();
    const withdrawn = await api(`${base(sharedReleaseId)}/${created.body.id}`, {
      method: "DELETE",
      token: agency.tokens.release_manager,
    });
    expect(withdrawn.status, withdrawn.text).toBe(204);
    expect(
      (await api(`${base(sharedReleaseId)}/${created.body.id}`, { token: agency.tokens.viewer })).body.status,
    ).toBe("withdrawn");
    const page = await api(linkPath(created.body.url));
    expect(page.status).toBe(410);
    expect(page.text).toContain("This link was withdrawn");
    const post = await answer(linkPath(created.body.url), { decision: "approved" });
    expect(post.status).toBe(410);
    const again = await api(`${base(sharedReleaseId)}/${created.body.id}`, {
      method: "DELETE",
      token: agency.tokens.release_manager,
    });
    expect(again.status).toBe(409);
    const messages = await api(`/v1/notifications?release_id=${sharedReleaseId}&limit=200`, {
      token: agency.tokens.viewer,
    });
    const email = messages.body.items.find(
      (m: { recipient: { contact_id: string } }) => m.recipient.contact_id === contact.id,
    );
    // The email is sent right after the request is created (after its response), so it may leave
    // before the withdrawal: then it was sent before it, and nothing can call it back. Otherwise
    // the withdrawal cancelled it, naming why.
    if (email.status === "sent") {
      expect(Date.parse(email.sent_at)).toBeLessThanOrEqual(withdrawnAt + 1_000);
    } else {
      expect(email).toMatchObject({ status: "cancelled", cancel_reason: "approval request withdrawn" });
    }
    const signOffs = await ok(`/v1/releases/${sharedReleaseId}/sign-offs`, agency.tokens.viewer);
    expect(signOffs.body.items.some((s: { contact_id: string }) => s.contact_id === contact.id)).toBe(false);
  });

  it("an expired link says so; the list shows the request as expired", async () => {
    const contact = await addContact(agency);
    const created = await requestApproval(sharedReleaseId, {
      contact_id: contact.id,
      kind: "sign_off",
      expires_in_hours: 1,
    });
    expect(created.status, created.text).toBe(201);
    // The row bounds the link: its expiry holds whatever the token says.
    await asSystem((tx) =>
      tx.execute(
        sql`update approval_requests set expires_at = now() - interval '1 minute' where id = ${created.body.id}`,
      ),
    );
    const page = await api(linkPath(created.body.url));
    expect(page.status).toBe(410);
    expect(page.text).toContain("This link has expired");
    expect((await answer(linkPath(created.body.url), { decision: "approved" })).status).toBe(410);
    const list = await ok(base(sharedReleaseId), agency.tokens.viewer);
    expect(list.body.items.find((r: { id: string }) => r.id === created.body.id).status).toBe("expired");
    // An expired request no longer blocks a new one for the same contact.
    expect(
      (await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" })).status,
    ).toBe(201);
  });

  it("altered, forged, foreign and malformed links get the invalid-link page before any database work", async () => {
    const contact = await addContact(agency);
    const created = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    const token = linkPath(created.body.url).slice("/a/".length);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    // Another request of another release, named in the payload without the signature to match.
    const otherRelease = await createRelease(agency);
    await toPreDeployment(agency, otherRelease);
    const foreign = await requestApproval(otherRelease, { contact_id: contact.id, kind: "sign_off" });
    const swapped = btoa(JSON.stringify({ ...claims, sub: foreign.body.id }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const reportLink = await api(`/v1/clients/${agency.clientId}/report-links`, {
      token: agency.tokens.owner,
      body: { month: "2026-11" },
    });
    const candidates = [
      `${header}.${swapped}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}AA`,
      "not-a-token",
      "x".repeat(2001),
      new URL(reportLink.body.url).pathname.slice("/s/".length),
    ];
    for (const candidate of candidates) {
      for (const res of [
        await api(`/a/${candidate}`),
        await answer(`/a/${candidate}`, { decision: "approved" }),
      ]) {
        expect(res.status, candidate.slice(0, 40)).toBe(404);
        expect(res.headers.get("Content-Type")).toContain("text/html");
        expect(res.text).toContain("This link is not valid");
        expect(res.text).not.toMatch(/at .*\.ts|Error/);
      }
    }
    expect(
      (await api(`${base(otherRelease)}/${foreign.body.id}`, { token: agency.tokens.viewer })).body.status,
    ).toBe("pending");
  });
});

describe("asking for approval: what is refused", () => {
  it("refuses another client's contact, an erased contact, a second pending request, and bad input (422/409/400)", async () => {
    const foreignContact = await api("/v1/contacts", {
      token: agency.tokens.owner,
      body: {
        name: "Agency-wide person",
        email: `pat-${Date.now()}@${agency.slug}.example`,
        role: "Account lead",
      },
    });
    expect(foreignContact.status, foreignContact.text).toBe(201);
    const notClients = await requestApproval(sharedReleaseId, {
      contact_id: foreignContact.body.id,
      kind: "sign_off",
    });
    expect(notClients.status).toBe(422);
    expect(notClients.body.errors[0].path).toBe("body.contact_id");

    const erased = await addContact(agency);
    await api(`/v1/contacts/${erased.id}`, { method: "DELETE", token: agency.tokens.owner });
    const erasedAnswer = await requestApproval(sharedReleaseId, { contact_id: erased.id, kind: "sign_off" });
    expect(erasedAnswer.status).toBe(422);
    expect(erasedAnswer.body.detail).toContain("erased");

    const otherAgencysContact = await addContact(other);
    expect(
      (await requestApproval(sharedReleaseId, { contact_id: otherAgencysContact.id, kind: "sign_off" }))
        .status,
    ).toBe(422);

    const contact = await addContact(agency);
    const first = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    expect(first.status).toBe(201);
    const duplicate = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.approval_request_id).toBe(first.body.id);

    for (const body of [
      { contact_id: contact.id, kind: "sign_off", expires_in_hours: 337 },
      { contact_id: contact.id, kind: "sign_off", expires_in_hours: 0 },
      { contact_id: contact.id, kind: "approve" },
      { contact_id: "not-a-uuid", kind: "sign_off" },
      { contact_id: contact.id, kind: "sign_off", message: "" },
      { contact_id: contact.id, kind: "sign_off", extra: true },
    ]) {
      const res = await requestApproval(sharedReleaseId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    }
    const list = await ok(base(sharedReleaseId), agency.tokens.viewer);
    expect(list.body.items.filter((r: { contact_id: string }) => r.contact_id === contact.id)).toHaveLength(
      1,
    );
  });

  it("tells the agency when no email goes out, so it can share the link another way", async () => {
    const contact = await addContact(agency);
    await asSystem((tx) =>
      tx.execute(sql`update contacts set unsubscribed_at = now() where id = ${contact.id}`),
    );
    const created = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    expect(created.status, created.text).toBe(201);
    expect(created.body.email).toEqual({ status: "not_sent", reason: "unsubscribed" });
    expect((await api(linkPath(created.body.url))).status).toBe(200);
  });

  it("a replayed Idempotency-Key names the request but never shows its link again (409)", async () => {
    const contact = await addContact(agency);
    const headers = { "Idempotency-Key": `approval-${Date.now()}` };
    const body = { contact_id: contact.id, kind: "sign_off" };
    const first = await api(base(sharedReleaseId), { token: agency.tokens.release_manager, body, headers });
    expect(first.status, first.text).toBe(201);
    const replay = await api(base(sharedReleaseId), { token: agency.tokens.release_manager, body, headers });
    expect(replay.status).toBe(409);
    expect(replay.body.applied.id).toBe(first.body.id);
    expect(replay.text).not.toContain("/a/");
  });

  it("only the release's own release manager or an owner asks: another release manager gets 403", async () => {
    const id = await createRelease(agency);
    await ok(
      `/v1/releases/${id}/team`,
      agency.tokens.owner,
      {
        release_manager_id: agency.members.owner.id,
        members: [{ member_id: agency.members.engineer.id, role: "engineer" }],
      },
      "PUT",
    );
    const refused = await requestApproval(id, { contact_id: sharedContact.id, kind: "sign_off" });
    expect(refused.status).toBe(403);
    const byOwner = await requestApproval(
      id,
      { contact_id: sharedContact.id, kind: "sign_off" },
      agency.tokens.owner,
    );
    expect(byOwner.status, byOwner.text).toBe(201);
  });

  it("the agency's view of the stored email hides the link", async () => {
    const contact = await addContact(agency);
    const created = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
    await settle(agency, sharedReleaseId);
    const messages = await api(`/v1/notifications?release_id=${sharedReleaseId}&limit=200`, {
      token: agency.tokens.viewer,
    });
    const message = messages.body.items.find(
      (m: { recipient: { contact_id: string }; event: string }) =>
        m.recipient.contact_id === contact.id && m.event === "approval_requested",
    );
    expect(message.status).toBe("sent");
    const shown = await api(`/v1/notifications/${message.id}`, { token: agency.tokens.owner });
    expect(shown.body.rendered.text).toContain("/a/[redacted]");
    expect(JSON.stringify(shown.body)).not.toContain(linkPath(created.body.url));
    // Not stored at all: the contact's data export (which returns message bodies) has no link either.
    const exported = await api(`/v1/contacts/${contact.id}/export`, { token: agency.tokens.owner });
    expect(exported.status, exported.text).toBe(200);
    expect(exported.text).toContain("/a/[redacted]");
    expect(exported.text).not.toMatch(/\/a\/eyJ/);
  });

  it("erasing a contact withdraws their pending links and sets their answers aside", async () => {
    const id = await createRelease(agency);
    await toPreDeployment(agency, id);
    const pendingContact = await addContact(agency);
    const pending = await requestApproval(id, { contact_id: pendingContact.id, kind: "sign_off" });
    const answeringContact = await addContact(agency);
    const answered = await requestApproval(id, { contact_id: answeringContact.id, kind: "sign_off" });
    await answer(linkPath(answered.body.url), {
      decision: "changes_requested",
      note: "Call me on 0400 000 000",
    });
    expect(gate(await release(agency, id), "client_signed_off")).toBe(false);
    for (const contact of [pendingContact, answeringContact]) {
      expect(
        (await api(`/v1/contacts/${contact.id}`, { method: "DELETE", token: agency.tokens.owner })).status,
      ).toBe(204);
    }
    expect((await api(linkPath(pending.body.url))).status).toBe(410);
    const signOffs = await ok(`/v1/releases/${id}/sign-offs`, agency.tokens.viewer);
    const kept = signOffs.body.items.find(
      (s: { contact_id: string }) => s.contact_id === answeringContact.id,
    );
    expect(kept).toMatchObject({ decision: "rejected", note: null });
    expect(gate(await release(agency, id), "client_signed_off")).toBe(true);
  });
});

const agencies = (): [SeededAgency, SeededAgency] => [agency, other];

securityCases(
  "POST /v1/releases/{id}/approval-requests",
  {
    method: "POST",
    path: () => base(sharedReleaseId),
    body: () => ({ contact_id: sharedContact.id, kind: "sign_off", expires_in_hours: 1 }),
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "GET /v1/releases/{id}/approval-requests",
  { method: "GET", path: () => base(sharedReleaseId), ownsResource: true },
  agencies,
);
securityCases(
  "GET /v1/releases/{id}/approval-requests/{request_id}",
  { method: "GET", path: () => `${base(sharedReleaseId)}/${sharedRequestId()}`, ownsResource: true },
  agencies,
);
securityCases(
  "DELETE /v1/releases/{id}/approval-requests/{request_id}",
  {
    method: "DELETE",
    path: () => `${base(sharedReleaseId)}/${sharedRequestId()}`,
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  agencies,
);

let sharedRequest: string | undefined;
function sharedRequestId(): string {
  if (!sharedRequest) throw new Error("beforeAll did not create the shared request");
  return sharedRequest;
}
beforeAll(async () => {
  const contact = await addContact(agency);
  const created = await requestApproval(sharedReleaseId, { contact_id: contact.id, kind: "sign_off" });
  expect(created.status, created.text).toBe(201);
  sharedRequest = created.body.id;
});
