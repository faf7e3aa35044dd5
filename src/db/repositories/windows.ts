import { and, asc, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import {
  calendarFeedTokens,
  clients,
  type DeploymentWindowRow,
  deploymentWindows,
  projects,
  tenants,
} from "../schema";
import type { Tx } from "../scope";

/** A stored window with the zone it is expanded in: its own, else its client's, else the agency's. */
export interface WindowRecord extends DeploymentWindowRow {
  effectiveTimezone: string;
}

export type WindowInsert = typeof deploymentWindows.$inferInsert;
export type WindowChanges = Partial<
  Pick<
    DeploymentWindowRow,
    | "kind"
    | "name"
    | "timezone"
    | "startLocal"
    | "durationMinutes"
    | "recurrence"
    | "clientId"
    | "projectId"
    | "nextStartsAt"
    | "nextEndsAt"
  >
>;

const effectiveTimezone = sql<string>`coalesce(${deploymentWindows.timezone}, ${clients.timezone}, ${tenants.timezone})`;

function selectWindows(tx: Tx, where: SQL | undefined) {
  return tx
    .select({ window: deploymentWindows, effectiveTimezone })
    .from(deploymentWindows)
    .innerJoin(tenants, eq(tenants.id, deploymentWindows.tenantId))
    .leftJoin(
      clients,
      and(eq(clients.tenantId, deploymentWindows.tenantId), eq(clients.id, deploymentWindows.clientId)),
    )
    .where(where);
}

const toRecord = (row: { window: DeploymentWindowRow; effectiveTimezone: string }): WindowRecord => ({
  ...row.window,
  effectiveTimezone: row.effectiveTimezone,
});

export interface WindowFilter {
  clientId?: string | undefined;
  projectId?: string | undefined;
  kind?: string | undefined;
}

export async function listWindows(
  tx: Tx,
  tenantId: string,
  filter: WindowFilter,
  after: string | undefined,
  limit: number,
): Promise<WindowRecord[]> {
  const rows = await selectWindows(
    tx,
    and(
      eq(deploymentWindows.tenantId, tenantId),
      filter.clientId ? eq(deploymentWindows.clientId, filter.clientId) : undefined,
      filter.projectId ? eq(deploymentWindows.projectId, filter.projectId) : undefined,
      filter.kind ? eq(deploymentWindows.kind, filter.kind) : undefined,
      after ? gt(deploymentWindows.id, after) : undefined,
    ),
  )
    .orderBy(asc(deploymentWindows.id))
    .limit(limit + 1);
  return rows.map(toRecord);
}

export async function findWindow(
  tx: Tx,
  tenantId: string,
  windowId: string,
): Promise<WindowRecord | undefined> {
  const [row] = await selectWindows(
    tx,
    and(eq(deploymentWindows.tenantId, tenantId), eq(deploymentWindows.id, windowId)),
  );
  return row ? toRecord(row) : undefined;
}

/**
 * Every window that can apply to a client's or a project's releases (agency-wide, the client's, the
 * project's), or all of the agency's windows when neither is given. Which of them win is decided by the
 * domain's selectWindowsForRelease.
 */
export async function windowsInScope(
  tx: Tx,
  tenantId: string,
  scope: { clientId?: string | null; projectId?: string | null },
): Promise<WindowRecord[]> {
  const narrowed =
    scope.clientId || scope.projectId
      ? or(
          and(isNull(deploymentWindows.clientId), isNull(deploymentWindows.projectId)),
          scope.clientId
            ? and(eq(deploymentWindows.clientId, scope.clientId), isNull(deploymentWindows.projectId))
            : undefined,
          scope.projectId ? eq(deploymentWindows.projectId, scope.projectId) : undefined,
        )
      : undefined;
  const rows = await selectWindows(tx, and(eq(deploymentWindows.tenantId, tenantId), narrowed)).orderBy(
    asc(deploymentWindows.id),
  );
  return rows.map(toRecord);
}

export async function insertWindow(tx: Tx, values: WindowInsert): Promise<DeploymentWindowRow> {
  const [row] = await tx.insert(deploymentWindows).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateWindow(
  tx: Tx,
  tenantId: string,
  windowId: string,
  changes: WindowChanges,
): Promise<DeploymentWindowRow | undefined> {
  const [row] = await tx
    .update(deploymentWindows)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(deploymentWindows.tenantId, tenantId), eq(deploymentWindows.id, windowId)))
    .returning();
  return row;
}

