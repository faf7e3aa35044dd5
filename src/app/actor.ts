import { and, eq, gt, isNull } from "drizzle-orm";
import { apiTokens, members } from "../db/schema";
import type { Tx } from "../db/scope";
import { type Role, type TokenClaims, unauthorized } from "../lib/auth/tokens";
import { ApiError } from "../lib/problem";

export interface Actor {
  tenantId: string;
  memberId: string;
  tokenId: string;
  /** The member's role now, from Postgres: a demotion takes effect at once. */
  role: Role;
}

/** Confirms inside the tenant transaction that the token is live and its member active. */
export async function loadActor(tx: Tx, claims: TokenClaims): Promise<Actor> {
  const [row] = await tx
    .select({ role: members.role })
    .from(apiTokens)
    .innerJoin(members, and(eq(members.tenantId, apiTokens.tenantId), eq(members.id, apiTokens.memberId)))
    .where(
      and(
        eq(apiTokens.tenantId, claims.tenantId),
        eq(apiTokens.id, claims.tokenId),
        eq(apiTokens.memberId, claims.memberId),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, new Date()),
        isNull(members.deactivatedAt),
      ),
    );
  if (!row) throw unauthorized("The token has been revoked or its member removed.");
  return {
    tenantId: claims.tenantId,
    memberId: claims.memberId,
    tokenId: claims.tokenId,
    role: row.role as Role,
  };
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
