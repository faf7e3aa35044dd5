import { eq } from "drizzle-orm";
import { type TenantRow, tenants } from "../schema";
import type { Tx } from "../scope";

export type TenantChanges = Partial<
  Pick<
    TenantRow,
    | "name"
    | "timezone"
    | "state"
    | "holidaysEnabled"
    | "secondApproverForHighRisk"
    | "clientSignOffForHighRisk"
    | "retentionDays"
    | "autoRollbackOnFailure"
    | "senderName"
    | "senderEmail"
    | "senderEmailConfirmedAt"
    | "senderPostalAddress"
    | "senderPhone"
  >
>;

export async function insertTenant(tx: Tx, values: typeof tenants.$inferInsert): Promise<TenantRow> {
  const [row] = await tx.insert(tenants).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function findTenant(tx: Tx, tenantId: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

export async function updateTenant(
  tx: Tx,
  tenantId: string,
  changes: TenantChanges,
): Promise<TenantRow | undefined> {
  const [row] = await tx
    .update(tenants)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId))
    .returning();
  return row;
}
