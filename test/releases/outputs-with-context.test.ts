import { beforeAll, describe, expect, it } from "vitest";
import { addContact } from "../notifications/support";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { createRelease, planAndVerify } from "../support/releases";
import { securityCases } from "../support/security";

// Outputs a reader can act on without a second call: the plan names the client and project and
// carries the dashboards and the communication list; the audit trail can name its actors.

let agencies: [SeededAgency, SeededAgency];
let releaseId: string;
let contact: { id: string; email: string };
const tokenIdOf = new Map<string, string>();

beforeAll(async () => {
  agencies = await seedTwoAgencies();
  const [a] = agencies;
  releaseId = await createRelease(a);
  await planAndVerify(a, releaseId);
  const dashboards = await api(`/v1/releases/${releaseId}/monitoring-dashboards`, {
    method: "PUT",
    token: a.tokens.release_manager,
    body: { dashboards: [{ name: "Uptime", url: "https://status.example.com.au/harbour" }] },
  });
  expect(dashboards.status, dashboards.text).toBe(200);
  contact = await addContact(a, { name: "Casey Client", consent: false });
  const recipients = await api(`/v1/releases/${releaseId}/recipients`, {
    method: "PUT",
    token: a.tokens.release_manager,
    body: {
      contacts: [{ contact_id: contact.id, role: "client_stakeholder" }],
      members: [{ member_id: a.members.owner.id, role: "agency_owner" }],
    },
  });
  expect(recipients.status, recipients.text).toBe(200);
  for (const agency of agencies) {
    const token = await api("/v1/tokens", {
      token: agency.tokens.engineer,
      body: { member_id: agency.members.engineer.id, name: "CI" },
    });
    expect(token.status, token.text).toBe(201);
    tokenIdOf.set(agency.tenantId, token.body.id);
  }
});

const pair = () => agencies;
const EMAIL = /[\w.+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+/i;

securityCases(
  "GET /v1/tokens/{id}",
  { method: "GET", path: (a) => `/v1/tokens/${tokenIdOf.get(a.tenantId)}`, ownsResource: true },
  pair,
);

describe("the release plan carries its context", () => {
  it("names the client and project, lists dashboards and who hears about the release, without addresses", async () => {
    const [a] = agencies;
    const plan = await api(`/v1/releases/${releaseId}/plan`, { token: a.tokens.viewer });
    expect(plan.status, plan.text).toBe(200);
    expect(plan.body.client).toEqual({ id: a.clientId, name: "Harbour Cafe" });
    expect(plan.body.project).toEqual({ id: a.projectId, name: "Harbour Cafe website" });
    expect(plan.body.timezone).toBe("Australia/Sydney");
    expect(plan.body.monitoring.dashboards).toEqual([
      { name: "Uptime", url: "https://status.example.com.au/harbour" },
    ]);
    expect(plan.body.communication).toEqual(
      expect.arrayContaining([
        {
          kind: "contact",
          role: "client_stakeholder",
          name: "Casey Client",
          will_receive: { factual: true, commercial: false },
        },
        expect.objectContaining({ kind: "member", role: "agency_owner", name: "Olivia Owner" }),
      ]),
    );
    expect(plan.text).not.toContain(contact.email);
    expect(plan.text).not.toMatch(EMAIL);
    expect(plan.body.change_log[0]).toMatchObject({ summary: "Landing page", public: true });

    const markdown = await api(`/v1/releases/${releaseId}/plan?format=markdown`, { token: a.tokens.viewer });
    expect(markdown.text).toContain("| Client | Harbour Cafe |");
    expect(markdown.text).toContain("## Monitoring");
    expect(markdown.text).toContain("- [Uptime](<https://status.example.com.au/harbour>)");
    expect(markdown.text).toContain("- Casey Client (client_stakeholder): factual messages only");
    expect(markdown.text).not.toContain(contact.email);
  });
});

describe("the audit trail with ?expand=actor", () => {
  it("adds each member actor's current name and role; the stored trail stays ids only", async () => {
    const [a] = agencies;
    const plain = await api(`/v1/releases/${releaseId}/events?limit=200`, { token: a.tokens.viewer });
    expect(plain.status, plain.text).toBe(200);
    const byMember = plain.body.items.find((e: { actor: { kind: string } }) => e.actor.kind === "member");
    expect(Object.keys(byMember.actor).sort()).toEqual(["kind", "member_id"]);

    const expanded = await api(`/v1/releases/${releaseId}/events?limit=200&expand=actor`, {
      token: a.tokens.viewer,
    });
    expect(expanded.status, expanded.text).toBe(200);
    const created = expanded.body.items.find((e: { type: string }) => e.type === "release_created");
    expect(created.actor).toEqual({
      kind: "member",
      member_id: a.members.release_manager.id,
      name: "release_manager person",
      role: "release_manager",
      deactivated: false,
    });
    expect(expanded.text).not.toMatch(EMAIL);
    // The same events, in the same order: expansion adds, never changes.
    expect(expanded.body.items.map((e: { id: string }) => e.id)).toEqual(
      plain.body.items.map((e: { id: string }) => e.id),
    );

    const wrong = await api(`/v1/releases/${releaseId}/events?expand=everything`, { token: a.tokens.viewer });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe("query.expand");
  });

  it("never expands another agency's release (404)", async () => {
    const [, b] = agencies;
    const res = await api(`/v1/releases/${releaseId}/events?expand=actor`, { token: b.tokens.owner });
    expect(res.status).toBe(404);
  });
});

describe("GET /v1/tokens/{id}", () => {
  it("shows owners any token and everyone else only their own, never the value", async () => {
    const [a] = agencies;
    const id = tokenIdOf.get(a.tenantId);
    const own = await api(`/v1/tokens/${id}`, { token: a.tokens.engineer });
    expect(own.status, own.text).toBe(200);
    expect(own.body).toMatchObject({ id, member_id: a.members.engineer.id, name: "CI", revoked_at: null });
    expect(own.body).not.toHaveProperty("token");
    expect((await api(`/v1/tokens/${id}`, { token: a.tokens.owner })).status).toBe(200);
    expect((await api(`/v1/tokens/${id}`, { token: a.tokens.release_manager })).status).toBe(404);
  });
});
