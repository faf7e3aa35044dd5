import { eq } from "drizzle-orm";
import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { findClient } from "../../db/repositories/clients";
import {
  deleteWindow as deleteWindowRow,
  findProjectClient,
  findWindow,
  insertWindow,
  listWindows as listWindowRows,
  updateWindow,
  type WindowRecord,
} from "../../db/repositories/windows";
import { type DeploymentWindowRow, tenants } from "../../db/schema";
import type { Tx } from "../../db/scope";
import { validateWindow, type WindowDefinition, type WindowProblem } from "../../domain/windows";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { scheduleFrom, toRecurrenceJson } from "../../windows/stored-windows";
import {
  type createWindow,
  type deleteWindow,
  type getWindow,
  type listWindows,
  type patchWindow,
  WINDOW_WRITE_ROLES,
} from "./routes";
import { presentWindow } from "./schemas";

interface Placement {
  clientId: string | null;
  projectId: string | null;
  /** The zone a window without its own follows: the client's, else the agency's. */
  defaultTimezone: string;
}

/** Where a window sits (agency, client or project) and which zone it follows; unknown ids are 422. */
async function resolvePlacement(
  tx: Tx,
  tenantId: string,
  clientId: string | null,
  projectId: string | null,
): Promise<Placement> {
  const unknown = (field: string, what: string) =>
    new ApiError("unprocessable", `${field} names no ${what} in your agency.`, {
      errors: [{ path: `body.${field}`, message: `no such ${what}` }],
    });
  let client = clientId;
  if (projectId) {
    const project = await findProjectClient(tx, tenantId, projectId);
    if (!project) throw unknown("project_id", "project");
    if (client && client !== project.clientId) {
      throw new ApiError(
        "unprocessable",
        "project_id belongs to another client than client_id; send one of them.",
        {
          errors: [{ path: "body.client_id", message: "does not own project_id" }],
        },
      );
    }
    client = project.clientId;
  }
  const [agency] = await tx
    .select({ timezone: tenants.timezone })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  let clientZone: string | null = null;
  if (client) {
    const row = await findClient(tx, tenantId, client);
    if (!row) throw unknown("client_id", "client");
    clientZone = row.timezone;
  }
  return { clientId: client, projectId, defaultTimezone: clientZone ?? agency?.timezone ?? "UTC" };
}

/** Semantic checks by the domain; problems become 400 `errors[]` with body paths. */
function validated(definition: WindowDefinition, placement: Placement) {
  const validation = validateWindow(definition, { defaultTimeZone: placement.defaultTimezone });
  if (!validation.ok || !validation.timezone) {
    const errors = validation.errors.map((p: WindowProblem) => ({
      path: ["body", ...p.path].join("."),
      code: p.code,
      message: p.message,
    }));
    const first = errors[0];
    throw new ApiError(
      "validation_failed",
      first
        ? `${first.path}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
        : "The window did not validate.",
      { errors },
    );
  }
  return { timezone: validation.timezone, warnings: validation.warnings };
}

function rowValues(
  definition: WindowDefinition,
  placement: Placement,
  id: string,
  timezone: string,
  now: Date,
) {
  return {
    kind: definition.kind,
    name: definition.name,
    timezone: definition.timezone ?? null,
    startLocal: definition.start,
    durationMinutes: definition.duration_minutes,
    recurrence: toRecurrenceJson(definition.recurrence),
    clientId: placement.clientId,
    projectId: placement.projectId,
    ...scheduleFrom({ ...definition, id, timezone }, now),
  };
}

const record = (row: DeploymentWindowRow, effectiveTimezone: string): WindowRecord => ({
  ...row,
  effectiveTimezone,
});

export const listWindowsHandler: AppRouteHandler<typeof listWindows> = async (c) => {
  const { limit, cursor, client_id, project_id, kind } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) =>
    listWindowRows(tx, actor.tenantId, { clientId: client_id, projectId: project_id, kind }, after, limit),
  );
  return c.json(
    toPage(rows, limit, (r) => presentWindow(r)),
    200,
  );
};

export const createWindowHandler: AppRouteHandler<typeof createWindow> = async (c) => {
  const body = c.req.valid("json");
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, WINDOW_WRITE_ROLES, "Managing deployment windows");
    return idempotent(c, tx, actor.tenantId, async () => {
      const placement = await resolvePlacement(
        tx,
        actor.tenantId,
        body.client_id ?? null,
        body.project_id ?? null,
      );
      const definition: WindowDefinition = {
        kind: body.kind,
        name: body.name,
        timezone: body.timezone ?? null,
        start: body.start,
        duration_minutes: body.duration_minutes,
        recurrence: body.recurrence ?? null,
      };
      const { timezone, warnings } = validated(definition, placement);
      const id = uuidv7();
      const row = await insertWindow(tx, {
        id,
        tenantId: actor.tenantId,
        createdBy: actor.memberId,
        ...rowValues(definition, placement, id, timezone, new Date()),
      });
      return { status: 201 as const, body: presentWindow(record(row, timezone), warnings) };
    });
  });
  return respondCreated(c, `/v1/windows/${result.body.id}`, result.body);
};

export const getWindowHandler: AppRouteHandler<typeof getWindow> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findWindow(tx, actor.tenantId, id));
  if (!row) throw notFound("The window");
  return c.json(presentWindow(row), 200);
};

export const patchWindowHandler: AppRouteHandler<typeof patchWindow> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const result = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WINDOW_WRITE_ROLES, "Managing deployment windows");
    const existing = await findWindow(tx, actor.tenantId, id);
    if (!existing) throw notFound("The window");
    const movesScope = body.client_id !== undefined || body.project_id !== undefined;
    const placement = await resolvePlacement(
      tx,
      actor.tenantId,
      movesScope ? (body.client_id ?? null) : existing.clientId,
      movesScope ? (body.project_id ?? null) : existing.projectId,
    );
    const definition: WindowDefinition = {
      kind: body.kind ?? (existing.kind as WindowDefinition["kind"]),
      name: body.name ?? existing.name,
      timezone: body.timezone !== undefined ? body.timezone : existing.timezone,
      start: body.start ?? existing.startLocal,
      duration_minutes: body.duration_minutes ?? existing.durationMinutes,
      recurrence: body.recurrence !== undefined ? body.recurrence : (existing.recurrence ?? null),
    };
    const { timezone, warnings } = validated(definition, placement);
    const row = await updateWindow(
      tx,
      actor.tenantId,
      id,
      rowValues(definition, placement, id, timezone, new Date()),
    );
    if (!row) throw notFound("The window");
    return presentWindow(record(row, timezone), warnings);
  });
  return c.json(result, 200);
};

export const deleteWindowHandler: AppRouteHandler<typeof deleteWindow> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WINDOW_WRITE_ROLES, "Managing deployment windows");
    if (!(await deleteWindowRow(tx, actor.tenantId, id))) throw notFound("The window");
  });
  return c.body(null, 204);
};
