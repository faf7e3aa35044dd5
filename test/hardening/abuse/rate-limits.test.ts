import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, api } from "../../support/api";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { limitOf, limits, withinOnePeriod } from "./limits";

// Floods from one address against wrangler.toml's real rate limits (this part's workerd keeps them;
// every other suite relaxes them): bad admin tokens, bad member tokens, bad webhook signatures,
// public pages, one webhook receiver, and one member token. Each flood is sent inside one limit
// period (it waits for a fresh minute when too little is left), so exactly the configured number is
// admitted and every request after it is 429 problem+json with Retry-After. Addresses come from
// 203.0.113.0/24 (documentation range), one per flood, as Cloudflare's CF-Connecting-IP.
//
// Random parts: none.

let agency: SeededAgency;
let nextAddress = 10;
const freshAddress = () => `203.0.113.${nextAddress++}`;

beforeAll(async () => {
  agency = await seedAgency();
});

interface FloodResult {
  statuses: number[];
  /** 1-based position of the first 429, or null. */
  firstLimited: number | null;
  limited: ApiResponse[];
}

async function flood(count: number, request: () => Promise<ApiResponse>): Promise<FloodResult> {
  const statuses: number[] = [];
  const limited: ApiResponse[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request();
    statuses.push(response.status);
    if (response.status === 429) limited.push(response);
  }
  const first = statuses.indexOf(429);
  return { statuses, firstLimited: first === -1 ? null : first + 1, limited };
}

const tally = (statuses: number[]) =>
  Object.entries(
    statuses.reduce<Record<number, number>>((counts, status) => {
      counts[status] = (counts[status] ?? 0) + 1;
      return counts;
    }, {}),
  )
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ");

