import { beforeAll, describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { adminToken, api } from "../support/api";
import { type SeededAgency, seedAgency, uniqueSlug } from "../support/harness";
import { businessHoursSlot, createRelease, releaseInExecution } from "../support/releases";

// One spelling for one idea across the API: checked on the OpenAPI document (every schema,
// parameter and response) and, for what the document cannot see, on live responses.

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const SNAKE = /^[a-z][a-z0-9_]*$/;

/** The spellings the API settled on, and the synonyms that must not come back. */
const SYNONYMS: Record<string, string[]> = {
  timezone: ["time_zone", "tz", "zone"],
  policy_ok: ["allowed_by_policy", "policy_allowed"],
  member_id: ["user_id"],
  created_at: ["created", "creation_time"],
  next_cursor: ["cursor_next", "next_page"],
};

const operations = () =>
  Object.entries(spec.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] as Json }] : [])),
  );

/** Every property name declared anywhere in the document, with where it was seen. */
function propertyNames(): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (node: unknown, where: string) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child, where);
      return;
    }
    const record = node as Json;
    if (record.properties && typeof record.properties === "object") {
      for (const [name, child] of Object.entries(record.properties as Json)) {
        if (!seen.has(name)) seen.set(name, where);
        walk(child, `${where}.${name}`);
      }
    }
    for (const [key, child] of Object.entries(record)) if (key !== "properties") walk(child, where);
  };
  walk(spec.components, "components");
  for (const { path, method, op } of operations()) walk(op, `${method.toUpperCase()} ${path}`);
  return seen;
}

/** Every key in a JSON value, recursively (object keys only; array positions are not names). */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      into.add(key);
      keysOf(child, into);
    }
  }
  return into;
}

/** An operation's parameters, shared ones (components/parameters) resolved. */
function parametersOf(op: { parameters?: unknown }): Array<{ name: string; in: string }> {
  const shared =
    (spec.components as { parameters?: Record<string, { name: string; in: string }> }).parameters ?? {};
  return ((op.parameters ?? []) as Array<{ name: string; in: string } | { $ref: string }>).map((p) => {
    if (!("$ref" in p)) return p;
    const found = shared[p.$ref.split("/").at(-1) ?? ""];
    if (!found) throw new Error(`unresolved parameter ${p.$ref}`);
    return found;
  });
}