export async function deleteWindow(tx: Tx, tenantId: string, windowId: string): Promise<boolean> {
  const rows = await tx
    .delete(deploymentWindows)
    .where(and(eq(deploymentWindows.tenantId, tenantId), eq(deploymentWindows.id, windowId)))
    .returning({ id: deploymentWindows.id });
  return rows.length > 0;
}

/** Sets next_starts_at/next_ends_at of many windows in one statement. */
export async function setNextOccurrences(
  tx: Tx,
  tenantId: string,
  updates: { id: string; nextStartsAt: Date | null; nextEndsAt: Date | null }[],
): Promise<void> {
  if (updates.length === 0) return;
  const payload = JSON.stringify(
    updates.map((u) => ({
      id: u.id,
      next_starts_at: u.nextStartsAt?.toISOString() ?? null,
      next_ends_at: u.nextEndsAt?.toISOString() ?? null,
    })),
  );
  await tx.execute(sql`
    update deployment_windows w
    set next_starts_at = v.next_starts_at, next_ends_at = v.next_ends_at
    from jsonb_to_recordset(${payload}::jsonb) as v(id uuid, next_starts_at timestamptz, next_ends_at timestamptz)
    where w.tenant_id = ${tenantId} and w.id = v.id`);
}

export async function findProjectClient(
  tx: Tx,
  tenantId: string,
  projectId: string,
): Promise<{ projectId: string; clientId: string } | undefined> {
  const [row] = await tx
    .select({ projectId: projects.id, clientId: projects.clientId })
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)));
  return row;
}

// Calendar feed tokens: only the SHA-256 of the token is stored.

export type FeedTokenRow = typeof calendarFeedTokens.$inferSelect;

export async function insertFeedToken(
  tx: Tx,
  values: typeof calendarFeedTokens.$inferInsert,
): Promise<FeedTokenRow> {
  const [row] = await tx.insert(calendarFeedTokens).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listFeedTokens(tx: Tx, tenantId: string, after: string | undefined, limit: number) {
  return tx
    .select()
    .from(calendarFeedTokens)
    .where(
      and(eq(calendarFeedTokens.tenantId, tenantId), after ? gt(calendarFeedTokens.id, after) : undefined),
    )
    .orderBy(asc(calendarFeedTokens.id))
    .limit(limit + 1);
}

export async function findFeedToken(tx: Tx, tenantId: string, id: string): Promise<FeedTokenRow | undefined> {
  const [row] = await tx
    .select()
    .from(calendarFeedTokens)
    .where(and(eq(calendarFeedTokens.tenantId, tenantId), eq(calendarFeedTokens.id, id)));
  return row;
}

export async function revokeFeedToken(
  tx: Tx,
  tenantId: string,
  id: string,
): Promise<FeedTokenRow | undefined> {
  const [existing] = await tx
    .select()
    .from(calendarFeedTokens)
    .where(and(eq(calendarFeedTokens.tenantId, tenantId), eq(calendarFeedTokens.id, id)));
  if (!existing) return undefined;
  if (existing.revokedAt) return existing;
  const [row] = await tx
    .update(calendarFeedTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(calendarFeedTokens.tenantId, tenantId), eq(calendarFeedTokens.id, id)))
    .returning();
  return row;
}

/** Cross-tenant lookup for the public feed URL; run in the system scope. */
export async function findLiveFeedTokenByHash(tx: Tx, tokenHash: string) {
  const [row] = await tx
    .select({ id: calendarFeedTokens.id, tenantId: calendarFeedTokens.tenantId })
    .from(calendarFeedTokens)
    .where(and(eq(calendarFeedTokens.tokenHash, tokenHash), isNull(calendarFeedTokens.revokedAt)));
  return row;
}
