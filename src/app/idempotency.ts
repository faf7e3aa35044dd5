import { and, eq } from "drizzle-orm";
import { idempotencyKeys } from "../db/schema";
import type { Tx } from "../db/scope";
import { ApiError } from "../lib/problem";

export interface IdempotencyRequest {
  key: string;
  /** sha256 of method, path and body: the same key with another request is refused. */
  fingerprint: string;
}

export interface StoredResponse<B> {
  status: number;
  body: B;
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs `work` once per key: the key row is inserted in the same transaction as
 * the work, so a concurrent duplicate waits on the primary key and then
 * replays the stored answer, and a failed attempt leaves no key behind.
 */
export async function oncePerKey<B>(
  tx: Tx,
  scopeId: string,
  request: IdempotencyRequest | undefined,
  work: () => Promise<{ status: number; body: B }>,
): Promise<StoredResponse<B>> {
  if (!request) return { ...(await work()), replayed: false };
  const { key, fingerprint } = request;
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({ tenantId: scopeId, key, fingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length === 0) {
    const [stored] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, scopeId), eq(idempotencyKeys.key, key)));
    if (!stored || stored.fingerprint !== fingerprint) {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request; use a new key for a new request.",
      );
    }
    return { status: stored.responseStatus ?? 200, body: stored.responseBody as B, replayed: true };
  }
  const result = await work();
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: result.status, responseBody: result.body as unknown })
    .where(and(eq(idempotencyKeys.tenantId, scopeId), eq(idempotencyKeys.key, key)));
  return { ...result, replayed: false };
}
