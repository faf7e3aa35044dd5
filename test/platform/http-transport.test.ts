import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type DatabaseConfig, DatabaseHandle } from "../../src/db/client";
import {
  HttpTransactionClient,
  isHttpConnectionFailure,
} from "../../src/db/pipeline/http-transaction-client";
import type { StatementResult } from "../../src/db/pipeline/pipelined-statements";
import { clients } from "../../src/db/schema";
import { inSystemScope, inTenantScope } from "../../src/db/scope";
import { ApiError } from "../../src/lib/problem";
import { buildApp } from "../../workers/build-app";
import { createHook, randomSha, signedDelivery, testMessage } from "../integrations/ci-driver";
import { type SeededAgency, seedAgency } from "../support/harness";

// DB_TRANSPORT=http: read-only and autocommit scopes send each query as one Neon HTTP SQL
// transaction (here to the bridge's stand-in for Neon's endpoint, scripts/lib/http-sql.ts) instead
// of a message on a WebSocket. These tests hold it to what the WebSocket path gives, on the real
// database.

/** Where nothing listens: whatever is sent there fails to connect. */
const NOWHERE = "127.0.0.1:9";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

async function onHandle<T>(config: Partial<DatabaseConfig>, work: (handle: DatabaseHandle) => Promise<T>) {
  const handle = new DatabaseHandle({
    url: env.DATABASE_URL,
    wsProxy: env.DB_WS_PROXY,
    transport: "http",
    httpEndpoint: env.DB_HTTP_ENDPOINT,
    ...config,
  });
  try {
    return await work(handle);
  } finally {
    await handle.end();
  }
}

const readOnly = { readOnly: true };

const EVERY_KIND = `select $1::text[] as list, $2::timestamptz as at, $3::jsonb as doc, $4::bytea as bytes,
  $5::int as number, $6::bool as flag, $7::text as nothing, $8::text as quoted, $9::int[] as numbers`;
const EVERY_VALUE = [
  ["plain", 'with "quotes"', "back\\slash", "comma,brace}", null],
  new Date("2026-12-03T01:02:03.456Z"),
  { client: "Harbour Bikes", nested: { tags: ["summer", "sale"] } },
  new Uint8Array([0, 1, 254, 255]),
  42,
  false,
  null,
  `it's "quoted"`,
  [1, 2, 3],
];

