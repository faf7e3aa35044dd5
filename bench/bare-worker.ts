// The floor for `GET /v1/projects/{id}` in `npm run bench`: the same single
// query through the same driver and bridge configuration (DatabaseHandle:
// a Neon `Pool` per request, ended after the response), but no auth, no
// transaction, no row-level security and no framework. Bench-only: never part
// of the deployed Worker.
//
// `/bare/limited/…` is the same read after one call to a rate limiting binding, keyed as the API
// keys a token's count: what the API pays for its limiter, measured beside the floor. Locally the
// binding is miniflare's simulator, a Durable Object request inside workerd; in production it is
// Cloudflare's own counter on the same machine.
import { DatabaseHandle } from "../src/db/client";
import { sha256Hex } from "../src/lib/crypto";

interface BareEnv {
  DATABASE_URL: string;
  DB_WS_PROXY?: string;
  RATE_LIMIT: RateLimit;
}

const ROUTE = /^\/bare\/(limited\/)?tenants\/([0-9a-f-]{36})\/projects\/([0-9a-f-]{36})$/;

const PROJECT_BY_ID = `select id, client_id, name, slug, kind, repository, production_url, created_at, updated_at
  from projects where tenant_id = $1 and id = $2`;

export default {
  async fetch(request, env, ctx) {
    const match = ROUTE.exec(new URL(request.url).pathname);
    if (request.method !== "GET" || !match) return new Response("not found", { status: 404 });
    const [, limited, tenantId, projectId] = match;
    if (limited) {
      const { success } = await env.RATE_LIMIT.limit({
        key: `credential:${(await sha256Hex(tenantId as string)).slice(0, 32)}`,
      });
      if (!success) return new Response("rate limited", { status: 429 });
    }
    const database = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY || undefined });
    try {
      const row = await database.withConnection(
        async (_db, client) => (await client.query(PROJECT_BY_ID, [tenantId, projectId])).rows[0],
      );
      return row ? Response.json(row) : new Response("not found", { status: 404 });
    } finally {
      ctx.waitUntil(database.end());
    }
  },
} satisfies ExportedHandler<BareEnv>;
