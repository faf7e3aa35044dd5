import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { apiTokens, members } from "../db/schema";
import type { Tx } from "../db/scope";
import { type FilledStatement, StatementCache } from "../db/statement-cache";
import { type Role, type TokenClaims, unauthorized } from "../lib/auth/tokens";
import { ApiError } from "../lib/problem";

export interface Actor {
  tenantId: string;
  memberId: string;
  tokenId: string;
  /** The member's role now, from Postgres: a demotion takes effect at once. */
  role: Role;
}

/** The member's current role, if the token is live and its member active; one row or none. */
function liveTokenRoleSelect(tx: Tx) {
  return tx
    .select({ role: members.role })
    .from(apiTokens)
    .innerJoin(members, and(eq(members.tenantId, apiTokens.tenantId), eq(members.id, apiTokens.memberId)))
    .where(
      and(
        eq(apiTokens.tenantId, sql.placeholder("tenantId")),
        eq(apiTokens.id, sql.placeholder("tokenId")),
        eq(apiTokens.memberId, sql.placeholder("memberId")),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, sql.placeholder("now")),
        isNull(members.deactivatedAt),
      ),
    );
}

/** The check's placeholders, for a token's claims now. */
function liveTokenValues(claims: TokenClaims) {
  return { tenantId: claims.tenantId, tokenId: claims.tokenId, memberId: claims.memberId, now: new Date() };
}

/**
 * The statement's text and its placeholders, built once per isolate: every request checks its
 * token, the query never changes shape, and building it through drizzle each time was a twentieth
 * of an authenticated read's Worker CPU. Only the values are filled in per request.
 */
const liveTokenRoleStatement = new StatementCache(1);

/** The live-token check as a statement to send ahead: `{ role }` in its one row, or no row. */
export function liveTokenRole(tx: Tx, claims: TokenClaims): FilledStatement {
  return liveTokenRoleStatement.fill(
    "live token role",
    () => liveTokenRoleSelect(tx).toSQL(),
    liveTokenValues(claims),
  );
}

export function tokenNoLongerValid(): ApiError {
  return unauthorized("The token has been revoked or its member removed.");
}

export function actorOf(claims: TokenClaims, role: Role): Actor {
  return { tenantId: claims.tenantId, memberId: claims.memberId, tokenId: claims.tokenId, role };
}

/** Confirms inside the tenant transaction that the token is live and its member active. */
export async function loadActor(tx: Tx, claims: TokenClaims): Promise<Actor> {
  const [row] = await liveTokenRoleSelect(tx).execute(liveTokenValues(claims));
  if (!row) throw tokenNoLongerValid();
  return actorOf(claims, row.role as Role);
}

const ROLE_LABEL: Record<Role, string> = {
  owner: "owner",
  release_manager: "release manager",
  engineer: "engineer",
  viewer: "viewer",
};

export function requireRole(actor: Actor, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(actor.role)) {
    const needed = allowed.map((role) => ROLE_LABEL[role]).join(" or ");
    throw new ApiError(
      "forbidden",
      `${action} needs the ${needed} role; your role is ${ROLE_LABEL[actor.role]}.`,
    );
  }
}
