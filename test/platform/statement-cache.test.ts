import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Database, DatabaseHandle } from "../../src/db/client";
import { releaseEvents, releases } from "../../src/db/schema";
import { StatementCache } from "../../src/db/statement-cache";

// A statement built once with placeholders and filled per call must send exactly what drizzle
// builds from the values directly: the same text and the same parameters, column encodings and
// NULLs included.

async function withBuilder<T>(work: (db: Database) => T): Promise<T> {
  const handle = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    return await handle.withConnection(async (db) => work(db));
  } finally {
    await handle.end();
  }
}

const AT = new Date("2026-12-04T05:06:07.089Z");
const IDS = {
  tenant: "0193a3c4-0000-7000-8000-000000000001",
  release: "0193a3c4-0000-7000-8000-000000000002",
  event: "0193a3c4-0000-7000-8000-000000000003",
};

describe("statement cache", () => {
  it("fills an update as drizzle builds it from the values, jsonb and timestamps encoded", async () => {
    await withBuilder((db) => {
      const changes = {
        testPlan: [{ stage: "smoke" as const, suite: "Checkout — ünïcode", description: null }],
        attempt: 2,
      };
      const direct = db
        .update(releases)
        .set({ ...changes, monitoringConfirmedAt: AT })
        .where(and(eq(releases.tenantId, IDS.tenant), eq(releases.id, IDS.release)))
        .toSQL();
      const cache = new StatementCache(4);
      const build = () =>
        db
          .update(releases)
          .set({
            testPlan: sql.placeholder("plan"),
            attempt: sql.placeholder("attempt"),
            monitoringConfirmedAt: sql.placeholder("at"),
          } as never)
          .where(
            and(
              eq(releases.tenantId, sql.placeholder("tenant")),
              eq(releases.id, sql.placeholder("release")),
            ),
          )
          .toSQL();
      const values = { plan: changes.testPlan, attempt: 2, at: AT, tenant: IDS.tenant, release: IDS.release };
      const first = cache.fill("update", build, values);
      const again = cache.fill("update", () => expect.fail("built twice"), values);
      expect(first).toEqual({ text: direct.sql, values: direct.params });
      expect(again).toEqual(first);
    });
  });

  it("keeps a NULL in a jsonb column NULL, as drizzle does (not the JSON null)", async () => {
    await withBuilder((db) => {
      const row = {
        id: IDS.event,
        tenantId: IDS.tenant,
        releaseId: IDS.release,
        attempt: 1,
        type: "release_halted",
        actor: { kind: "member", member_id: IDS.event },
        data: {},
        before: null,
        after: { status: "halted" },
        requestId: "req-1",
        createdAt: AT,
      };
      const direct = db.insert(releaseEvents).values(row).toSQL();
      const placeholders = Object.fromEntries(Object.keys(row).map((key) => [key, sql.placeholder(key)]));
      const filled = new StatementCache(4).fill(
        "insert",
        () =>
          db
            .insert(releaseEvents)
            .values(placeholders as never)
            .toSQL(),
        row,
      );
      expect(filled).toEqual({ text: direct.sql, values: direct.params });
      expect(filled.values).toContain(null);
    });
  });

  it("refuses to fill a statement with a placeholder left without a value", async () => {
    await withBuilder((db) => {
      const build = () =>
        db
          .select()
          .from(releases)
          .where(eq(releases.id, sql.placeholder("release")))
          .toSQL();
      expect(() => new StatementCache(4).fill("select", build, {})).toThrow(
        /no value for placeholder "release"/,
      );
    });
  });

  it("past its limit builds each new shape every time and keeps only the first ones", async () => {
    await withBuilder((db) => {
      const cache = new StatementCache(1);
      let builds = 0;
      const build = () => {
        builds++;
        return db
          .select()
          .from(releases)
          .where(eq(releases.id, sql.placeholder("release")))
          .toSQL();
      };
      for (const shape of ["a", "b", "b", "a"]) cache.fill(shape, build, { release: IDS.release });
      expect(builds).toBe(3);
    });
  });
});
