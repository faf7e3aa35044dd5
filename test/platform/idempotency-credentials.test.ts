import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { systemQuery } from "../windows/support";

// An Idempotency-Key is bound to the caller who used it, and a response carrying a credential
// (API token, webhook secret, feed token) is never stored for replay: a replay is refused with
// what to do instead. Before, the whole response, secret included, was kept for 24 hours and
// replayed to any member who sent the same key.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const post = (path: string, token: string, key: string, body: unknown) =>
  api(path, { token, body, headers: { "Idempotency-Key": key } });

async function storedResponses(key: string): Promise<string> {
  const rows = await systemQuery<{ body: unknown }>(
    sql`select response_body as body from idempotency_keys where key = ${key}`,
  );
  expect(rows).toHaveLength(1);
  return JSON.stringify(rows[0]?.body);
}

describe("Idempotency-Key and credentials", () => {
  it("another member sending the same key gets a refusal, never the first caller's answer", async () => {
    const key = crypto.randomUUID();
    const body = { provider: "github", name: `Shop CI ${key.slice(0, 8)}`, project_ids: [agency.projectId] };
    const first = await post("/v1/integrations", agency.tokens.owner, key, body);
    expect(first.status, first.text).toBe(201);
    const other = await post("/v1/integrations", agency.tokens.release_manager, key, body);
    expect(other.status, other.text).toBe(422);
    expect(other.text).not.toContain(first.body.secret);
    expect(other.body.detail).toContain("Idempotency-Key");
  });

  it("a new integration's secret is not stored, and a replay says how to get a new one", async () => {
    const key = crypto.randomUUID();
    const body = { provider: "gitlab", name: `Shop CI ${key.slice(0, 8)}`, project_ids: [agency.projectId] };
    const first = await post("/v1/integrations", agency.tokens.owner, key, body);
    expect(first.status, first.text).toBe(201);
    expect(first.body.secret).toBeTruthy();
    expect(await storedResponses(key)).not.toContain(first.body.secret);

    const replay = await post("/v1/integrations", agency.tokens.owner, key, body);
    expect(replay.status, replay.text).toBe(409);
    expect(replay.body.applied.id).toBe(first.body.id);
    expect(replay.body.detail).toContain("rotate-secret");
    expect(replay.text).not.toContain(first.body.secret);
    // Applied once: one integration of that name.
    const list = await api("/v1/integrations?limit=100", { token: agency.tokens.owner });
    expect(list.body.items.filter((i: { name: string }) => i.name === body.name)).toHaveLength(1);
  });

  it("rotated secrets, API tokens and feed tokens are not stored either", async () => {
    const integration = await api("/v1/integrations", {
      token: agency.tokens.owner,
      body: {
        provider: "github",
        name: `Rotate ${crypto.randomUUID().slice(0, 8)}`,
        project_ids: [agency.projectId],
      },
    });
    expect(integration.status, integration.text).toBe(201);
    const cases: { path: string; body: unknown; field: string; hint: string }[] = [
      {
        path: `/v1/integrations/${integration.body.id}/rotate-secret`,
        body: {},
        field: "secret",
        hint: "rotate",
      },
      {
        path: "/v1/tokens",
        body: { member_id: agency.members.owner.id },
        field: "token",
        hint: "DELETE /v1/tokens",
      },
      {
        path: "/v1/calendar/feed-tokens",
        body: { name: "Client calendar" },
        field: "token",
        hint: "feed-tokens",
      },
    ];
    for (const { path, body, field, hint } of cases) {
      const key = crypto.randomUUID();
      const first = await post(path, agency.tokens.owner, key, body);
      expect(first.status, `${path}: ${first.text}`).toBeLessThan(300);
      const credential = first.body[field] as string;
      expect(credential, path).toBeTruthy();
      expect(await storedResponses(key), path).not.toContain(credential);
      const replay = await post(path, agency.tokens.owner, key, body);
      expect(replay.status, `${path}: ${replay.text}`).toBe(409);
      expect(replay.body.detail, path).toContain(hint);
      expect(replay.text, path).not.toContain(credential);
    }
  });

  it("responses without credentials still replay as before", async () => {
    const key = crypto.randomUUID();
    const body = { name: `Client ${key.slice(0, 8)}`, timezone: "Australia/Perth", state: "WA" };
    const first = await post("/v1/clients", agency.tokens.owner, key, body);
    const replay = await post("/v1/clients", agency.tokens.owner, key, body);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
  });
});
