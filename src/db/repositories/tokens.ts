import { and, asc, eq, gt } from "drizzle-orm";
import { type ApiTokenRow, apiTokens } from "../schema";
import type { Tx } from "../scope";

export async function insertToken(tx: Tx, values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [row] = await tx.insert(apiTokens).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listTokens(
  tx: Tx,
  tenantId: string,
  filter: { memberId?: string | undefined },
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tenantId, tenantId),
        filter.memberId ? eq(apiTokens.memberId, filter.memberId) : undefined,
        after ? gt(apiTokens.id, after) : undefined,
      ),
    )
    .orderBy(asc(apiTokens.id))
    .limit(limit + 1);
}

export async function findToken(tx: Tx, tenantId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
  const [row] = await tx
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId)));
  return row;
}

export async function revokeToken(
  tx: Tx,
  tenantId: string,
  tokenId: string,
  at: Date,
): Promise<ApiTokenRow | undefined> {
  const [row] = await tx
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId)))
    .returning();
  return row;
}
