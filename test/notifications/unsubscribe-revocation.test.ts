import { beforeAll, describe, expect, it } from "vitest";
import { redactCapabilityTokens } from "../../src/lib/redact";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../../src/notifications/unsubscribe-token";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";
import { securityCases } from "../support/security";
import { addContact, fakeFor, scanLogsForEmailAddresses, settle } from "./support";

// Unsubscribe links are credentials: revocable per person, signed with their own key material
// (LINK_SIGNING_KEY, apart from DATA_ENCRYPTION_KEY), and never written whole to a log.

scanLogsForEmailAddresses();

let agencies: [SeededAgency, SeededAgency];
const contactOf = new Map<string, string>();

beforeAll(async () => {
  agencies = await seedTwoAgencies();
  for (const agency of agencies) contactOf.set(agency.tenantId, (await addContact(agency)).id);
});

const pair = () => agencies;
securityCases(
  "POST /v1/contacts/{id}/revoke-links",
  {
    method: "POST",
    path: (a) => `/v1/contacts/${contactOf.get(a.tenantId)}/revoke-links`,
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  pair,
);
securityCases(
  "POST /v1/members/{id}/revoke-links",
  {
    method: "POST",
    path: (a) => `/v1/members/${a.members.engineer.id}/revoke-links`,
    allowedRoles: ["owner"],
    ownsResource: true,
  },
  pair,
);

async function ok(
  agency: SeededAgency,
  path: string,
  body: unknown,
  token = agency.tokens.engineer,
  method = "POST",
) {
  const res = await api(path, { method, token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
}

/** The unsubscribe path of the newest message the fake Resend holds for `email`. */
async function latestLink(email: string): Promise<string> {
  const { deliveries } = await fakeFor(email);
  const header = deliveries.at(-1)?.headers["List-Unsubscribe"] ?? "";
  const link = /<http:\/\/api\.test(\/u\/[^>]+)>/.exec(header)?.[1];
  expect(link, header).toBeDefined();
  return link as string;
}

describe("revoking a person's unsubscribe links", () => {
  it("kills every link already sent, keeps the subscription, and the next message carries a working one", async () => {
    const [agency] = agencies;
    const person = await addContact(agency, { consent: true });
    const id = await releaseInExecution(agency);
    await ok(
      agency,
      `/v1/releases/${id}/recipients`,
      { contacts: [{ contact_id: person.id, role: "client_stakeholder" }] },
      agency.tokens.release_manager,
      "PUT",
    );
    await ok(agency, `/v1/releases/${id}/deployment-log`, { kind: "deployment_started" });
    await ok(agency, `/v1/releases/${id}/deployment-log`, { kind: "deployment_completed" });
    await ok(agency, `/v1/releases/${id}/test-results`, { stage: "smoke", suite: "home", status: "passed" });
    await ok(
      agency,
      `/v1/releases/${id}/transitions`,
      { to: "post_deployment_verification" },
      agency.tokens.release_manager,
    );
    await settle(agency, id);
    const leaked = await latestLink(person.email);
    expect((await api(leaked)).status).toBe(200);

    const revoked = await api(`/v1/contacts/${person.id}/revoke-links`, {
      method: "POST",
      token: agency.tokens.release_manager,
    });
    expect(revoked.status, revoked.text).toBe(204);
    const page = await api(leaked);
    expect(page.status).toBe(404);
    expect(page.text).toContain("replaced by the link in a newer email");
    expect((await api(leaked, { method: "POST" })).status).toBe(404);
    const contact = await api(`/v1/contacts/${person.id}`, { token: agency.tokens.owner });
    expect(contact.body.unsubscribed_at).toBeNull();

    // The next message: a new link under the new epoch, which works and unsubscribes.
    const unstable = await decide(agency, id, {
      kind: "stability",
      outcome: "unstable",
      rationale: "Errors up",
    });
    expect(unstable.status, unstable.text).toBe(200);
    await ok(agency, `/v1/releases/${id}/rollback-steps`, { position: 1, outcome: "done" });
    await ok(agency, `/v1/releases/${id}/rollback-steps`, { position: 2, outcome: "done" });
    await settle(agency, id);
    expect((await fakeFor(person.email)).deliveries).toHaveLength(2);
    const fresh = await latestLink(person.email);
    expect(fresh).not.toBe(leaked);
    expect((await api(fresh, { method: "POST" })).status).toBe(200);
    const after = await api(`/v1/contacts/${person.id}`, { token: agency.tokens.owner });
    expect(after.body.unsubscribed_at).not.toBeNull();
  });

  it("answers 404 for another agency's contact or member", async () => {
    const [a, b] = agencies;
    const contact = await api(`/v1/contacts/${contactOf.get(b.tenantId)}/revoke-links`, {
      method: "POST",
      token: a.tokens.owner,
    });
    expect(contact.status).toBe(404);
    const member = await api(`/v1/members/${b.members.engineer.id}/revoke-links`, {
      method: "POST",
      token: a.tokens.owner,
    });
    expect(member.status).toBe(404);
  });
});

describe("link key material and logs", () => {
  const keyA = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const keyB = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const subject = { tenantId: crypto.randomUUID(), contactId: crypto.randomUUID() };

  it("verifies with the current key or the previous one during a rotation, and nothing else", async () => {
    const token = await signUnsubscribeToken({ current: keyA }, subject, new Date(), 3);
    expect(await verifyUnsubscribeToken({ current: keyA }, token)).toEqual({ ...subject, epoch: 3 });
    expect(await verifyUnsubscribeToken({ current: keyB, previous: keyA }, token)).toEqual({
      ...subject,
      epoch: 3,
    });
    expect(await verifyUnsubscribeToken({ current: keyB }, token)).toBeNull();
  });

  it("redacts capability tokens in anything written to a log", () => {
    expect(redactCapabilityTokens("GET /u/eyJhbGciOiJIUzI1NiJ9.e30.sig 200 OK")).toBe(
      "GET /u/[redacted] 200 OK",
    );
    expect(redactCapabilityTokens("GET /v1/calendar.ics?project_id=x&token=rpcal_abc 200")).toBe(
      "GET /v1/calendar.ics?project_id=x&token=[redacted] 200",
    );
    expect(redactCapabilityTokens("GET /v1/releases?limit=5 200")).toBe("GET /v1/releases?limit=5 200");
  });

  it("never echoes an unsubscribe token in a problem's instance", async () => {
    const token = await signUnsubscribeToken({ current: keyA }, subject, new Date());
    const res = await api(`/u/${token}`, {
      method: "POST",
      rawBody: "x".repeat(1024 * 1024 + 10),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(413);
    expect(res.body.instance).toBe("/u/[redacted]");
    expect(res.text).not.toContain(token);
  });
});