describe("read-only scopes over DB_TRANSPORT=http", () => {
  it("run as app_user with the tenant set and transaction_read_only on, each query its own transaction, without a WebSocket", async () => {
    // The WebSocket bridge address leads nowhere: only the HTTP endpoint can answer.
    const seen = await onHandle({ wsProxy: NOWHERE }, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        async (tx) => {
          const settings = sql`select current_user as role, current_setting('app.tenant_id') as tenant,
            current_setting('transaction_read_only') as ro, now()::text as started`;
          const first = await tx.execute(settings);
          const second = await tx.execute(settings);
          return [first.rows[0], second.rows[0]];
        },
        readOnly,
      ),
    );
    const expected = { role: "app_user", tenant: agency.tenantId, ro: "on", started: expect.any(String) };
    expect(seen).toEqual([expected, expected]);
    expect(seen[0]?.started).not.toBe(seen[1]?.started);
  });

  it("see only their tenant's rows (row-level security applies)", async () => {
    const other = await seedAgency();
    const names = await onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (tx) => tx.select({ tenantId: clients.tenantId }).from(clients),
        readOnly,
      ),
    );
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((row) => row.tenantId === agency.tenantId)).toBe(true);
    expect(names.some((row) => row.tenantId === other.tenantId)).toBe(false);
  });

  it("refuse a write with SQLSTATE 25006", async () => {
    await onHandle({}, async (handle) => {
      const write = inTenantScope(
        handle,
        agency.tenantId,
        (tx) => tx.execute(sql`update clients set name = name where tenant_id = ${agency.tenantId}`),
        readOnly,
      );
      await expect(write).rejects.toMatchObject({ cause: expect.objectContaining({ code: "25006" }) });
    });
  });

  it("run a statement sent ahead before the query, with its check deciding before the rows are handed out", async () => {
    const order: string[] = [];
    const rows = await onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (tx, queue) => {
          const checked = queue.sendAhead(
            "select current_setting('app.tenant_id') as tenant",
            [],
            ({ rows: [row] }) => {
              order.push(`check ${(row as { tenant: string }).tenant}`);
            },
          );
          return queue.afterCheck(checked, async () => {
            const found = await tx
              .select({ name: clients.name })
              .from(clients)
              .where(eq(clients.id, agency.clientId));
            order.push("rows");
            return found;
          });
        },
        readOnly,
      ),
    );
    expect(rows).toEqual([{ name: "Harbour Cafe" }]);
    expect(order).toEqual([`check ${agency.tenantId}`, "rows"]);
  });

  it("withhold the query's rows when the check sent ahead throws", async () => {
    const refusal = new Error("credential refused");
    let handedOut = false;
    const read = onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (tx, queue) => {
          const checked = queue.sendAhead("select 0 as members", [], () => {
            throw refusal;
          });
          return queue.afterCheck(checked, async () => {
            const found = await tx.select({ name: clients.name }).from(clients);
            handedOut = true;
            return found;
          });
        },
        readOnly,
      ),
    );
    await expect(read).rejects.toBe(refusal);
    expect(handedOut).toBe(false);
  });

  it("still answer with the check's refusal when the query after it fails in Postgres", async () => {
    const refusal = new Error("credential refused");
    const read = onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (_tx, queue) => {
          const checked = queue.sendAhead("select 0 as members", [], () => {
            throw refusal;
          });
          const client = queue as HttpTransactionClient;
          return queue.afterCheck(checked, () => client.query("select 1 / $1::int as boom", [0]));
        },
        readOnly,
      ),
    );
    await expect(read).rejects.toBe(refusal);
  });

  it("reject the query with the server's error when the check passed and the query failed", async () => {
    let checkedRows: unknown;
    const read = onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (_tx, queue) => {
          const checked = queue.sendAhead("select 1 as members", [], ({ rows }) => {
            checkedRows = rows;
          });
          const client = queue as HttpTransactionClient;
          return queue.afterCheck(checked, () => client.query("select 1 / $1::int as boom", [0]));
        },
        readOnly,
      ),
    );
    await expect(read).rejects.toMatchObject({ code: "22012" });
    expect(checkedRows).toEqual([{ members: 1 }]);
  });

  it("send the statements ahead on their own when the work makes no query", async () => {
    let checkedRows: unknown;
    const answer = await onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        (_tx, queue) => {
          const checked = queue.sendAhead("select $1::int + 1 as next", [41], ({ rows }) => {
            checkedRows = rows;
          });
          return queue.afterCheck(checked, async () => "no query");
        },
        readOnly,
      ),
    );
    expect(answer).toBe("no query");
    expect(checkedRows).toEqual([{ next: 42 }]);
  });

  it("reject every statement of the request with the server's error when one fails", async () => {
    await onHandle({}, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        async (_tx, queue) => {
          const failing = queue.sendAhead("select 1 / $1::int as boom", [0]);
          const client = queue as HttpTransactionClient;
          const after = client.query("select 2 as never");
          await expect(failing).rejects.toMatchObject({ code: "22012" });
          await expect(after).rejects.toMatchObject({ code: "22012" });
          // The next query is a new transaction and succeeds.
          expect((await client.query("select 3 as again")).rows).toEqual([{ again: 3 }]);
        },
        readOnly,
      ),
    );
  });

  it("send every kind of parameter and parse every answer exactly as the WebSocket driver does", async () => {
    const overWebSocket = await onHandle({ transport: "websocket" }, (handle) =>
      handle.withConnection(async (_db, pipeline) => ({
        objects: await pipeline.query(EVERY_KIND, EVERY_VALUE),
        arrays: await pipeline.query({ text: EVERY_KIND, rowMode: "array" }, EVERY_VALUE),
      })),
    );
    const http = new HttpTransactionClient({
      url: env.DATABASE_URL,
      endpoint: env.DB_HTTP_ENDPOINT,
      prefix: [],
    });
    const objects = await http.query(EVERY_KIND, EVERY_VALUE);
    const arrays = await http.query({ text: EVERY_KIND, rowMode: "array" }, EVERY_VALUE);
    const shape = ({ command, rowCount, rows, fields }: StatementResult) => ({
      command,
      rowCount,
      rows,
      fields: fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
    });
    expect(shape(objects)).toEqual(shape(overWebSocket.objects));
    expect(shape(arrays)).toEqual(shape(overWebSocket.arrays));
    expect(objects.rows[0]).toMatchObject({
      at: new Date("2026-12-03T01:02:03.456Z"),
      number: 42,
      flag: false,
    });
    expect(Array.isArray(arrays.rows[0])).toBe(true);
  });

  it("use the query's own type parsers (drizzle's, for timestamps) as the WebSocket path does", async () => {
    const read = (transport: "http" | "websocket") =>
      onHandle({ transport }, (handle) =>
        inTenantScope(
          handle,
          agency.tenantId,
          (tx) =>
            tx
              .select({ id: clients.id, name: clients.name, createdAt: clients.createdAt })
              .from(clients)
              .where(eq(clients.id, agency.clientId)),
          readOnly,
        ),
      );
    const overHttp = await read("http");
    expect(overHttp).toEqual(await read("websocket"));
    expect(overHttp).toHaveLength(1);
  });

  it("turn an unreachable endpoint into the 503 database_unavailable problem", async () => {
    const read = onHandle({ httpEndpoint: `http://${NOWHERE}/sql` }, (handle) =>
      inTenantScope(handle, agency.tenantId, (tx) => tx.execute(sql`select 1 as one`), readOnly),
    );
    await expect(read).rejects.toBeInstanceOf(ApiError);
    await expect(read).rejects.toMatchObject({ code: "database_unavailable", status: 503 });
  });

  it("give up on a request the endpoint has not answered in time, as a connection failure", async () => {
    const client = new HttpTransactionClient({
      url: env.DATABASE_URL,
      endpoint: env.DB_HTTP_ENDPOINT,
      prefix: [],
      timeoutMs: 50,
    });
    const started = Date.now();
    const error = await client.query("select pg_sleep(2)").then(
      () => undefined,
      (reason: unknown) => reason,
    );
    // Well before the statement could have answered, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(isHttpConnectionFailure(error)).toBe(true);
    expect((error as { sourceError?: Error }).sourceError?.name).toBe("TimeoutError");
  });
});

