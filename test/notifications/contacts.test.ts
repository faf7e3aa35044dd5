import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { createRelease, releaseInExecution } from "../support/releases";
import { securityCases } from "../support/security";
import { addContact, fakeFor, scanLogsForEmailAddresses, setSender, settle } from "./support";

scanLogsForEmailAddresses();

let a: SeededAgency;
let b: SeededAgency;
let contactId: string;
let releaseId: string;
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
  contactId = (await addContact(a, { consent: true })).id;
  releaseId = await createRelease(a);
});

const agencies = () => [a, b] as [SeededAgency, SeededAgency];
const MANAGERS = ["owner", "release_manager"] as const;
const consent = { basis: "express", obtained_at: "2026-02-01T00:00:00Z", method: "Signed the SOW" };

securityCases("GET /v1/contacts", { method: "GET", path: () => "/v1/contacts" }, agencies);
securityCases(
  "POST /v1/contacts",
  {
    method: "POST",
    path: () => "/v1/contacts",
    body: () => ({ name: "Sec Case", email: `sec-${crypto.randomUUID()}@example.com` }),
    allowedRoles: MANAGERS,
  },
  agencies,
);
securityCases(
  "GET /v1/contacts/{id}",
  { method: "GET", path: () => `/v1/contacts/${contactId}`, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/contacts/{id}",
  {
    method: "PATCH",
    path: () => `/v1/contacts/${contactId}`,
    body: () => ({ role: "CMO" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "DELETE /v1/contacts/{id}",
  { method: "DELETE", path: () => `/v1/contacts/${contactId}`, allowedRoles: MANAGERS, ownsResource: true },
  agencies,
);
securityCases(
  "GET /v1/contacts/{id}/export",
  {
    method: "GET",
    path: () => `/v1/contacts/${contactId}/export`,
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "GET /v1/releases/{id}/recipients",
  { method: "GET", path: () => `/v1/releases/${releaseId}/recipients`, ownsResource: true },
  agencies,
);
securityCases(
  "PUT /v1/releases/{id}/recipients",
  {
    method: "PUT",
    path: () => `/v1/releases/${releaseId}/recipients`,
    body: () => ({ contacts: [{ contact_id: contactId, role: "client" }], members: [] }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases("GET /v1/notifications", { method: "GET", path: () => "/v1/notifications" }, agencies);
securityCases(
  "GET /v1/notifications?release_id",
  { method: "GET", path: () => `/v1/notifications?release_id=${releaseId}`, ownsResource: true },
  agencies,
);
securityCases(
  "GET /v1/release-notes-template",
  { method: "GET", path: () => "/v1/release-notes-template" },
  agencies,
);
securityCases(
  "PUT /v1/release-notes-template",
  {
    method: "PUT",
    path: () => "/v1/release-notes-template",
    body: () => ({ markdown: "{{notes}}" }),
    allowedRoles: MANAGERS,
  },
  agencies,
);

describe("contacts, consent and privacy rights", () => {
  it("records consent with purpose, masks emails for engineers and viewers, refuses duplicates", async () => {
    const email = `Jordan.${crypto.randomUUID().slice(0, 8)}@harbour-cafe.example`;
    const created = await api("/v1/contacts", {
      token: a.tokens.release_manager,
      body: { name: "Jordan Lee", email, role: "Owner", client_id: a.clientId, consent },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      email,
      consent: { basis: "express", method: "Signed the SOW", obtained_at: "2026-02-01T00:00:00.000Z" },
      purpose: expect.stringContaining("Release communication"),
    });
    const duplicate = await api("/v1/contacts", {
      token: a.tokens.owner,
      body: { name: "Jordan Again", email: email.toUpperCase() },
    });
    expect(duplicate.status).toBe(409);
    const unknownField = await api("/v1/contacts", {
      token: a.tokens.owner,
      body: { name: "X", email: "x@example.com", birthday: "1990-01-01" },
    });
    expect(unknownField.status).toBe(400);

    for (const role of ["engineer", "viewer"] as const) {
      const seen = await api(`/v1/contacts/${created.body.id}`, { token: a.tokens[role] });
      expect(seen.status).toBe(200);
      expect(seen.body.email).toBe(`J***@h***.example`);
      const list = await api("/v1/contacts?limit=200", { token: a.tokens[role] });
      expect(JSON.stringify(list.body)).not.toContain(email);
    }
    const manager = await api(`/v1/contacts/${created.body.id}`, { token: a.tokens.release_manager });
    expect(manager.body.email).toBe(email);
  });

  it("corrects (APP 13), exports everything held (APP 12) and erases to a pseudonymous trace (APP 11.2)", async () => {
    await setSender(a);
    const person = await addContact(a, { name: "Riley Stakeholder", consent: true });
    const corrected = await api(`/v1/contacts/${person.id}`, {
      method: "PATCH",
      token: a.tokens.owner,
      body: { name: "Riley Stakeholder-Smith", role: "Head of marketing" },
    });
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.body).toMatchObject({ name: "Riley Stakeholder-Smith", role: "Head of marketing" });

    const id = await releaseInExecution(a);
    const put = await api(`/v1/releases/${id}/recipients`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: {
        contacts: [{ contact_id: person.id, role: "client" }],
        members: [{ member_id: a.members.engineer.id, role: "agency" }],
      },
    });
    expect(put.status, put.text).toBe(200);
    const recipients = await api(`/v1/releases/${id}/recipients`, { token: a.tokens.viewer });
    expect(recipients.body.recipients).toHaveLength(2);
    expect(JSON.stringify(recipients.body)).not.toContain(person.email);
    for (const [path, body] of [
      ["deployment-log", { kind: "deployment_started" }],
      ["deployment-log", { kind: "deployment_completed" }],
      ["test-results", { stage: "smoke", suite: "home", status: "passed" }],
    ] as const) {
      expect((await api(`/v1/releases/${id}/${path}`, { token: a.tokens.engineer, body })).status).toBe(200);
    }
    const moved = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.release_manager,
      body: { to: "post_deployment_verification" },
    });
    expect(moved.status, moved.text).toBe(200);
    const settled = await settle(a, id);
    expect(settled.map((m) => m.status)).toEqual(["sent", "sent"]);
    expect((await fakeFor(`engineer@${a.slug}.example`)).deliveries.length).toBeGreaterThanOrEqual(1);

    const exported = await api(`/v1/contacts/${person.id}/export`, { token: a.tokens.owner });
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.contact).toMatchObject({ email: person.email, name: "Riley Stakeholder-Smith" });
    expect(exported.body.communication_lists).toEqual([{ release_id: id, role: "client" }]);
    expect(exported.body.messages).toHaveLength(1);
    expect(exported.body.messages[0]).toMatchObject({ status: "sent", to_address: person.email });
    expect(exported.body.messages[0].body_text).toContain("Hi Riley,");

    const erased = await api(`/v1/contacts/${person.id}`, { method: "DELETE", token: a.tokens.owner });
    expect(erased.status).toBe(204);
    const trace = await api(`/v1/contacts/${person.id}/export`, { token: a.tokens.owner });
    expect(trace.body.contact).toMatchObject({ id: person.id, name: null, email: null, role: null });
    expect(trace.body.contact.erased_at).not.toBeNull();
    expect(trace.body.messages[0]).toMatchObject({ to_address: null, body_text: null, status: "sent" });
    expect(JSON.stringify(trace.body)).not.toContain("Riley");
    const history = await api(`/v1/notifications?release_id=${id}`, { token: a.tokens.owner });
    expect(
      history.body.items.find(
        (m: { recipient: { contact_id: string } }) => m.recipient.contact_id === person.id,
      ),
    ).toMatchObject({ status: "sent", recipient: { address: null } });
    // An erased person can no longer be put on a list.
    const again = await api(`/v1/releases/${id}/recipients`, {
      method: "PUT",
      token: a.tokens.release_manager,
      body: { contacts: [{ contact_id: person.id, role: "client" }] },
    });
    expect(again.status).toBe(422);
    expect(again.body.errors[0].path).toBe("body.contacts");
  });
});
