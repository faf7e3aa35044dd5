import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { createRelease } from "../support/releases";
import { securityCases } from "../support/security";

let a: SeededAgency;
let b: SeededAgency;
const agencies = (): [SeededAgency, SeededAgency] => [a, b];
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
});

const MANAGERS = ["owner", "release_manager"] as const;

// The shared security cases, route by route.
securityCases("GET /v1/members", { method: "GET", path: () => "/v1/members" }, agencies);
securityCases(
  "POST /v1/members",
  {
    method: "POST",
    path: () => "/v1/members",
    body: () => ({ name: "N", email: `n-${crypto.randomUUID()}@x.example`, role: "viewer" }),
    allowedRoles: ["owner"],
  },
  agencies,
);
securityCases(
  "GET /v1/members/{id}",
  { method: "GET", path: (x) => `/v1/members/${x.members.viewer.id}`, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/members/{id}",
  {
    method: "PATCH",
    path: (x) => `/v1/members/${x.members.viewer.id}`,
    body: () => ({ name: "Viewer" }),
    allowedRoles: ["owner"],
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "DELETE /v1/members/{id}",
  {
    method: "DELETE",
    path: (x) => `/v1/members/${x.members.release_manager.id}`,
    allowedRoles: ["owner"],
    ownsResource: true,
  },
  agencies,
);
securityCases("GET /v1/tokens", { method: "GET", path: () => "/v1/tokens" }, agencies);
securityCases(
  "POST /v1/tokens",
  {
    method: "POST",
    path: () => "/v1/tokens",
    body: (x) => ({ member_id: x.members.owner.id }),
    allowedRoles: ["owner"],
  },
  agencies,
);
securityCases(
  "DELETE /v1/tokens/{id}",
  { method: "DELETE", path: () => `/v1/tokens/${crypto.randomUUID()}` },
  agencies,
);
securityCases("GET /v1/clients", { method: "GET", path: () => "/v1/clients" }, agencies);
securityCases(
  "POST /v1/clients",
  {
    method: "POST",
    path: () => "/v1/clients",
    body: () => ({ name: `C ${crypto.randomUUID()}` }),
    allowedRoles: MANAGERS,
  },
  agencies,
);
securityCases(
  "GET /v1/clients/{id}",
  { method: "GET", path: (x) => `/v1/clients/${x.clientId}`, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/clients/{id}",
  {
    method: "PATCH",
    path: (x) => `/v1/clients/${x.clientId}`,
    body: () => ({ state: "VIC" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "DELETE /v1/clients/{id}",
  { method: "DELETE", path: (x) => `/v1/clients/${x.clientId}`, allowedRoles: ["owner"], ownsResource: true },
  agencies,
);
securityCases("GET /v1/projects", { method: "GET", path: () => "/v1/projects" }, agencies);
securityCases(
  "POST /v1/projects",
  {
    method: "POST",
    path: () => "/v1/projects",
    body: (x) => ({ client_id: x.clientId, name: "P", slug: `p-${Date.now()}` }),
    allowedRoles: MANAGERS,
  },
  agencies,
);
securityCases(
  "GET /v1/projects/{id}",
  { method: "GET", path: (x) => `/v1/projects/${x.projectId}`, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/projects/{id}",
  {
    method: "PATCH",
    path: (x) => `/v1/projects/${x.projectId}`,
    body: () => ({ name: "Harbour Cafe website" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "DELETE /v1/projects/{id}",
  {
    method: "DELETE",
    path: (x) => `/v1/projects/${x.projectId}`,
    allowedRoles: ["owner"],
    ownsResource: true,
  },
  agencies,
);

describe("members", () => {
  it("lists with cursor pagination, each member once", async () => {
    const first = await api("/v1/members?limit=2", { token: a.tokens.viewer });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await api(`/v1/members?limit=2&cursor=${first.body.next_cursor}`, {
      token: a.tokens.viewer,
    });
    const ids = [...first.body.items, ...second.body.items].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(a.members.viewer.id);
    const all = await api("/v1/members?limit=200", { token: a.tokens.viewer });
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.items.every((m: { id: string }) => m.id !== b.members.owner.id)).toBe(true);
  });

  it("rejects a forged cursor and an out-of-range limit", async () => {
    expect((await api("/v1/members?cursor=garbage", { token: a.tokens.viewer })).status).toBe(400);
    expect((await api("/v1/members?limit=0", { token: a.tokens.viewer })).status).toBe(400);
    expect((await api("/v1/members?limit=201", { token: a.tokens.viewer })).status).toBe(400);
  });

  it("refuses a duplicate email (409) and a malformed id (400)", async () => {
    const res = await api("/v1/members", {
      token: a.tokens.owner,
      body: { name: "Dup", email: `VIEWER@${a.slug}.example`, role: "viewer" },
    });
    expect(res.status).toBe(409);
    expect((await api("/v1/members/not-a-uuid", { token: a.tokens.owner })).status).toBe(400);
  });

  it("keeps at least one owner: the last owner cannot be demoted or removed", async () => {
    const demote = await api(`/v1/members/${a.members.owner.id}`, {
      method: "PATCH",
      token: a.tokens.owner,
      body: { role: "viewer" },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.detail).toMatch(/without an owner/);
    const remove = await api(`/v1/members/${a.members.owner.id}`, {
      method: "DELETE",
      token: a.tokens.owner,
    });
    expect(remove.status).toBe(409);
    expect((await api(`/v1/members/${a.members.owner.id}`, { token: a.tokens.owner })).body.role).toBe(
      "owner",
    );
  });
});

describe("tokens", () => {
  it("a member issues a token for themselves, not for others; the value is never listed", async () => {
    const own = await api("/v1/tokens", {
      token: a.tokens.engineer,
      body: { member_id: a.members.engineer.id, name: "CI" },
    });
    expect(own.status).toBe(201);
    expect(own.body.token).toMatch(/^ey/);
    const other = await api("/v1/tokens", {
      token: a.tokens.engineer,
      body: { member_id: a.members.viewer.id },
    });
    expect(other.status).toBe(403);
    const list = await api("/v1/tokens?limit=200", { token: a.tokens.engineer });
    expect(
      list.body.items.every(
        (t: { member_id: string; token?: string }) => t.member_id === a.members.engineer.id && !t.token,
      ),
    ).toBe(true);
  });

  it("another agency's member id is 422 on body.member_id", async () => {
    const res = await api("/v1/tokens", { token: a.tokens.owner, body: { member_id: b.members.viewer.id } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("body.member_id");
  });
});

describe("clients and projects", () => {
  it("creates, reads, updates and deletes a project of a client", async () => {
    const client = await api("/v1/clients", {
      token: a.tokens.release_manager,
      body: { name: `Bakery ${Date.now()}`, state: "VIC", timezone: "Australia/Melbourne" },
    });
    expect(client.status).toBe(201);
    const project = await api("/v1/projects", {
      token: a.tokens.release_manager,
      body: {
        client_id: client.body.id,
        name: "Bakery app",
        slug: `bakery-${Date.now()}`,
        kind: "mobile_app",
        repository: "Bakery/App",
        production_url: "https://bakery.example",
      },
    });
    expect(project.status, project.text).toBe(201);
    expect(project.body.repository).toBe("bakery/app");
    const patched = await api(`/v1/projects/${project.body.id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { repository: null, name: "Bakery iOS app" },
    });
    expect(patched.body).toMatchObject({ repository: null, name: "Bakery iOS app", kind: "mobile_app" });
    const filtered = await api(`/v1/projects?client_id=${client.body.id}`, { token: a.tokens.viewer });
    expect(filtered.body.items.map((p: { id: string }) => p.id)).toEqual([project.body.id]);
    const blocked = await api(`/v1/clients/${client.body.id}`, { method: "DELETE", token: a.tokens.owner });
    expect(blocked.status).toBe(409);
    expect(
      (await api(`/v1/projects/${project.body.id}`, { method: "DELETE", token: a.tokens.owner })).status,
    ).toBe(204);
    expect(
      (await api(`/v1/clients/${client.body.id}`, { method: "DELETE", token: a.tokens.owner })).status,
    ).toBe(204);
    expect((await api(`/v1/clients/${client.body.id}`, { token: a.tokens.owner })).status).toBe(404);
  });

  it("refuses a project under another agency's client and writes nothing", async () => {
    const before = await api("/v1/projects?limit=200", { token: a.tokens.owner });
    const res = await api("/v1/projects", {
      token: a.tokens.owner,
      body: { client_id: b.clientId, name: "Sneaky", slug: "sneaky" },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("body.client_id");
    const after = await api("/v1/projects?limit=200", { token: a.tokens.owner });
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it("a duplicate project slug is 409 and a bad URL 400", async () => {
    const dup = await api("/v1/projects", {
      token: a.tokens.owner,
      body: { client_id: a.clientId, name: "Again", slug: "harbour-cafe-site" },
    });
    expect(dup.status).toBe(409);
    const badUrl = await api("/v1/projects", {
      token: a.tokens.owner,
      body: { client_id: a.clientId, name: "Bad", slug: "bad-url", production_url: "javascript:alert(1)" },
    });
    expect(badUrl.status).toBe(400);
  });

  it("answers 422 naming the field when a body refers to another agency's member, client or contact", async () => {
    const contactOfB = await api("/v1/contacts", {
      token: b.tokens.owner,
      body: { name: "Bea Other", email: `bea-${crypto.randomUUID()}@b.example`, role: "Stakeholder" },
    });
    expect(contactOfB.status, contactOfB.text).toBe(201);
    const release = await createRelease(a);
    const cases = [
      {
        path: "/v1/tokens",
        method: "POST",
        body: { member_id: b.members.engineer.id },
        field: "body.member_id",
      },
      {
        path: "/v1/contacts",
        method: "POST",
        body: { name: "Al", email: `al-${crypto.randomUUID()}@a.example`, client_id: b.clientId },
        field: "body.client_id",
      },
      {
        path: `/v1/releases/${release}/recipients`,
        method: "PUT",
        body: { contacts: [{ contact_id: contactOfB.body.id, role: "stakeholder" }] },
        field: "body.contacts",
      },
      {
        path: `/v1/releases/${release}/recipients`,
        method: "PUT",
        body: { members: [{ member_id: b.members.viewer.id, role: "stakeholder" }] },
        field: "body.members",
      },
    ];
    for (const { path, method, body, field } of cases) {
      const res = await api(path, { method, token: a.tokens.owner, body });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(422);
      expect(res.body.code).toBe("unprocessable");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(res.text).not.toContain("Bea Other");
    }
  });
});