const autocommit = { autocommit: true };

describe("autocommit scopes over DB_TRANSPORT=http", () => {
  it("write as app_user with the tenant set, each query its own committed transaction, without a WebSocket", async () => {
    const name = `Renamed over HTTP ${crypto.randomUUID()}`;
    const seen = await onHandle({ wsProxy: NOWHERE }, (handle) =>
      inTenantScope(
        handle,
        agency.tenantId,
        async (tx) => {
          const settings = await tx.execute(sql`select current_user as role,
            current_setting('app.tenant_id') as tenant, current_setting('transaction_read_only') as ro`);
          // No WHERE on the tenant: row-level security keeps the update to this agency's rows.
          const renamed = await tx.execute(sql`update clients set name = ${name}
            where id = ${agency.clientId} or tenant_id <> ${agency.tenantId} returning tenant_id`);
          return { settings: settings.rows[0], renamed: renamed.rows };
        },
        autocommit,
      ),
    );
    expect(seen.settings).toEqual({ role: "app_user", tenant: agency.tenantId, ro: "off" });
    expect(seen.renamed).toEqual([{ tenant_id: agency.tenantId }]);
    // Committed: another scope, on another transport, reads it.
    const read = await onHandle({ transport: "websocket" }, (handle) =>
      inTenantScope(handle, agency.tenantId, (tx) =>
        tx.select({ name: clients.name }).from(clients).where(eq(clients.id, agency.clientId)),
      ),
    );
    expect(read).toEqual([{ name }]);
  });

  it("run the system scope as app_system", async () => {
    const role = await onHandle({ wsProxy: NOWHERE }, (handle) =>
      inSystemScope(
        handle,
        async (tx) => (await tx.execute(sql`select current_user as role`)).rows[0],
        autocommit,
      ),
    );
    expect(role).toEqual({ role: "app_system" });
  });

  it("commit nothing of a query whose transaction fails, statements sent with it included", async () => {
    const before = await clientName(agency.clientId);
    await onHandle({ wsProxy: NOWHERE }, async (handle) => {
      const failed = inTenantScope(
        handle,
        agency.tenantId,
        async (tx, queue) => {
          const ahead = queue.sendAhead("update clients set name = 'never kept' where id = $1", [
            agency.clientId,
          ]);
          ahead.catch(() => undefined);
          await tx.execute(sql`select 1 / 0`);
        },
        autocommit,
      );
      await expect(failed).rejects.toMatchObject({ cause: expect.objectContaining({ code: "22012" }) });
    });
    expect(await clientName(agency.clientId)).toBe(before);
  });
});

async function clientName(clientId: string) {
  const rows = await onHandle({ transport: "websocket" }, (handle) =>
    inTenantScope(handle, agency.tenantId, (tx) =>
      tx.select({ name: clients.name }).from(clients).where(eq(clients.id, clientId)),
    ),
  );
  return rows[0]?.name;
}

