import { eq } from "drizzle-orm";
import { tenants } from "../db/schema";
import type { Tx } from "../db/scope";
import type { LifecyclePolicy } from "../domain/lifecycle";

/** The agency's settings that the lifecycle rules depend on. */
export async function lifecyclePolicyOf(tx: Tx, tenantId: string): Promise<LifecyclePolicy> {
  const [row] = await tx
    .select({
      secondApprover: tenants.secondApproverForHighRisk,
      autoRollback: tenants.autoRollbackOnFailure,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return {
    second_approver_for_high_risk: row?.secondApprover ?? false,
    auto_rollback_on_failure: row?.autoRollback ?? false,
  };
}
