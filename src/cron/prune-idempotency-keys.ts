import { lt } from "drizzle-orm";
import { idempotencyKeys } from "../db/schema";
import type { Tx } from "../db/scope";

/** How long a retried POST is answered from its stored first response. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** Deletes keys past their lifetime across all agencies; one indexed range delete. */
export async function pruneIdempotencyKeys(tx: Tx, now: Date): Promise<number> {
  const deleted = await tx
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS)))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