function expectLimitedAfter(
  result: FloodResult,
  admitted: number,
  admittedStatus: number,
  options: { admittedAnyOf?: number[] } = {},
) {
  const allowed = options.admittedAnyOf ?? [admittedStatus];
  expect(result.statuses.slice(0, admitted).filter((status) => !allowed.includes(status))).toEqual([]);
  expect(result.firstLimited).toBe(admitted + 1);
  expect(result.statuses.slice(admitted).every((status) => status === 429)).toBe(true);
  for (const response of result.limited) {
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(response.body.code).toBe("rate_limited");
    const retryAfter = Number(response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(response.body.detail).toContain(`Wait ${retryAfter} s`);
  }
}

function report(name: string, sent: number, result: FloodResult) {
  console.log(
    `[hardening] abuse: ${name}: ${sent} sent → ${tally(result.statuses)}; first 429 at request ${result.firstLimited}, Retry-After ${result.limited[0]?.headers.get("Retry-After")} s`,
  );
}

const fakeSignature = `sha256=${"0".repeat(64)}`;

describe("rate limits (wrangler.toml's figures)", () => {
  it("wrong admin tokens: 401 until the admin limit, then 429", async () => {
    await withinOnePeriod(20);
    const address = freshAddress();
    const result = await flood(200, () =>
      api("/v1/tenants", {
        token: `wrong-admin-token-${"x".repeat(40)}`,
        headers: { "CF-Connecting-IP": address },
        body: { name: "Mallory", slug: "mallory", timezone: "Australia/Sydney", state: "NSW" },
      }),
    );
    const admitted = Math.min(limitOf("RATE_LIMIT_ADMIN"), limitOf("RATE_LIMIT_FAILED_AUTH"));
    expectLimitedAfter(result, admitted, 401);
    report("wrong admin tokens", 200, result);
  });

  it("wrong member tokens: 401 until the refused-credential limit, then 429; other addresses unaffected", async () => {
    await withinOnePeriod(20);
    const address = freshAddress();
    const result = await flood(200, () =>
      api("/v1/releases", {
        token: "eyJhbGciOiJFUzI1NiJ9.e30.bm90LWEtc2lnbmF0dXJl",
        headers: { "CF-Connecting-IP": address },
      }),
    );
    expectLimitedAfter(result, limitOf("RATE_LIMIT_FAILED_AUTH"), 401);
    report("wrong member tokens", 200, result);
    // A good token from the same address still works: only refusals are counted per address.
    const own = await api("/v1/releases", {
      token: agency.tokens.viewer,
      headers: { "CF-Connecting-IP": address },
    });
    expect(own.status, own.text).toBe(200);
    const elsewhere = await api("/v1/releases", {
      token: "not-a-token",
      headers: { "CF-Connecting-IP": freshAddress() },
    });
    expect(elsewhere.status).toBe(401);
  });

  it("bad webhook signatures: 401 until the limit, then 429 before the integration is even looked up", async () => {
    const created = await api("/v1/integrations", {
      token: agency.tokens.owner,
      body: { provider: "github", name: "GitHub Actions", project_ids: [agency.projectId], stage_map: {} },
    });
    expect(created.status, created.text).toBe(201);
    const hookPath = `/hooks/${created.body.id}`;
    await withinOnePeriod(20);
    const address = freshAddress();
    const badDelivery = (from: string) =>
      api(hookPath, {
        headers: {
          "CF-Connecting-IP": from,
          "X-GitHub-Event": "workflow_run",
          "X-GitHub-Delivery": crypto.randomUUID(),
          "X-Hub-Signature-256": fakeSignature,
        },
        body: { action: "completed", workflow_run: { id: 1 } },
      });
    const result = await flood(150, () => badDelivery(address));
    expectLimitedAfter(result, limitOf("RATE_LIMIT_FAILED_AUTH"), 401);
    report("bad webhook signatures", 150, result);

    // With the integration gone, a lookup would answer 404; the spent address still gets 429, so
    // the refusal comes before any database work.
    const removed = await api(`/v1/integrations/${created.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(removed.status).toBe(204);
    expect((await badDelivery(address)).status).toBe(429);
    expect((await badDelivery(freshAddress())).status).toBe(404);
  });

  it("public pages: the page's own answer until the public limit, then 429; per address", async () => {
    await withinOnePeriod(20);
    const address = freshAddress();
    const limit = limitOf("RATE_LIMIT_PUBLIC");
    const result = await flood(limit + 30, () =>
      api("/u/not-a-real-unsubscribe-token", { headers: { "CF-Connecting-IP": address } }),
    );
    expectLimitedAfter(result, limit, 404);
    report("unsubscribe pages", limit + 30, result);
    const elsewhere = await api("/u/not-a-real-unsubscribe-token", {
      headers: { "CF-Connecting-IP": freshAddress() },
    });
    expect(elsewhere.status).toBe(404);
    // The token calendar feed and the public notes share the address's public budget.
    expect(
      (await api("/r/no-agency/no-project/feed.atom", { headers: { "CF-Connecting-IP": address } })).status,
    ).toBe(429);
    expect(
      (await api("/v1/calendar.ics?token=cft_nothing", { headers: { "CF-Connecting-IP": address } })).status,
    ).toBe(429);
  });

  it("one webhook receiver: signed deliveries until its limit, then 429", async () => {
    const created = await api("/v1/integrations", {
      token: agency.tokens.owner,
      body: { provider: "github", name: "GitHub (flood)", project_ids: [agency.projectId], stage_map: {} },
    });
    expect(created.status, created.text).toBe(201);
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(created.body.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
    const hubSignature = `sha256=${Array.from(signature, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    await withinOnePeriod(40);
    const address = freshAddress();
    const limit = limitOf("RATE_LIMIT_WEBHOOKS");
    // GitHub's ping: signed and recorded, nothing to process.
    const result = await flood(limit + 20, () =>
      api(`/hooks/${created.body.id}`, {
        headers: {
          "CF-Connecting-IP": address,
          "Content-Type": "application/json",
          "X-GitHub-Event": "ping",
          "X-GitHub-Delivery": crypto.randomUUID(),
          "X-Hub-Signature-256": hubSignature,
        },
        rawBody: body,
      }),
    );
    const admitted = new Set(result.statuses.slice(0, limit));
    expect(
      [...admitted].every((status) => status === 200 || status === 202),
      [...admitted].join(),
    ).toBe(true);
    expectLimitedAfter(result, limit, result.statuses[0] ?? 0, { admittedAnyOf: [...admitted] });
    report("one webhook receiver", limit + 20, result);
  });

  it("unknown webhook receivers count as refused credentials: 404 until the limit, then 429", async () => {
    await withinOnePeriod(20);
    const address = freshAddress();
    const result = await flood(100, () =>
      api(`/hooks/${crypto.randomUUID()}`, { headers: { "CF-Connecting-IP": address }, body: {} }),
    );
    expectLimitedAfter(result, limitOf("RATE_LIMIT_FAILED_AUTH"), 404);
    report("random receiver ids", 100, result);
  });

  it("one member token: its requests until the credential limit, then 429; the agency's other tokens unaffected", async () => {
    await withinOnePeriod(40);
    const limit = limitOf("RATE_LIMIT_CREDENTIAL");
    // Counted per token whatever the address: each request comes from another IPv6 documentation
    // address. An invalid body is refused after authentication but before any database work, so
    // the flood is cheap.
    let sent = 0;
    const result = await flood(limit + 20, () =>
      api("/v1/clients", {
        token: agency.tokens.engineer,
        body: {},
        headers: { "CF-Connecting-IP": `2001:db8::${(sent++).toString(16)}` },
      }),
    );
    expectLimitedAfter(result, limit, 400);
    report("one member token", limit + 20, result);
    const other = await api("/v1/clients", { token: agency.tokens.owner });
    expect(other.status, other.text).toBe(200);
  });

  it("the API reference states the limits wrangler.toml configures", async () => {
    const document = await api("/openapi.json");
    const tooMany = document.body.paths["/v1/releases"].get.responses["429"];
    expect(tooMany.headers["Retry-After"]).toBeDefined();
    for (const name of limits.keys()) {
      expect(tooMany.description).toContain(limitOf(name).toLocaleString("en-AU"));
    }
  });
});
