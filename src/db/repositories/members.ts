import { and, asc, count, eq, gt, isNull } from "drizzle-orm";
import { apiTokens, type MemberRow, members } from "../schema";
import type { Tx } from "../scope";

export async function insertMember(tx: Tx, values: typeof members.$inferInsert): Promise<MemberRow> {
  const [row] = await tx.insert(members).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listMembers(tx: Tx, tenantId: string, after: string | undefined, limit: number) {
  return tx
    .select()
    .from(members)
    .where(and(eq(members.tenantId, tenantId), after ? gt(members.id, after) : undefined))
    .orderBy(asc(members.id))
    .limit(limit + 1);
}

export async function findMember(tx: Tx, tenantId: string, memberId: string): Promise<MemberRow | undefined> {
  const [row] = await tx
    .select()
    .from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)));
  return row;
}

/** Locks the agency's active owners, so two concurrent demotions cannot both pass the last-owner check. */
export async function countActiveOwners(tx: Tx, tenantId: string): Promise<number> {
  const rows = await tx
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.role, "owner"), isNull(members.deactivatedAt)))
    .for("update");
  return rows.length;
}

export async function updateMember(
  tx: Tx,
  tenantId: string,
  memberId: string,
  changes: Partial<Pick<MemberRow, "name" | "email" | "role" | "deactivatedAt">>,
): Promise<MemberRow | undefined> {
  const [row] = await tx
    .update(members)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)))
    .returning();
  return row;
}

export async function countMembers(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(members).where(eq(members.tenantId, tenantId));
  return row?.n ?? 0;
}

export async function revokeTokensOfMember(
  tx: Tx,
  tenantId: string,
  memberId: string,
  at: Date,
): Promise<void> {
  await tx
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(
      and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.memberId, memberId), isNull(apiTokens.revokedAt)),
    );
}
