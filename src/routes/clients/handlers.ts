import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import {
  deleteClient as deleteClientRow,
  findClient,
  insertClient,
  listClients as listClientRows,
  listProjects,
  updateClient,
} from "../../db/repositories/clients";
import { uuidv7 } from "../../lib/ids";
import { definedOnly } from "../../lib/objects";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { refreshFollowingSchedules } from "../../windows/stored-windows";
import {
  CLIENT_DELETE_ROLES,
  CLIENT_WRITE_ROLES,
  type createClient,
  type deleteClient,
  type getClient,
  type listClients,
  type patchClient,
} from "./routes";
import { presentClient } from "./schemas";

export const listClientsHandler: AppRouteHandler<typeof listClients> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) => listClientRows(tx, actor.tenantId, after, limit));
  return c.json(toPage(rows, limit, presentClient), 200);
};

export const createClientHandler: AppRouteHandler<typeof createClient> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, CLIENT_WRITE_ROLES, "Adding clients");
    return idempotent(c, tx, actor.tenantId, async () => {
      const { holidays_enabled: holidaysEnabled, ...rest } = body;
      const row = await insertClient(tx, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        ...rest,
        holidaysEnabled: holidaysEnabled ?? null,
      });
      return { status: 201 as const, body: presentClient(row) };
    });
  });
  return respondCreated(c, `/v1/clients/${result.body.id}`, result.body);
};

export const getClientHandler: AppRouteHandler<typeof getClient> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findClient(tx, actor.tenantId, id));
  if (!row) throw notFound("The client");
  return c.json(presentClient(row), 200);
};

export const patchClientHandler: AppRouteHandler<typeof patchClient> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const row = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CLIENT_WRITE_ROLES, "Changing clients");
    const { holidays_enabled: holidaysEnabled, ...rest } = body;
    const row = await updateClient(tx, actor.tenantId, id, definedOnly({ ...rest, holidaysEnabled }));
    // Windows of this client without their own zone follow the client's: move their next occurrence.
    if (row && body.timezone !== undefined)
      await refreshFollowingSchedules(tx, actor.tenantId, { clientId: id });
    return row;
  });
  if (!row) throw notFound("The client");
  return c.json(presentClient(row), 200);
};

export const deleteClientHandler: AppRouteHandler<typeof deleteClient> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CLIENT_DELETE_ROLES, "Deleting clients");
    if (!(await findClient(tx, actor.tenantId, id))) throw notFound("The client");
    const projects = await listProjects(tx, actor.tenantId, { clientId: id }, undefined, 1);
    if (projects.length > 0) {
      throw new ApiError("conflict", "The client still has projects; delete or move them first.");
    }
    await deleteClientRow(tx, actor.tenantId, id);
  });
  return c.body(null, 204);
};
