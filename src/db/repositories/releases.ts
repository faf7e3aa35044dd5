import { and, asc, desc, eq, gt, lt, type SQL } from "drizzle-orm";
import {
  checklistItems,
  deploymentLogEntries,
  projects,
  releaseEvents,
  releases,
  testResults,
} from "../schema";
import type { Tx } from "../scope";

export interface ReleaseFilter {
  projectId?: string | undefined;
  clientId?: string | undefined;
  stage?: string | undefined;
  status?: string | undefined;
}

/** Newest first: keyset on the UUIDv7 primary key, descending. */
export async function listReleaseRows(
  tx: Tx,
  tenantId: string,
  filter: ReleaseFilter,
  before: string | undefined,
  limit: number,
) {
  const conditions: (SQL | undefined)[] = [
    eq(releases.tenantId, tenantId),
    filter.projectId ? eq(releases.projectId, filter.projectId) : undefined,
    filter.stage ? eq(releases.stage, filter.stage) : undefined,
    filter.status ? eq(releases.status, filter.status) : undefined,
    filter.clientId ? eq(projects.clientId, filter.clientId) : undefined,
    before ? lt(releases.id, before) : undefined,
  ];
  const rows = await tx
    .select({ release: releases })
    .from(releases)
    .innerJoin(projects, and(eq(projects.tenantId, releases.tenantId), eq(projects.id, releases.projectId)))
    .where(and(...conditions))
    .orderBy(desc(releases.id))
    .limit(limit + 1);
  return rows.map((row) => row.release);
}

export async function releaseExists(tx: Tx, tenantId: string, releaseId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: releases.id })
    .from(releases)
    .where(and(eq(releases.tenantId, tenantId), eq(releases.id, releaseId)));
  return rows.length > 0;
}

export async function insertRelease(tx: Tx, values: typeof releases.$inferInsert) {
  const [row] = await tx.insert(releases).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function insertChecklistItems(tx: Tx, rows: (typeof checklistItems.$inferInsert)[]) {
  if (rows.length > 0) await tx.insert(checklistItems).values(rows);
}

export async function listTestResultRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(testResults)
    .where(
      and(
        eq(testResults.tenantId, tenantId),
        eq(testResults.releaseId, releaseId),
        after ? gt(testResults.id, after) : undefined,
      ),
    )
    .orderBy(asc(testResults.id))
    .limit(limit + 1);
}

export async function listDeploymentLogRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(deploymentLogEntries)
    .where(
      and(
        eq(deploymentLogEntries.tenantId, tenantId),
        eq(deploymentLogEntries.releaseId, releaseId),
        after ? gt(deploymentLogEntries.id, after) : undefined,
      ),
    )
    .orderBy(asc(deploymentLogEntries.id))
    .limit(limit + 1);
}

export async function listEventRows(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  afterSeq: number | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(releaseEvents)
    .where(
      and(
        eq(releaseEvents.tenantId, tenantId),
        eq(releaseEvents.releaseId, releaseId),
        afterSeq !== undefined ? gt(releaseEvents.seq, afterSeq) : undefined,
      ),
    )
    .orderBy(asc(releaseEvents.seq))
    .limit(limit + 1);
}
