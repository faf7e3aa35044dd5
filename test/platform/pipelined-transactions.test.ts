import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inSystemScope, inTenantScope } from "../../src/db/scope";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";

// A request's transaction start (BEGIN, role and tenant settings, the token check) travels with its
// first query in one message, and a read sends each query as a whole transaction in one message. These tests hold the
// pipeline to what the driver's own one-statement-at-a-time path gives, on the real database.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

async function onHandle<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    return await work(handle);
  } finally {
    await handle.end();
  }
}

const EVERY_KIND = `select $1::text[] as list, $2::timestamptz as at, $3::jsonb as doc, $4::bytea as bytes,
  $5::int as number, $6::bool as flag, $7::text as nothing, $8::text as quoted, $9::int[] as numbers,
  $10::text as wide, $11::text as empty, 'Café ☕ 🚀' as "wide ✓ in the text"`;
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
  // Byte lengths differ from string lengths: two-, three- and four-byte characters, and a lone surrogate.
  "Zoë · 東京 · 🚀 · \ud800",
  "",
];

describe("pipelined statements", () => {
  it("send every kind of parameter exactly as the driver does on its own", async () => {
    await onHandle((handle) =>
      handle.withConnection(async (_db, pipeline) => {
        const direct = await pipeline.query(EVERY_KIND, EVERY_VALUE);
        const ahead = pipeline.sendAhead("select 1 as warmup", []);
        const pipelined = await pipeline.query(EVERY_KIND, EVERY_VALUE);
        expect((await ahead).rows).toEqual([{ warmup: 1 }]);
        expect(pipelined.rows).toEqual(direct.rows);
        expect(pipelined.rowCount).toBe(1);
        expect(pipelined.command).toBe("SELECT");
      }),
    );
  });

  it("a failing statement rejects itself and everything sent after it, with the server's error", async () => {
    await onHandle((handle) =>
      handle.withConnection(async (_db, pipeline) => {
        const first = pipeline.sendAhead("select 1 as fine", []);
        const failing = pipeline.sendAhead("select 1 / $1::int as boom", [0]);
        const after = pipeline.query("select 2 as never");
        expect((await first).rows).toEqual([{ fine: 1 }]);
        await expect(failing).rejects.toMatchObject({ code: "22012" });
        await expect(after).rejects.toMatchObject({ code: "22012" });
        // The connection is usable again: Postgres skipped to the Sync.
        expect((await pipeline.query("select 3 as again")).rows).toEqual([{ again: 3 }]);
      }),
    );
  });

  it("a prepared statement is parsed once per connection; later queries send only its values", async () => {
    await onHandle((handle) =>
      handle.withConnection(async (_db, pipeline) => {
        const ECHO = "select $1::text as echoed";
        const prepared = async () =>
          (await pipeline.query("select prepare_time from pg_prepared_statements where name = 'echo'"))
            .rows as { prepare_time: string }[];
        expect((await pipeline.queryPrepared("echo", ECHO, ["first"])).rows).toEqual([{ echoed: "first" }]);
        const [held] = await prepared();
        expect(held).toBeDefined();
        expect((await pipeline.queryPrepared("echo", ECHO, ["second"])).rows).toEqual([{ echoed: "second" }]);
        // Parsed again, the statement would have a new prepare time.
        expect(await prepared()).toEqual([held]);
      }),
    );
  });

  it("a prepared statement whose batch failed is prepared again, whether or not the server kept it", async () => {
    await onHandle((handle) =>
      handle.withConnection(async (_db, pipeline) => {
        const DIVIDE = "select 10 / $1::int as quotient";
        // Refused before its Parse: the server skipped it.
        const before = pipeline.sendAhead("select 1 / 0", []);
        await expect(pipeline.queryPrepared("divide", DIVIDE, [2])).rejects.toMatchObject({ code: "22012" });
        await expect(before).rejects.toMatchObject({ code: "22012" });
        // Parsed, then refused when it ran: the server holds it though it was never answered.
        await expect(pipeline.queryPrepared("divide", DIVIDE, [0])).rejects.toMatchObject({ code: "22012" });
        expect((await pipeline.queryPrepared("divide", DIVIDE, [5])).rows).toEqual([{ quotient: 2 }]);
        expect((await pipeline.queryPrepared("divide", DIVIDE, [1])).rows).toEqual([{ quotient: 10 }]);
      }),
    );
  });

  it("a check that throws withholds every later answer, even ones the server gave", async () => {
    await onHandle((handle) =>
      handle.withConnection(async (_db, pipeline) => {
        const refusal = new Error("credential refused");
        const checked = pipeline.sendAhead("select 0 as members", [], () => {
          throw refusal;
        });
        const query = pipeline.query("select 'secret' as data");
        await expect(checked).rejects.toBe(refusal);
        await expect(query).rejects.toBe(refusal);
      }),
    );
  });

  it("a tenant scope's first query already runs as app_user with the tenant set, inside the transaction", async () => {
    const seen = await onHandle((handle) =>
      inTenantScope(handle, agency.tenantId, async (tx) => {
        const result = await tx.execute(
          sql`select current_user as role, current_setting('app.tenant_id') as tenant, now() = statement_timestamp() as fresh`,
        );
        const again = await tx.execute(sql`select now() = statement_timestamp() as fresh`);
        return { first: result.rows[0], second: again.rows[0] };
      }),
    );
    expect(seen.first).toMatchObject({ role: "app_user", tenant: agency.tenantId });
    // One transaction across both statements: now() is the transaction's start, not the statement's.
    expect(seen.second).toEqual({ fresh: false });
  });

  it("a read-only scope sends every query behind the tenant settings, each its own transaction", async () => {
    const seen = await onHandle((handle) =>
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
        { readOnly: true },
      ),
    );
    const expected = { role: "app_user", tenant: agency.tenantId, ro: "on", started: expect.any(String) };
    expect(seen).toEqual([expected, expected]);
    // Two transactions: now() is each one's start.
    expect(seen[0]?.started).not.toBe(seen[1]?.started);
  });

  it("a read-only scope refuses writes, leaves nothing open, and the next scope on the handle starts clean", async () => {
    await onHandle(async (handle) => {
      const write = inTenantScope(
        handle,
        agency.tenantId,
        (tx) => tx.execute(sql`update clients set name = name where tenant_id = ${agency.tenantId}`),
        { readOnly: true },
      );
      await expect(write).rejects.toMatchObject({ cause: expect.objectContaining({ code: "25006" }) });

      const read = await inTenantScope(
        handle,
        agency.tenantId,
        async (tx) => (await tx.execute(sql`select current_setting('transaction_read_only') as ro`)).rows[0],
        { readOnly: true },
      );
      expect(read).toEqual({ ro: "on" });

      const after = await inSystemScope(
        handle,
        async (tx) =>
          (
            await tx.execute(
              sql`select coalesce(current_setting('app.tenant_id', true), '') as tenant, current_user as role`,
            )
          ).rows[0],
      );
      expect(after).toEqual({ tenant: "", role: "app_system" });
    });
  });
});

