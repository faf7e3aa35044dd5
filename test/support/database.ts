import { env } from "cloudflare:workers";
import { DatabaseHandle } from "../../src/db/client";

/** Runs `work` on a connection of its own (the way a separate client would see the database), then ends it. */
export async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    return await work(handle);
  } finally {
    await handle.end();
  }
}
