import { and, asc, eq, gt } from "drizzle-orm";
import { type ClientReportLinkRow, clientReportLinks } from "../schema";
import type { Tx } from "../scope";

export async function insertReportLink(
  tx: Tx,
  values: typeof clientReportLinks.$inferInsert,
): Promise<ClientReportLinkRow> {
  const [row] = await tx.insert(clientReportLinks).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listReportLinks(
  tx: Tx,
  tenantId: string,
  clientId: string,
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(clientReportLinks)
    .where(
      and(
        eq(clientReportLinks.tenantId, tenantId),
        eq(clientReportLinks.clientId, clientId),
        after ? gt(clientReportLinks.id, after) : undefined,
      ),
    )
    .orderBy(asc(clientReportLinks.id))
    .limit(limit + 1);
}

export async function findReportLink(
  tx: Tx,
  tenantId: string,
  linkId: string,
): Promise<ClientReportLinkRow | undefined> {
  const [row] = await tx
    .select()
    .from(clientReportLinks)
    .where(and(eq(clientReportLinks.tenantId, tenantId), eq(clientReportLinks.id, linkId)));
  return row;
}

export async function deleteReportLink(
  tx: Tx,
  tenantId: string,
  clientId: string,
  linkId: string,
): Promise<boolean> {
  const deleted = await tx
    .delete(clientReportLinks)
    .where(
      and(
        eq(clientReportLinks.tenantId, tenantId),
        eq(clientReportLinks.clientId, clientId),
        eq(clientReportLinks.id, linkId),
      ),
    )
    .returning({ id: clientReportLinks.id });
  return deleted.length > 0;
}
