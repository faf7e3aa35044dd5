import { and, eq } from "drizzle-orm";
import { idempotencyKeys } from "../db/schema";
import { inSystemScope, inTenantScope, PLATFORM_SCOPE, type Tx } from "../db/scope";
import { type Actor, loadActor } from "../lib/auth/actor";
import { bearerToken, verifyToken } from "../lib/auth/tokens";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import type { AppContext } from "./context";

export interface TenantScope {
  tx: Tx;
  actor: Actor;
}

async function claimsOf(c: AppContext) {
  const claims = c.get("claims");
  if (claims) return claims;
  // Normally set by the authentication middleware; verifying here keeps a
  // route mounted outside /v1 from ever reaching a tenant without a token.
  const verified = await verifyToken(c.get("config"), bearerToken(c.req.header("Authorization")));
  c.set("claims", verified);
  return verified;
}

/**
 * The one way a tenant route reaches Postgres: verifies the bearer token, opens
 * the tenant-scoped transaction, confirms the token is live and hands over the
 * actor. Throwing anywhere rolls the whole request back.
 */
export async function withTenant<T>(c: AppContext, work: (scope: TenantScope) => Promise<T>): Promise<T> {
  const claims = await claimsOf(c);
  return inTenantScope(c.get("database"), claims.tenantId, async (tx) =>
    work({ tx, actor: await loadActor(tx, claims) }),
  );
}

export function withSystem<T>(c: AppContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inSystemScope(c.get("database"), work);
}

export interface StoredResponse<B> {
  status: number;
  body: B;
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Honours `Idempotency-Key` on a POST: the key row is inserted in the same
 * transaction as the work, so a concurrent duplicate waits on the primary key
 * and then replays the stored answer; a failed attempt leaves no key behind.
 */
export async function idempotent<B>(
  c: AppContext,
  tx: Tx,
  scopeId: string,
  work: () => Promise<{ status: number; body: B }>,
): Promise<StoredResponse<B>> {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return { ...(await work()), replayed: false };
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const body = await c.req.text();
  const fingerprint = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
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
    c.header("Idempotent-Replayed", "true");
    return { status: stored.responseStatus ?? 200, body: stored.responseBody as B, replayed: true };
  }
  const result = await work();
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: result.status, responseBody: result.body as unknown })
    .where(and(eq(idempotencyKeys.tenantId, scopeId), eq(idempotencyKeys.key, key)));
  return { ...result, replayed: false };
}

export { PLATFORM_SCOPE };
