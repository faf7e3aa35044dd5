// The embedded default database: PGlite (Postgres compiled to WebAssembly)
// served over the Postgres wire protocol on a local port, so the API talks to
// it exactly as it talks to any other Postgres.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { SessionQueue } from "./pglite-session-queue.ts";

export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** A URL for the driver; PGlite accepts any credentials. */
  databaseUrl: string;
  close(): Promise<void>;
}

/** `dataDir` persists between runs (npm start); omit it for a throwaway in-memory database (tests). */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  const host = "127.0.0.1";
  const port = options.port ?? (await freePort(host));
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 200 });
  // Every connection is handed this queue when it arrives, so it is replaced before any arrives.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(
    db as unknown as ConstructorParameters<typeof SessionQueue>[0],
  );
  await server.start();
  return {
    host,
    port,
    databaseUrl: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/** Asks the OS for a free port; never PostgreSQL's 5432 or the API's 8787. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", reject);
      probe.listen(0, host, () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    if (port !== 5432 && port !== 8787) return port;
  }
}
