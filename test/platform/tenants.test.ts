import { describe, expect, it } from "vitest";
import { adminToken, api } from "../support/api";
import { seedAgency, uniqueSlug } from "../support/harness";

const validBody = (slug = uniqueSlug()) => ({
  name: "Acme Digital",
  slug,
  timezone: "Australia/Perth",
  state: "WA",
});

describe("POST /v1/tenants", () => {
  it("creates an agency with its owner and an owner token that works", async () => {
    const res = await api("/v1/tenants", { token: adminToken(), body: validBody() });
    expect(res.status, res.text).toBe(201);
    expect(res.body.tenant).toMatchObject({ name: "Acme Digital", timezone: "Australia/Perth", state: "WA" });
    expect(res.body.owner).toMatchObject({ role: "owner", active: true, name: "Owner", email: null });
    const me = await api("/v1/tenant", { token: res.body.token.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.tenant.id);
  });

  it("needs the platform admin token: none is 401, a wrong one 401, a member token 403", async () => {
    expect((await api("/v1/tenants", { body: validBody() })).status).toBe(401);
    expect((await api("/v1/tenants", { token: "x".repeat(40), body: validBody() })).status).toBe(401);
    const agency = await seedAgency();
    const res = await api("/v1/tenants", { token: agency.tokens.owner, body: validBody() });
    expect(res.status).toBe(403);
  });

  it("refuses a taken slug with 409 naming the field", async () => {
    const body = validBody();
    expect((await api("/v1/tenants", { token: adminToken(), body })).status).toBe(201);
    const res = await api("/v1/tenants", { token: adminToken(), body: { ...body, name: "Other" } });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ path: "slug", message: "already taken" }]);
  });

  it("explains bad input field by field", async () => {
    const res = await api("/v1/tenants", {
      token: adminToken(),
      body: { name: "", slug: "Bad Slug!", timezone: "Mars/Olympus", state: "XX", extra: 1 },
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.name", "body.slug", "body.timezone", "body.state"]));
    expect(JSON.stringify(res.body.errors)).toContain("extra");
  });

  it("a retried create with the same Idempotency-Key creates the agency once and names it, without the owner token again", async () => {
    const body = validBody();
    const key = crypto.randomUUID();
    const first = await api("/v1/tenants", {
      token: adminToken(),
      body,
      headers: { "Idempotency-Key": key },
    });
    const again = await api("/v1/tenants", {
      token: adminToken(),
      body,
      headers: { "Idempotency-Key": key },
    });
    expect(first.status).toBe(201);
    // The owner token was shown once and is not kept for replays.
    expect(again.status, again.text).toBe(409);
    expect(again.body.applied.tenant.id).toBe(first.body.tenant.id);
    expect(again.text).not.toContain(first.body.token.token);
  });
});

describe("GET/PATCH /v1/tenant", () => {
  it("the owner updates name, zone, state and sender identity; others may read", async () => {
    const agency = await seedAgency();
    const res = await api("/v1/tenant", {
      method: "PATCH",
      token: agency.tokens.owner,
      body: {
        name: "Renamed",
        timezone: "Australia/Brisbane",
        state: "QLD",
        sender: {
          name: "Renamed Releases",
          email: "releases@renamed.example",
          postal_address: "1 Queen St, Brisbane QLD 4000",
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed", timezone: "Australia/Brisbane", state: "QLD" });
    expect(res.body.sender).toMatchObject({ email: "releases@renamed.example", phone: null });
    const read = await api("/v1/tenant", { token: agency.tokens.viewer });
    expect(read.body.name).toBe("Renamed");
  });

  it("refuses non-owners (403) and bad values (400) without changing anything", async () => {
    const agency = await seedAgency();
    for (const role of ["release_manager", "engineer", "viewer"] as const) {
      const res = await api("/v1/tenant", {
        method: "PATCH",
        token: agency.tokens[role],
        body: { name: "Nope" },
      });
      expect(res.status).toBe(403);
    }
    const bad = await api("/v1/tenant", {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { timezone: "Nowhere/Land" },
    });
    expect(bad.status).toBe(400);
    const read = await api("/v1/tenant", { token: agency.tokens.owner });
    expect(read.body.timezone).toBe("Australia/Sydney");
    expect(read.body.name).not.toBe("Nope");
  });

  it("without a token is 401", async () => {
    expect((await api("/v1/tenant")).status).toBe(401);
    expect((await api("/v1/tenant", { method: "PATCH", body: { name: "x" } })).status).toBe(401);
  });
});

describe("agency policy settings", () => {
  it("the owner sets the second-approver rule and retention; bad values are refused", async () => {
    const agency = await seedAgency();
    const initial = await api("/v1/tenant", { token: agency.tokens.viewer });
    expect(initial.body).toMatchObject({
      second_approver_for_high_risk: false,
      retention_days: 90,
      holidays_enabled: true,
    });
    const res = await api("/v1/tenant", {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { second_approver_for_high_risk: true, retention_days: 30 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ second_approver_for_high_risk: true, retention_days: 30 });
    const bad = await api("/v1/tenant", {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { retention_days: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("body.retention_days");
    expect((await api("/v1/tenant", { token: agency.tokens.viewer })).body.retention_days).toBe(30);
  });
});
