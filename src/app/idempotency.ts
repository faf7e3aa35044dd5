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

/** A response that carries a credential: the fields are shown once and never stored. */
export interface ShownOnce {
  /** Top-level response fields holding or embedding the credential (`token`, `secret`, `feed_url`). */
  fields: readonly string[];
  /** What to do instead of replaying, e.g. "rotate the secret with POST …/rotate-secret". */
  instead: string;
}

/** Marks a stored response whose shown-once fields were left out. */
const WITHHELD = "__shown_once_withheld";

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
  shownOnce?: ShownOnce,
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
    const body = stored.responseBody as Record<string, unknown> | null;
    if (body && WITHHELD in body) {
      // The credential was shown once and not kept, so the first answer cannot be repeated; what
      // was created is named (`applied`: the first answer without the credential).
      const { [WITHHELD]: withheld, ...applied } = body;
      throw new ApiError(
        "conflict",
        `This Idempotency-Key's request was already applied. Its ${String(withheld)} was shown once, in that response, and is not kept; ${shownOnce?.instead ?? "issue a new one"}.`,
        { applied },
      );
    }
    return { status: stored.responseStatus ?? 200, body: stored.responseBody as B, replayed: true };
  }
  const result = await work();
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: result.status, responseBody: storable(result.body, shownOnce) })
    .where(and(eq(idempotencyKeys.tenantId, scopeId), eq(idempotencyKeys.key, key)));
  return { ...result, replayed: false };
}

/** The response as stored for replay: without the shown-once fields, marked so a replay refuses. */
function storable(body: unknown, shownOnce: ShownOnce | undefined): unknown {
  if (!shownOnce || body === null || typeof body !== "object") return body;
  const kept: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of shownOnce.fields) delete kept[field];
  kept[WITHHELD] = shownOnce.fields.join(" and ");
  return kept;
}