/** One request to the Worker with some settings changed, as production would configure it. */
async function callWith(
  settings: Record<string, string>,
  path: string,
  init: RequestInit & { token?: string },
) {
  const app = buildApp();
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await app.fetch(
    new Request(`http://api.test${path}`, { ...init, headers }),
    { ...env, ...settings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}

describe("the Worker with DB_TRANSPORT=http", () => {
  const http = { DB_TRANSPORT: "http" };

  it("answers a read over HTTP, and a revoked token's read with 401", async () => {
    const read = await callWith(http, "/v1/projects?limit=100", { token: agency.tokens.viewer });
    expect(read.status, read.text).toBe(200);
    expect(read.body.items.map((project: { id: string }) => project.id)).toContain(agency.projectId);

    const issued = await callWith(http, "/v1/tokens", {
      method: "POST",
      token: agency.tokens.owner,
      body: JSON.stringify({ member_id: agency.members.viewer.id, expires_in_days: 1 }),
    });
    expect(issued.status, issued.text).toBe(201);
    const token = issued.body.token as string;
    expect((await callWith(http, "/v1/projects?limit=1", { token })).status).toBe(200);
    const revoked = await callWith(http, `/v1/tokens/${issued.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(revoked.status, revoked.text).toBe(204);
    const refused = await callWith(http, "/v1/projects?limit=1", { token });
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.code).toBe("unauthorized");
    // A route that fails before it queries still waits for the check.
    expect(
      (await callWith(http, "/v1/projects/00000000-0000-4000-8000-000000000000", { token })).status,
    ).toBe(401);
  });

  it("an unreachable HTTP endpoint fails reads with 503 while a write's transaction still goes over the WebSocket", async () => {
    const settings = { ...http, DB_HTTP_ENDPOINT: `http://${NOWHERE}/sql` };
    const read = await callWith(settings, "/v1/clients?limit=1", { token: agency.tokens.owner });
    expect(read.status, read.text).toBe(503);
    expect(read.headers.get("Retry-After")).toBe("5");
    expect(read.body.code).toBe("database_unavailable");

    const write = await callWith(settings, "/v1/clients", {
      method: "POST",
      token: agency.tokens.owner,
      body: JSON.stringify({ name: `Written over the WebSocket ${crypto.randomUUID()}` }),
    });
    expect(write.status, write.text).toBe(201);
  });

  it("claims a CI delivery over HTTP once the receiver holds its integration: one HTTPS request, no connection", async () => {
    const hook = await createHook(agency, "github", [agency.projectId]);
    const deliver = async (settings: Record<string, string>, deliveryId: string) => {
      const message = testMessage("github", "Staging tests", "passed", randomSha());
      const { body, headers } = await signedDelivery(hook, message, { deliveryId });
      return callWith(settings, `/hooks/${hook.id}`, { method: "POST", body, headers });
    };
    const unreachable = { ...http, DB_HTTP_ENDPOINT: `http://${NOWHERE}/sql` };
    // The first delivery reads the integration in a transaction (over the WebSocket) and leaves this
    // isolate a copy; the next is one claim, which goes over HTTP.
    const first = await deliver(unreachable, `first-${crypto.randomUUID()}`);
    expect(first.status, first.text).toBe(202);
    const lostId = `lost-${crypto.randomUUID()}`;
    const lost = await deliver(unreachable, lostId);
    expect(lost.status, lost.text).toBe(503);
    expect(lost.body.code).toBe("database_unavailable");
    const claimedId = `claimed-${crypto.randomUUID()}`;
    const claimed = await deliver(http, claimedId);
    expect(claimed.status, claimed.text).toBe(202);
    expect(claimed.body).toMatchObject({ delivery_id: claimedId, outcome: "received" });

    const recorded = await onHandle({ transport: "websocket" }, (handle) =>
      inSystemScope(handle, async (tx) =>
        (
          await tx.execute(sql`select delivery_id from webhook_deliveries
            where integration_id = ${hook.id} and delivery_id in (${lostId}, ${claimedId})`)
        ).rows.map((row) => row.delivery_id),
      ),
    );
    expect(recorded).toEqual([claimedId]);
  });

  it("refuses an unknown DB_TRANSPORT as misconfigured, naming the setting", async () => {
    const read = await callWith({ DB_TRANSPORT: "carrier-pigeon" }, "/v1/projects?limit=1", {
      token: agency.tokens.viewer,
    });
    expect(read.status).toBe(500);
    expect(read.body.code).toBe("misconfigured");
    expect(read.body.detail).toContain("DB_TRANSPORT");
  });
});
