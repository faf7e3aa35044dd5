import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inTenantScope } from "../../src/db/scope";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";

// These tests talk to Postgres directly, with queries that deliberately leave
// out the tenant filter the application always adds: row-level security alone
// must keep agencies apart.
let a: SeededAgency;
let b: SeededAgency;
const database = () => new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });

beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
});

async function rows<T>(query: ReturnType<typeof sql>, tenantId: string): Promise<T[]> {
  const handle = database();
  try {
    return await inTenantScope(handle, tenantId, async (tx) => (await tx.execute(query)).rows as T[]);
  } finally {
    await handle.end();
  }
}

describe("row-level security, without any application filter", () => {
  it("an unscoped select under agency A's context returns only A's rows, in every tenant table", async () => {
    for (const table of ["members", "api_tokens", "clients", "projects"]) {
      const found = await rows<{ tenant_id: string }>(
        sql`select tenant_id from ${sql.identifier(table)}`,
        a.tenantId,
      );
      expect(found.length, table).toBeGreaterThan(0);
      expect(new Set(found.map((r) => r.tenant_id)), table).toEqual(new Set([a.tenantId]));
    }
    const tenants = await rows<{ id: string }>(sql`select id from tenants`, a.tenantId);
    expect(tenants.map((t) => t.id)).toEqual([a.tenantId]);
  });

  it("B's rows are invisible to A even by primary key", async () => {
    const found = await rows(sql`select id from projects where id = ${b.projectId}`, a.tenantId);
    expect(found).toEqual([]);
  });

  it("refuses to insert a row for another agency", async () => {
    const error = await rows(
      sql`insert into clients (id, tenant_id, name) values (gen_random_uuid(), ${b.tenantId}, 'Planted')`,
      a.tenantId,
    ).then(
      () => undefined,
      (e: { cause?: { code?: string; message?: string } }) => e.cause,
    );
    expect(error).toMatchObject({ code: "42501" });
    expect(error?.message).toMatch(/row-level security/);
  });

  it("cannot update or delete another agency's rows", async () => {
    const updated = await rows(
      sql`update clients set name = 'Hijacked' where tenant_id = ${b.tenantId} returning id`,
      a.tenantId,
    );
    expect(updated).toEqual([]);
    const deleted = await rows(
      sql`delete from projects where tenant_id = ${b.tenantId} returning id`,
      a.tenantId,
    );
    expect(deleted).toEqual([]);
  });

  it("sees nothing when no tenant is set", async () => {
    const handle = database();
    try {
      const found = await handle.withConnection((db) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('role', 'app_user', true)`);
          return (await tx.execute(sql`select id from projects`)).rows;
        }),
      );
      expect(found).toEqual([]);
    } finally {
      await handle.end();
    }
  });

  it("the role and tenant end with the transaction, on commit and on rollback", async () => {
    const handle = database();
    try {
      const after = await handle.withConnection(async (db) => {
        await inTenantScope(handle, a.tenantId, async () => undefined);
        await inTenantScope(handle, a.tenantId, async () => {
          throw new Error("roll back");
        }).catch(() => undefined);
        return (
          await db.execute(
            sql`select current_user as who, coalesce(current_setting('app.tenant_id', true), '') as tenant`,
          )
        ).rows[0] as { who: string; tenant: string };
      });
      expect(after.who).not.toBe("app_user");
      expect(after.tenant).toBe("");
    } finally {
      await handle.end();
    }
  });

  it("every table with a tenant_id has forced row-level security, and app_user cannot bypass it", async () => {
    const handle = database();
    try {
      const tables = await handle.withConnection(
        async (db) =>
          (
            await db.execute(sql`
              select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
                     pg_get_userbyid(c.relowner) as owner
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r'
                and (exists (select 1 from pg_attribute at where at.attrelid = c.oid and at.attname = 'tenant_id')
                     or c.relname = 'tenants')`)
          ).rows as { name: string; enabled: boolean; forced: boolean; owner: string }[],
      );
      expect(tables.length).toBeGreaterThanOrEqual(6);
      for (const table of tables) {
        expect(table, table.name).toMatchObject({ enabled: true, forced: true });
        expect(table.owner, table.name).not.toBe("app_user");
      }
      const role = await handle.withConnection(
        async (db) =>
          (await db.execute(sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'app_user'`))
            .rows[0],
      );
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    } finally {
      await handle.end();
    }
  });
});
