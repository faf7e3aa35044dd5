import { eq } from "drizzle-orm";
import { checklistTemplates } from "../db/schema";
import type { Tx } from "../db/scope";
import type { ChecklistTemplateItem } from "../domain/lifecycle/default-checklist";

/** The agency's own checklist template, or null when it uses the built-in default. */
export async function loadChecklistTemplate(
  tx: Tx,
  tenantId: string,
): Promise<ChecklistTemplateItem[] | null> {
  const [row] = await tx.select().from(checklistTemplates).where(eq(checklistTemplates.tenantId, tenantId));
  return row ? (row.items as ChecklistTemplateItem[]) : null;
}
