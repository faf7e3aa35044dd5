import { and, asc, eq, gt, like } from "drizzle-orm";
import { type ClientRow, clients, type ProjectRow, projects } from "../schema";
import type { Tx } from "../scope";

export async function insertClient(tx: Tx, values: typeof clients.$inferInsert): Promise<ClientRow> {
  const [row] = await tx.insert(clients).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listClients(tx: Tx, tenantId: string, after: string | undefined, limit: number) {
  return tx
    .select()
    .from(clients)
    .where(and(eq(clients.tenantId, tenantId), after ? gt(clients.id, after) : undefined))
    .orderBy(asc(clients.id))
    .limit(limit + 1);
}

export async function findClient(tx: Tx, tenantId: string, clientId: string): Promise<ClientRow | undefined> {
  const [row] = await tx
    .select()
    .from(clients)
    .where(and(eq(clients.tenantId, tenantId), eq(clients.id, clientId)));
  return row;
}

export async function updateClient(
  tx: Tx,
  tenantId: string,
  clientId: string,
  changes: Partial<Pick<ClientRow, "name" | "timezone" | "state" | "holidaysEnabled">>,
): Promise<ClientRow | undefined> {
  const [row] = await tx
    .update(clients)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(clients.tenantId, tenantId), eq(clients.id, clientId)))
    .returning();
  return row;
}

export async function deleteClient(tx: Tx, tenantId: string, clientId: string): Promise<boolean> {
  const rows = await tx
    .delete(clients)
    .where(and(eq(clients.tenantId, tenantId), eq(clients.id, clientId)))
    .returning({ id: clients.id });
  return rows.length > 0;
}

export async function insertProject(tx: Tx, values: typeof projects.$inferInsert): Promise<ProjectRow> {
  const [row] = await tx.insert(projects).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listProjects(
  tx: Tx,
  tenantId: string,
  filter: { clientId?: string | undefined },
  after: string | undefined,
  limit: number,
) {
  return tx
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.tenantId, tenantId),
        filter.clientId ? eq(projects.clientId, filter.clientId) : undefined,
        after ? gt(projects.id, after) : undefined,
      ),
    )
    .orderBy(asc(projects.id))
    .limit(limit + 1);
}

/** The agency's project slugs that begin with `prefix` (to derive a free one). */
export async function projectSlugsStartingWith(tx: Tx, tenantId: string, prefix: string): Promise<string[]> {
  const rows = await tx
    .select({ slug: projects.slug })
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), like(projects.slug, `${prefix.slice(0, 50)}%`)));
  return rows.map((row) => row.slug);
}

export async function findProject(
  tx: Tx,
  tenantId: string,
  projectId: string,
): Promise<ProjectRow | undefined> {
  const [row] = await tx
    .select()
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)));
  return row;
}

export async function updateProject(
  tx: Tx,
  tenantId: string,
  projectId: string,
  changes: Partial<Pick<ProjectRow, "name" | "slug" | "kind" | "repository" | "productionUrl">>,
): Promise<ProjectRow | undefined> {
  const [row] = await tx
    .update(projects)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)))
    .returning();
  return row;
}

export async function deleteProject(tx: Tx, tenantId: string, projectId: string): Promise<boolean> {
  const rows = await tx
    .delete(projects)
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)))
    .returning({ id: projects.id });
  return rows.length > 0;
}
