import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inSystemScope } from "../../src/db/scope";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { securityCases } from "../support/security";

let a: SeededAgency;
let b: SeededAgency;
const agencies = (): [SeededAgency, SeededAgency] => [a, b];
const integrationOf = new Map<string, string>();
const MANAGERS = ["owner", "release_manager"] as const;

async function createIntegration(agency: SeededAgency, body: Record<string, unknown> = {}) {
  return api("/v1/integrations", {
    token: agency.tokens.release_manager,
    body: {
      provider: "github",
      name: "GitHub Actions",
      project_ids: [agency.projectId],
      stage_map: { "Smoke tests": "smoke", production: "deployment" },
      ...body,
    },
  });
}

async function systemRows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const handle = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    return await inSystemScope(handle, async (tx) => (await tx.execute(query)).rows as T[]);
  } finally {
    await handle.end();
  }
}

async function integrationCount(agency: SeededAgency): Promise<number> {
  const res = await api("/v1/integrations?limit=200", { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items.length;
}

beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
  for (const agency of [a, b]) {
    const created = await createIntegration(agency);
    expect(created.status, created.text).toBe(201);
    integrationOf.set(agency.tenantId, created.body.id);
  }
});

const hook = (x: SeededAgency) => `/v1/integrations/${integrationOf.get(x.tenantId)}`;