describe("reads through the API", () => {
  it("a token whose member was promoted since it was issued reads with the new role at once", async () => {
    const before = await api("/v1/members?limit=100", { token: agency.tokens.engineer });
    expect(before.status).toBe(200);
    const ownerAddress = before.body.items.find(
      (m: { id: string }) => m.id === agency.members.owner.id,
    ).email;
    expect(ownerAddress).toContain("***");

    const promoted = await api(`/v1/members/${agency.members.engineer.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { role: "owner" },
    });
    expect(promoted.status, promoted.text).toBe(200);

    const after = await api("/v1/members?limit=100", { token: agency.tokens.engineer });
    expect(after.status).toBe(200);
    const unmasked = after.body.items.find((m: { id: string }) => m.id === agency.members.owner.id).email;
    expect(unmasked).not.toContain("***");
  });

  it("a revoked token reading gets 401, whether the route queries or fails first", async () => {
    const issued = await api("/v1/tokens", {
      token: agency.tokens.owner,
      body: { member_id: agency.members.viewer.id, expires_in_days: 1 },
    });
    expect(issued.status, issued.text).toBe(201);
    const token = issued.body.token as string;
    expect((await api("/v1/projects?limit=1", { token })).status).toBe(200);

    const revoked = await api(`/v1/tokens/${issued.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(revoked.status, revoked.text).toBe(204);
    const read = await api("/v1/projects?limit=1", { token });
    expect(read.status).toBe(401);
    expect(read.body.code).toBe("unauthorized");
    const missing = await api("/v1/projects/00000000-0000-4000-8000-000000000000", { token });
    expect(missing.status).toBe(401);
  });
});