describe("naming, walked over the OpenAPI document", () => {
  it("spells every property and query parameter in snake_case", () => {
    const offenders = [...propertyNames()].filter(([name]) => !SNAKE.test(name));
    expect(offenders).toEqual([]);
    const parameters = operations().flatMap(({ path, method, op }) =>
      parametersOf(op)
        .filter((p) => p.in === "query" && !SNAKE.test(p.name))
        .map((p) => `${method} ${path}: ${p.name}`),
    );
    expect(parameters).toEqual([]);
  });

  it("defines pagination once (components/parameters) and types the problem's extensions", () => {
    const inline = operations().flatMap(({ path, method, op }) =>
      ((op.parameters ?? []) as Array<{ name?: string }>)
        .filter((p) => p.name === "limit" || p.name === "cursor")
        .map((p) => `${method} ${path}: ${p.name}`),
    );
    expect(inline).toEqual([]);
    const schemas = spec.components.schemas as unknown as Record<
      string,
      { properties: Record<string, unknown> }
    >;
    const problem = schemas.Problem;
    expect(problem?.properties.unmet_gates).toMatchObject({ items: { $ref: "#/components/schemas/Gate" } });
    expect(problem?.properties.suggestions).toMatchObject({
      items: { $ref: "#/components/schemas/SuggestedSlot" },
    });
    expect(problem?.properties.policy).toMatchObject({ $ref: "#/components/schemas/WindowPolicyVerdict" });
  });

  it("uses one spelling for one idea", () => {
    const names = propertyNames();
    const queryNames = new Set(operations().flatMap(({ op }) => parametersOf(op).map((p) => p.name)));
    const found = Object.entries(SYNONYMS).flatMap(([chosen, others]) =>
      others
        .filter((other) => names.has(other) || queryNames.has(other))
        .map((other) => `${other} (seen at ${names.get(other) ?? "a query parameter"}): say ${chosen}`),
    );
    expect(found).toEqual([]);
  });

  it("answers every DELETE with 204 and no body", () => {
    const deletes = operations().filter(({ method }) => method === "delete");
    expect(deletes.length).toBeGreaterThan(5);
    for (const { path, op } of deletes) {
      const statuses = Object.keys(op.responses as Json).filter((s) => s.startsWith("2"));
      expect(statuses, `DELETE ${path}`).toEqual(["204"]);
    }
  });

  it("declares Location on every 201 whose resource has its own URL", () => {
    const readable = new Set(operations().flatMap(({ path, method }) => (method === "get" ? [path] : [])));
    const created = operations().filter(
      ({ method, op }) => method === "post" && (op.responses as Json)["201"] !== undefined,
    );
    const withOwnUrl = created.filter(({ path }) => readable.has(`${path}/{id}`) || path === "/v1/tenants");
    expect(withOwnUrl.length).toBeGreaterThanOrEqual(10);
    for (const { path, op } of withOwnUrl) {
      const headers = ((op.responses as Json)["201"] as Json).headers as Json | undefined;
      expect(headers?.Location, `POST ${path} must declare Location`).toBeDefined();
    }
  });

  it("names every operation once, in camelCase, for generated clients", () => {
    const ids = operations().map(({ method, path, op }) => ({
      at: `${method.toUpperCase()} ${path}`,
      id: op.operationId,
    }));
    expect(ids.filter(({ id }) => typeof id !== "string" || !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    const seen = new Map<unknown, string>();
    const repeated = ids.flatMap(({ at, id }) => {
      const first = seen.get(id);
      seen.set(id, at);
      return first ? [`${String(id)}: ${first} and ${at}`] : [];
    });
    expect(repeated).toEqual([]);
  });

  it("declares every tag an operation uses, with a description, and where the API is served", () => {
    const declared = new Map(
      ((spec as unknown as Json).tags as { name: string; description?: string }[]).map((tag) => [
        tag.name,
        tag,
      ]),
    );
    const used = new Set(operations().flatMap(({ op }) => (op.tags as string[] | undefined) ?? []));
    expect([...used].filter((tag) => !declared.get(tag)?.description)).toEqual([]);
    expect([...declared.keys()].filter((tag) => !used.has(tag))).toEqual([]);
    expect((spec as unknown as Json).servers).toEqual([{ url: "/", description: expect.any(String) }]);
  });
});

describe("naming on live responses", () => {
  let agency: SeededAgency;
  beforeAll(async () => {
    agency = await seedAgency();
  });

  it("sends Location on every creating POST, and it reads back the same resource", async () => {
    const owner = agency.tokens.owner;
    const creations: Array<[string, unknown, string?]> = [
      ["/v1/members", { name: "Nadia New", email: `nadia@${agency.slug}.example`, role: "engineer" }],
      ["/v1/clients", { name: `Location Client ${uniqueSlug("c")}` }],
      ["/v1/projects", { client_id: agency.clientId, name: "Location Project" }],
      ["/v1/tokens", { member_id: agency.members.owner.id, name: "location check", expires_in_days: 1 }],
      ["/v1/calendar/feed-tokens", { name: "Office calendar" }],
      [`/v1/clients/${agency.clientId}/report-links`, { month: "2026-10" }],
      [
        "/v1/windows",
        {
          name: "Friday night",
          kind: "maintenance",
          start: "2027-01-08T21:00",
          duration_minutes: 120,
          recurrence: { freq: "weekly", by_day: ["FR"] },
        },
      ],
      [
        "/v1/contacts",
        {
          name: "Casey Client",
          email: `casey@${agency.slug}.example`,
          role: "Marketing",
          client_id: agency.clientId,
        },
      ],
      [
        "/v1/releases",
        {
          project_id: agency.projectId,
          version: "9.0.1",
          risk: "low",
          title: "Location check",
          scope: "s",
          change_log: [{ summary: "x", kind: "fix" }],
        },
      ],
    ];
    for (const [path, body] of creations) {
      const res = await api(path, { token: owner, body });
      expect(res.status, `${path}: ${res.text}`).toBe(201);
      const location = res.headers.get("Location");
      expect(location, path).toBe(`${path}/${res.body.id}`);
      const read = await api(location as string, { token: owner });
      expect(read.status, `GET ${location}: ${read.text}`).toBe(200);
      expect(read.body.id).toBe(res.body.id);
    }
    const tenant = await api("/v1/tenants", {
      token: adminToken(),
      body: { name: "Location Agency", slug: uniqueSlug(), timezone: "Australia/Perth", state: "WA" },
    });
    expect(tenant.status, tenant.text).toBe(201);
    expect(tenant.headers.get("Location")).toBe("/v1/tenant");
    const self = await api("/v1/tenant", { token: tenant.body.token.token });
    expect(self.body.id).toBe(tenant.body.tenant.id);
  });

  it("derives a project's slug from its name when none is given, and keeps it unique", async () => {
    const owner = agency.tokens.owner;
    const name = `Café Règles ${uniqueSlug("p").slice(-4)} Website!`;
    const first = await api("/v1/projects", { token: owner, body: { client_id: agency.clientId, name } });
    expect(first.status, first.text).toBe(201);
    expect(first.body.slug).toMatch(/^cafe-regles-[a-z0-9]+-website$/);
    const second = await api("/v1/projects", { token: owner, body: { client_id: agency.clientId, name } });
    expect(second.status, second.text).toBe(201);
    expect(second.body.slug).toBe(`${first.body.slug}-2`);
    const symbols = await api("/v1/projects", {
      token: owner,
      body: { client_id: agency.clientId, name: "!!!" },
    });
    expect(symbols.status, symbols.text).toBe(201);
    expect(symbols.body.slug).toMatch(/^project(-\d+)?$/);
    // An explicit slug still wins, and a taken one is still a 409 naming the field.
    const taken = await api("/v1/projects", {
      token: owner,
      body: { client_id: agency.clientId, name: "Other", slug: first.body.slug },
    });
    expect(taken.status).toBe(409);
  });

  it("answers DELETE with 204 on members, tokens and the checklist template", async () => {
    const owner = agency.tokens.owner;
    const member = await api("/v1/members", {
      token: owner,
      body: { name: "Short Stay", email: `short@${agency.slug}.example`, role: "viewer" },
    });
    expect(member.status, member.text).toBe(201);
    const removed = await api(`/v1/members/${member.body.id}`, { method: "DELETE", token: owner });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
    expect((await api(`/v1/members/${member.body.id}`, { token: owner })).body.deactivated_at).not.toBeNull();
    const token = await api("/v1/tokens", {
      token: owner,
      body: { member_id: agency.members.owner.id, name: "t" },
    });
    const revoked = await api(`/v1/tokens/${token.body.id}`, { method: "DELETE", token: owner });
    expect(revoked.status).toBe(204);
    expect((await api(`/v1/tokens/${token.body.id}`, { token: owner })).body.revoked_at).not.toBeNull();
    expect((await api(`/v1/tokens/${token.body.id}`, { method: "DELETE", token: owner })).status).toBe(204);
    const reset = await api("/v1/checklist-template", { method: "DELETE", token: owner });
    expect(reset.status).toBe(204);
  });

  it("keeps the audit trail's keys in snake_case (team, window, checklist, decisions)", async () => {
    const id = await releaseInExecution(agency);
    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
    expect(events.status, events.text).toBe(200);
    const types = new Set(events.body.items.map((e: { type: string }) => e.type));
    expect(types).toContain("team_assigned");
    const keys = [...keysOf(events.body.items.map((e: Json) => [e.data, e.before, e.after, e.actor]))];
    expect(keys.filter((key) => !SNAKE.test(key))).toEqual([]);
  });

  it("a window booked for a release reads policy_ok and timezone in the release and the plan alike", async () => {
    const id = await createRelease(agency);
    const booked = await api(`/v1/releases/${id}/window`, {
      method: "PUT",
      token: agency.tokens.release_manager,
      body: businessHoursSlot(),
    });
    expect(booked.status, booked.text).toBe(200);
    const plan = await api(`/v1/releases/${id}/plan`, { token: agency.tokens.viewer });
    expect(plan.body.window.timezone).toBe(booked.body.window.timezone);
    expect(plan.body.window.policy_ok).toBe(booked.body.window.policy_ok);
    expect(plan.body.window).not.toHaveProperty("time_zone");
    expect(plan.body.window).not.toHaveProperty("allowed_by_policy");
  });
});