describe("/v1/integrations", () => {
  it("creates an integration: receiver URL from the request's origin, a secret shown once, encrypted at rest", async () => {
    const res = await createIntegration(a, { provider: "standard", name: "Buildkite via Standard Webhooks" });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      provider: "standard",
      name: "Buildkite via Standard Webhooks",
      project_ids: [a.projectId],
      stage_map: { "Smoke tests": "smoke", production: "deployment" },
      receiver_url: `http://api.test/hooks/${res.body.id}`,
      enabled: true,
      previous_secret_expires_at: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const again = await api(`/v1/integrations/${res.body.id}`, { token: a.tokens.viewer });
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined();
    expect(again.text).not.toContain(res.body.secret);
    const list = await api("/v1/integrations?limit=200", { token: a.tokens.engineer });
    expect(list.text).not.toContain(res.body.secret);

    const [row] = await systemRows<Record<string, unknown>>(
      sql`select * from integrations where id = ${res.body.id}`,
    );
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(res.body.secret);
    expect(stored).not.toContain(res.body.secret.slice(6, 30));
    expect(row?.secret_ciphertext).toMatch(/^v1\./);
  });

  it("issues GitHub-style hex secrets for github, bitbucket and circleci", async () => {
    for (const provider of ["github", "bitbucket", "circleci"]) {
      const res = await createIntegration(a, { provider, name: `${provider} hook` });
      expect(res.status, res.text).toBe(201);
      expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("a create retried with the same Idempotency-Key creates one integration and never shows its secret again", async () => {
    const before = await integrationCount(a);
    const key = `create-${crypto.randomUUID()}`;
    const body = { provider: "gitlab", name: "GitLab", project_ids: [a.projectId] };
    const first = await api("/v1/integrations", {
      token: a.tokens.owner,
      body,
      headers: { "Idempotency-Key": key },
    });
    const second = await api("/v1/integrations", {
      token: a.tokens.owner,
      body,
      headers: { "Idempotency-Key": key },
    });
    expect(first.status).toBe(201);
    expect(second.status, second.text).toBe(409);
    expect(second.body.applied.id).toBe(first.body.id);
    expect(second.text).not.toContain(first.body.secret);
    expect(await integrationCount(a)).toBe(before + 1);
  });

  it("lists with cursor pagination", async () => {
    const first = await api("/v1/integrations?limit=1", { token: a.tokens.viewer });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await api(`/v1/integrations?limit=1&cursor=${first.body.next_cursor}`, {
      token: a.tokens.viewer,
    });
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it("patches name, projects and stage map, and disables and re-enables", async () => {
    const created = await createIntegration(a, { name: "To change" });
    const project = await api("/v1/projects", {
      token: a.tokens.owner,
      body: { client_id: a.clientId, name: "App", slug: `app-${Date.now()}`, repository: "harbour/app" },
    });
    expect(project.status, project.text).toBe(201);
    const patched = await api(`/v1/integrations/${created.body.id}`, {
      method: "PATCH",
      token: a.tokens.owner,
      body: {
        name: "Changed",
        project_ids: [project.body.id, a.projectId],
        stage_map: { e2e: "staging" },
        enabled: false,
      },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: "Changed", stage_map: { e2e: "staging" }, enabled: false });
    expect([...patched.body.project_ids].sort()).toEqual([project.body.id, a.projectId].sort());
    const enabled = await api(`/v1/integrations/${created.body.id}`, {
      method: "PATCH",
      token: a.tokens.owner,
      body: { enabled: true },
    });
    expect(enabled.body.enabled).toBe(true);
    expect(enabled.body.name).toBe("Changed");
  });

  it("rotates the secret: a new one shown once, the old one kept for the overlap", async () => {
    const created = await createIntegration(a);
    const rotated = await api(`/v1/integrations/${created.body.id}/rotate-secret`, {
      token: a.tokens.owner,
      body: { overlap_hours: 2 },
    });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const expires = Date.parse(rotated.body.previous_secret_expires_at);
    expect(expires).toBeGreaterThan(Date.now() + 1.9 * 3_600_000);
    expect(expires).toBeLessThan(Date.now() + 2.1 * 3_600_000);

    const withoutBody = await api(`/v1/integrations/${created.body.id}/rotate-secret`, {
      method: "POST",
      token: a.tokens.owner,
    });
    expect(withoutBody.status, withoutBody.text).toBe(200);
    expect(Date.parse(withoutBody.body.previous_secret_expires_at)).toBeGreaterThan(
      Date.now() + 23 * 3_600_000,
    );

    const immediate = await api(`/v1/integrations/${created.body.id}/rotate-secret`, {
      token: a.tokens.owner,
      body: { overlap_hours: 0 },
    });
    expect(immediate.status).toBe(200);
    expect(immediate.body.previous_secret_expires_at).toBeNull();
  });

  it("deletes an integration (404 afterwards)", async () => {
    const created = await createIntegration(a);
    const deleted = await api(`/v1/integrations/${created.body.id}`, {
      method: "DELETE",
      token: a.tokens.owner,
    });
    expect(deleted.status).toBe(204);
    const gone = await api(`/v1/integrations/${created.body.id}`, { token: a.tokens.owner });
    expect(gone.status).toBe(404);
  });

  it("lists an integration's deliveries (empty at first) with counts", async () => {
    const created = await createIntegration(a);
    const res = await api(`/v1/integrations/${created.body.id}/deliveries`, { token: a.tokens.viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ items: [], next_cursor: null, counts_last_7_days: {} });
    const bad = await api(`/v1/integrations/${created.body.id}/deliveries?outcome=exploded`, {
      token: a.tokens.viewer,
    });
    expect(bad.status).toBe(400);
  });
});

describe("/v1/integrations bad input writes nothing", () => {
  const cases: [string, () => Record<string, unknown>, number][] = [
    ["an unknown provider", () => ({ provider: "jenkins" }), 400],
    ["an unknown field", () => ({ secret: "mine" }), 400],
    ["no projects", () => ({ project_ids: [] }), 400],
    ["a project id that is not a UUID", () => ({ project_ids: ["nope"] }), 400],
    ["an unknown stage", () => ({ stage_map: { e2e: "production" } }), 400],
    ["an empty stage_map key", () => ({ stage_map: { " ": "smoke" } }), 400],
    ["another agency's project", () => ({ project_ids: [b.projectId] }), 422],
    ["a project that does not exist", () => ({ project_ids: [crypto.randomUUID()] }), 422],
  ];
  for (const [name, body, status] of cases) {
    it(`refuses ${name} (${status}) and creates nothing`, async () => {
      const before = await integrationCount(a);
      const res = await createIntegration(a, body());
      expect(res.status, res.text).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
      expect(await integrationCount(a)).toBe(before);
    });
  }

  it("refuses a project without a repository (422), since events are matched by it", async () => {
    const project = await api("/v1/projects", {
      token: a.tokens.owner,
      body: { client_id: a.clientId, name: "No repo", slug: `no-repo-${Date.now()}` },
    });
    expect(project.status).toBe(201);
    const before = await integrationCount(a);
    const res = await createIntegration(a, { project_ids: [project.body.id] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].message).toContain("repository");
    expect(await integrationCount(a)).toBe(before);
  });

  it("refuses a bad PATCH and leaves the integration as it was", async () => {
    const id = integrationOf.get(a.tenantId);
    const before = await api(`/v1/integrations/${id}`, { token: a.tokens.owner });
    for (const body of [
      { provider: "gitlab" },
      { project_ids: [b.projectId] },
      { stage_map: { x: "prod" } },
      { name: "" },
    ]) {
      const res = await api(`/v1/integrations/${id}`, { method: "PATCH", token: a.tokens.owner, body });
      expect([400, 422], res.text).toContain(res.status);
    }
    const after = await api(`/v1/integrations/${id}`, { token: a.tokens.owner });
    expect(after.body).toEqual(before.body);
  });

  it("refuses an out-of-range overlap and keeps the secret", async () => {
    const id = integrationOf.get(a.tenantId);
    const [before] = await systemRows<{ secret_ciphertext: string }>(
      sql`select secret_ciphertext from integrations where id = ${id}`,
    );
    for (const body of [{ overlap_hours: -1 }, { overlap_hours: 1000 }, { overlap: 2 }]) {
      const res = await api(`/v1/integrations/${id}/rotate-secret`, { token: a.tokens.owner, body });
      expect(res.status, res.text).toBe(400);
    }
    const [after] = await systemRows<{ secret_ciphertext: string }>(
      sql`select secret_ciphertext from integrations where id = ${id}`,
    );
    expect(after?.secret_ciphertext).toBe(before?.secret_ciphertext);
  });
});

securityCases("GET /v1/integrations", { method: "GET", path: () => "/v1/integrations" }, agencies);
securityCases(
  "POST /v1/integrations",
  {
    method: "POST",
    path: () => "/v1/integrations",
    body: (x) => ({ provider: "github", name: "CI", project_ids: [x.projectId] }),
    allowedRoles: MANAGERS,
  },
  agencies,
);
securityCases("GET /v1/integrations/{id}", { method: "GET", path: hook, ownsResource: true }, agencies);
securityCases(
  "PATCH /v1/integrations/{id}",
  {
    method: "PATCH",
    path: hook,
    body: () => ({ name: "Renamed" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "POST /v1/integrations/{id}/rotate-secret",
  {
    method: "POST",
    path: (x) => `${hook(x)}/rotate-secret`,
    body: () => ({ overlap_hours: 1 }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "GET /v1/integrations/{id}/deliveries",
  { method: "GET", path: (x) => `${hook(x)}/deliveries`, ownsResource: true },
  agencies,
);
// Last: a successful DELETE by an allowed role would remove the integration the others use.
securityCases(
  "DELETE /v1/integrations/{id}",
  { method: "DELETE", path: hook, allowedRoles: MANAGERS, ownsResource: true },
  agencies,
);
