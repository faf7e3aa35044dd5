import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inSystemScope } from "../../src/db/scope";
import worker from "../../workers/index";

const database = () => new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });

async function system<T>(work: Parameters<typeof inSystemScope<T>>[1]): Promise<T> {
  const handle = database();
  try {
    return await inSystemScope(handle, work);
  } finally {
    await handle.end();
  }
}

async function tick(at: Date) {
  const controller = createScheduledController({ scheduledTime: at, cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env);
  await waitOnExecutionContext(ctx);
}

describe("cron tick: idempotency-key retention", () => {
  it("deletes keys older than 24 hours and keeps fresh ones, however often it runs", async () => {
    const scope = crypto.randomUUID();
    await system((tx) =>
      tx.execute(sql`
        insert into idempotency_keys (tenant_id, key, fingerprint, created_at) values
          (${scope}, 'old', 'f', now() - interval '25 hours'),
          (${scope}, 'fresh', 'f', now() - interval '1 hour')`),
    );
    const now = new Date();
    await tick(now);
    await tick(now); // a duplicate tick changes nothing more
    const left = await system(
      async (tx) => (await tx.execute(sql`select key from idempotency_keys where tenant_id = ${scope}`)).rows,
    );
    expect(left).toEqual([{ key: "fresh" }]);
  });
});
