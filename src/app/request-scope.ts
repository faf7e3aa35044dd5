import type { StatementQueue } from "../db/pipeline/statement-queue";
import { inSystemScope, inTenantScope, PLATFORM_SCOPE, type Tx } from "../db/scope";
import type { TokenClaims } from "../lib/auth/tokens";
import { bearerToken, verifyToken } from "../lib/auth/tokens";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { type Actor, actorOf, liveTokenRole, loadActor, tokenNoLongerValid } from "./actor";
import type { AppContext } from "./context";
import {
  IDEMPOTENCY_KEY_PATTERN,
  type IdempotencyRequest,
  oncePerKey,
  type ShownOnce,
  type StoredResponse,
} from "./idempotency";

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
 *
 * A read (GET or HEAD) pays one round trip: the tenant and read-only settings and the token check
 * travel with the route's first query, one implicit transaction, and the check is answered first — when it fails, the
 * query's rows are never handed to the route. The route runs with the role the token was issued
 * for; if the member's role has changed since, the read runs again with the role from Postgres.
 */
export async function withTenant<T>(c: AppContext, work: (scope: TenantScope) => Promise<T>): Promise<T> {
  const claims = await claimsOf(c);
  const database = c.get("database");
  if (c.req.method === "GET" || c.req.method === "HEAD") {
    try {
      return await inTenantScope(
        database,
        claims.tenantId,
        (tx, pipeline) => readAhead(tx, pipeline, claims, work),
        {
          readOnly: true,
        },
      );
    } catch (error) {
      if (!(error instanceof RoleChangedSinceIssue)) throw error;
    }
  }
  return inTenantScope(database, claims.tenantId, async (tx) =>
    work({ tx, actor: await loadActor(tx, claims) }),
  );
}

/** The member's role in Postgres differs from the token's claim: the speculative read is redone. */
class RoleChangedSinceIssue extends Error {}

async function readAhead<T>(
  tx: Tx,
  pipeline: StatementQueue,
  claims: TokenClaims,
  work: (scope: TenantScope) => Promise<T>,
): Promise<T> {
  const { text, values: params } = liveTokenRole(tx, claims);
  const verified = pipeline.sendAhead(text, params, ({ rows }) => {
    const row = rows[0] as { role?: unknown } | undefined;
    if (!row) throw tokenNoLongerValid();
    if (row.role !== claims.role) throw new RoleChangedSinceIssue();
  });
  return pipeline.afterCheck(verified, () => work({ tx, actor: actorOf(claims, claims.role) }));
}

export function withSystem<T>(c: AppContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inSystemScope(c.get("database"), work);
}

/**
 * The request's Idempotency-Key and fingerprint, or undefined when it sent none. The fingerprint
 * binds the key to the caller (the token's member, or the platform admin) as well as to the
 * request, so another member who learns a key gets a refusal, never the first caller's answer.
 */
export async function idempotencyRequest(c: AppContext): Promise<IdempotencyRequest | undefined> {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const body = await c.req.text();
  const caller = c.get("claims")?.memberId ?? "platform-admin";
  return { key, fingerprint: await sha256Hex(`${caller}\n${c.req.method} ${c.req.path}\n${body}`) };
}

/**
 * Honours `Idempotency-Key` on a POST handled inside this request's transaction. A response with a
 * credential names it in `shownOnce`: it is never stored, and a replay is refused (409) instead.
 */
export async function idempotent<B>(
  c: AppContext,
  tx: Tx,
  scopeId: string,
  work: () => Promise<{ status: number; body: B }>,
  shownOnce?: ShownOnce,
): Promise<StoredResponse<B>> {
  const result = await oncePerKey(tx, scopeId, await idempotencyRequest(c), work, shownOnce);
  if (result.replayed) c.header("Idempotent-Replayed", "true");
  return result;
}

export { PLATFORM_SCOPE };
