// A database handle terminated while calls wait for its only connection: what a Durable Object
// does when a connection stops answering (src/db/warm-database.ts). The waiting call fails as a
// 503 at once, not after the pool's 5-second connection timeout, and the handle never connects
// again behind the object's back: a call made later fails too (the object opens a new handle
// instead; faults/delivery-intake.test.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DatabaseHandle } from "../../../src/db/client";
import { ApiError } from "../../../src/lib/problem";
import { armFault, disarmFault, faultState, uniqueMarker } from "../support/faults";

/** What a call on the handle ended with: its value, or the code of the problem it failed with. */
function outcomeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "succeeded",
    (error: unknown) => (error instanceof ApiError ? error.code : `failed: ${String(error)}`),
  );
}

const pause = (ms: number) =>
  new Promise<string>((resolve) => setTimeout(() => resolve("still waiting"), ms));

describe("a terminated database handle", () => {
  it("fails the call waiting for a connection at once, and every later call, with database_unavailable", async () => {
    const handle = new DatabaseHandle({
      url: env.DATABASE_URL,
      wsProxy: env.DB_WS_PROXY,
      pool: { size: 1, keepIdleConnections: true },
    });
    const marker = uniqueMarker("terminated-handle");
    const rule = await armFault(marker, "stall");
    try {
      const stalled = outcomeOf(
        handle.withConnection((_db, client) => client.query("select $1::text", [marker])),
      );
      const deadline = Date.now() + 5_000;
      while (!(await faultState(rule)).triggered && Date.now() < deadline) await pause(20);
      expect((await faultState(rule)).triggered, "the bridge never saw the stalled query").toBe(true);

      // The pool's only connection is stalled, so this call waits for it.
      const waiting = outcomeOf(handle.withConnection((_db, client) => client.query("select 1")));
      await pause(100);
      handle.terminate();

      expect(await stalled).toBe("database_unavailable");
      // Well inside the pool's 5-second connection timeout, which alone would otherwise end the wait.
      expect(await Promise.race([waiting, pause(2_500)])).toBe("database_unavailable");
      expect(await outcomeOf(handle.withConnection((_db, client) => client.query("select 1")))).toBe(
        "database_unavailable",
      );
    } finally {
      await disarmFault(rule);
    }
  });
});
