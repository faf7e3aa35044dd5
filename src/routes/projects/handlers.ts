import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import {
  deleteProject as deleteProjectRow,
  findClient,
  findProject,
  insertProject,
  listProjects as listProjectRows,
  projectSlugsStartingWith,
  updateProject,
} from "../../db/repositories/clients";
import type { Tx } from "../../db/scope";
import { uuidv7 } from "../../lib/ids";
import { definedOnly } from "../../lib/objects";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { slugify, trimTrailing } from "../../lib/strings";
import {
  type createProject,
  type deleteProject,
  type getProject,
  type listProjects,
  PROJECT_DELETE_ROLES,
  PROJECT_WRITE_ROLES,
  type patchProject,
} from "./routes";
import { presentProject } from "./schemas";

export const listProjectsHandler: AppRouteHandler<typeof listProjects> = async (c) => {
  const { limit, cursor, client_id } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) =>
    listProjectRows(tx, actor.tenantId, { clientId: client_id }, after, limit),
  );
  return c.json(toPage(rows, limit, presentProject), 200);
};

/** A slug derived from the name that no project of the agency has yet. */
async function freeSlugFor(tx: Tx, tenantId: string, name: string): Promise<string> {
  const base = slugify(name) || "project";
  const taken = new Set(await projectSlugsStartingWith(tx, tenantId, base));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${trimTrailing(base.slice(0, 63 - suffix.length), "-")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export const createProjectHandler: AppRouteHandler<typeof createProject> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, PROJECT_WRITE_ROLES, "Adding projects");
    return idempotent(c, tx, actor.tenantId, async () => {
      if (!(await findClient(tx, actor.tenantId, body.client_id))) {
        throw new ApiError(
          "unprocessable",
          "client_id names no client in your agency; create the client first.",
          {
            errors: [{ path: "body.client_id", message: "no such client" }],
          },
        );
      }
      const row = await insertProject(tx, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        clientId: body.client_id,
        name: body.name,
        slug: body.slug ?? (await freeSlugFor(tx, actor.tenantId, body.name)),
        kind: body.kind,
        repository: body.repository ?? null,
        productionUrl: body.production_url ?? null,
      });
      return { status: 201 as const, body: presentProject(row) };
    });
  });
  return respondCreated(c, `/v1/projects/${result.body.id}`, result.body);
};

export const getProjectHandler: AppRouteHandler<typeof getProject> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findProject(tx, actor.tenantId, id));
  if (!row) throw notFound("The project");
  return c.json(presentProject(row), 200);
};

export const patchProjectHandler: AppRouteHandler<typeof patchProject> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const row = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, PROJECT_WRITE_ROLES, "Changing projects");
    return updateProject(
      tx,
      actor.tenantId,
      id,
      definedOnly({
        name: body.name,
        slug: body.slug,
        kind: body.kind,
        repository: body.repository,
        productionUrl: body.production_url,
      }),
    );
  });
  if (!row) throw notFound("The project");
  return c.json(presentProject(row), 200);
};

export const deleteProjectHandler: AppRouteHandler<typeof deleteProject> = async (c) => {
  const { id } = c.req.valid("param");
  const deleted = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, PROJECT_DELETE_ROLES, "Deleting projects");
    return deleteProjectRow(tx, actor.tenantId, id);
  });
  if (!deleted) throw notFound("The project");
  return c.body(null, 204);
};
