import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import {
  checklistItems,
  checklistTemplates,
  correctiveActions,
  investigations,
  issueReports,
  releases,
  signOffs,
} from "../schema";
import type { Tx } from "../scope";

// Reads of a release's facts for the routes. Writes go through the release's
// Durable Object (src/releases/operations); the checklist template is the
// agency's, not a release's, so it is written here.

/** The release row's own facts, or undefined when the release is not the tenant's. */
export async function findReleaseFacts(tx: Tx, tenantId: string, releaseId: string) {
  const [row] = await tx
    .select({
      id: releases.id,
      attempt: releases.attempt,
      status: releases.status,
      monitoringDashboards: releases.monitoringDashboards,
      monitoringConfirmedBy: releases.monitoringConfirmedBy,
      monitoringConfirmedAt: releases.monitoringConfirmedAt,
      notesMarkdown: releases.notesMarkdown,
      notesPublishedAt: releases.notesPublishedAt,
    })
    .from(releases)
    .where(and(eq(releases.tenantId, tenantId), eq(releases.id, releaseId)));
  return row;
}

export async function listChecklistRows(tx: Tx, tenantId: string, releaseId: string, attempt: number) {
  return tx
    .select()
    .from(checklistItems)
    .where(
      and(
        eq(checklistItems.tenantId, tenantId),
        eq(checklistItems.releaseId, releaseId),
        eq(checklistItems.attempt, attempt),
      ),
    )
    .orderBy(asc(checklistItems.position), asc(checklistItems.id));
}

export async function listIssueRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  attempt: number,
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(issueReports)
    .where(
      and(
        eq(issueReports.tenantId, tenantId),
        eq(issueReports.releaseId, releaseId),
        eq(issueReports.attempt, attempt),
        after ? gt(issueReports.id, after) : undefined,
      ),
    )
    .orderBy(asc(issueReports.id))
    .limit(limit + 1);
}

export async function listSignOffRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  attempt: number,
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(signOffs)
    .where(
      and(
        eq(signOffs.tenantId, tenantId),
        eq(signOffs.releaseId, releaseId),
        eq(signOffs.attempt, attempt),
        after ? gt(signOffs.id, after) : undefined,
      ),
    )
    .orderBy(asc(signOffs.id))
    .limit(limit + 1);
}

/** The investigation of the latest failed attempt (while rolled back, the current one) with its actions. */
export async function findLatestInvestigation(tx: Tx, tenantId: string, releaseId: string) {
  const [investigation] = await tx
    .select()
    .from(investigations)
    .where(and(eq(investigations.tenantId, tenantId), eq(investigations.releaseId, releaseId)))
    .orderBy(desc(investigations.attempt))
    .limit(1);
  if (!investigation) return undefined;
  const actions = await tx
    .select()
    .from(correctiveActions)
    .where(
      and(
        eq(correctiveActions.tenantId, tenantId),
        eq(correctiveActions.releaseId, releaseId),
        eq(correctiveActions.attempt, investigation.attempt),
      ),
    )
    .orderBy(asc(correctiveActions.createdAt), asc(correctiveActions.id));
  return { investigation, actions };
}

export async function findChecklistTemplate(tx: Tx, tenantId: string) {
  const [row] = await tx.select().from(checklistTemplates).where(eq(checklistTemplates.tenantId, tenantId));
  return row;
}

export async function upsertChecklistTemplate(tx: Tx, tenantId: string, items: unknown[]) {
  const [row] = await tx
    .insert(checklistTemplates)
    .values({ tenantId, items })
    .onConflictDoUpdate({ target: checklistTemplates.tenantId, set: { items, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  return row;
}

export async function deleteChecklistTemplate(tx: Tx, tenantId: string) {
  await tx.delete(checklistTemplates).where(eq(checklistTemplates.tenantId, tenantId));
}
