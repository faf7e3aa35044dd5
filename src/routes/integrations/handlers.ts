import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import {
  countDeliveries,
  deleteIntegration as deleteIntegrationRow,
  findIntegration,
  insertIntegration,
  listDeliveries as listDeliveryRows,
  listIntegrations as listIntegrationRows,
  projectsForLinking,
  setIntegrationProjects,
  updateIntegration,
} from "../../db/repositories/integrations";
import type { Tx } from "../../db/scope";
import { forgetReceiver } from "../../integrations/receiver-cache";
import { sealIntegrationSecret, secretContext } from "../../integrations/secrets";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { publicBaseUrl } from "../../lib/public-base-url";
import { openSecret } from "../../lib/secret-box";
import { generateWebhookSecret, type WebhookProvider } from "../../lib/webhook-signatures";
import type * as routes from "./routes";
import { INTEGRATION_WRITE_ROLES } from "./routes";
import { presentDelivery, presentIntegration } from "./schemas";

const DEFAULT_OVERLAP_HOURS = 24;
const WEEK_MS = 7 * 24 * 3_600_000;

function publicBase(c: AppContext): string {
  return publicBaseUrl(c.get("config"));
}

/**
 * Every linked project must be the agency's and name its repository: CI events are matched by
 * repository, so a project without one could never receive anything.
 */
async function checkProjects(tx: Tx, tenantId: string, projectIds: string[]): Promise<string[]> {
  const unique = [...new Set(projectIds)];
  const found = await projectsForLinking(tx, tenantId, unique);
  const byId = new Map(found.map((p) => [p.id, p]));
  const errors: { path: string; message: string }[] = [];
  projectIds.forEach((id, index) => {
    const project = byId.get(id);
    if (!project)
      errors.push({ path: `body.project_ids.${index}`, message: "no such project in your agency" });
    else if (!project.repository)
      errors.push({
        path: `body.project_ids.${index}`,
        message: "the project has no repository; set it (owner/name) with PATCH /v1/projects/{id} first",
      });
  });
  if (errors.length > 0) {
    throw new ApiError(
      "unprocessable",
      `project_ids: ${errors[0]?.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}.`,
      { errors },
    );
  }
  return unique;
}

/** The webhook secret is shown once: a replayed request cannot show it again. */
const SECRET_SHOWN_ONCE = {
  fields: ["secret"],
  instead:
    "rotate it with POST /v1/integrations/{id}/rotate-secret (the old one keeps working during the overlap)",
};

export const listIntegrationsHandler: AppRouteHandler<typeof routes.listIntegrations> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) => listIntegrationRows(tx, actor.tenantId, after, limit));
  const base = publicBase(c);
  return c.json(
    toPage(rows, limit, (row) => presentIntegration(row, base)),
    200,
  );
};

export const createIntegrationHandler: AppRouteHandler<typeof routes.createIntegration> = async (c) => {
  const body = c.req.valid("json");
  const config = c.get("config");
  const base = publicBase(c);
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, INTEGRATION_WRITE_ROLES, "Adding CI integrations");
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        const projectIds = await checkProjects(tx, actor.tenantId, body.project_ids);
        const id = uuidv7();
        const provider = body.provider as WebhookProvider;
        const secret = generateWebhookSecret(provider);
        const row = await insertIntegration(
          tx,
          {
            id,
            tenantId: actor.tenantId,
            provider,
            name: body.name,
            stageMap: body.stage_map ?? {},
            secretCiphertext: await sealIntegrationSecret(config.DATA_ENCRYPTION_KEY, id, "current", secret),
            createdBy: actor.memberId,
          },
          projectIds,
        );
        return { status: 201 as const, body: { ...presentIntegration(row, base), secret } };
      },
      SECRET_SHOWN_ONCE,
    );
  });
  return respondCreated(c, `/v1/integrations/${result.body.id}`, result.body);
};

export const getIntegrationHandler: AppRouteHandler<typeof routes.getIntegration> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findIntegration(tx, actor.tenantId, id));
  if (!row) throw notFound("The integration");
  return c.json(presentIntegration(row, publicBase(c)), 200);
};

export const patchIntegrationHandler: AppRouteHandler<typeof routes.patchIntegration> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const row = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, INTEGRATION_WRITE_ROLES, "Changing CI integrations");
    const existing = await findIntegration(tx, actor.tenantId, id, true);
    if (!existing) return undefined;
    const projectIds = body.project_ids
      ? await checkProjects(tx, actor.tenantId, body.project_ids)
      : undefined;
    const changes: Parameters<typeof updateIntegration>[3] = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.stage_map !== undefined) changes.stageMap = body.stage_map;
    if (body.enabled !== undefined)
      changes.disabledAt = body.enabled ? null : (existing.disabledAt ?? new Date());
    const updated = await updateIntegration(tx, actor.tenantId, id, changes);
    if (!updated) return undefined;
    if (projectIds) await setIntegrationProjects(tx, actor.tenantId, id, projectIds);
    return { ...updated, projectIds: projectIds ? [...projectIds].sort() : existing.projectIds };
  });
  if (!row) throw notFound("The integration");
  // Other isolates' copies are refused by the claim itself (claimDeliveryIfCurrent).
  forgetReceiver(id);
  return c.json(presentIntegration(row, publicBase(c)), 200);
};

export const deleteIntegrationHandler: AppRouteHandler<typeof routes.deleteIntegration> = async (c) => {
  const { id } = c.req.valid("param");
  const deleted = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, INTEGRATION_WRITE_ROLES, "Deleting CI integrations");
    return deleteIntegrationRow(tx, actor.tenantId, id);
  });
  if (!deleted) throw notFound("The integration");
  forgetReceiver(id);
  return c.body(null, 204);
};

export const rotateIntegrationSecretHandler: AppRouteHandler<typeof routes.rotateIntegrationSecret> = async (
  c,
) => {
  const { id } = c.req.valid("param");
  const body = (c.req.valid("json") as { overlap_hours?: number } | undefined) ?? {};
  const overlapHours = body.overlap_hours ?? DEFAULT_OVERLAP_HOURS;
  const config = c.get("config");
  const base = publicBase(c);
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, INTEGRATION_WRITE_ROLES, "Rotating CI integration secrets");
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        const existing = await findIntegration(tx, actor.tenantId, id, true);
        if (!existing) throw notFound("The integration");
        const key = config.DATA_ENCRYPTION_KEY;
        const now = Date.now();
        const secret = generateWebhookSecret(existing.provider as WebhookProvider);
        // The current secret moves to the "previous" slot (re-sealed under that slot's context)
        // and is accepted until the overlap ends; a rotation during an overlap retires the older one.
        const current = await openSecret(key, existing.secretCiphertext, secretContext(id, "current")).catch(
          () => null,
        );
        const keepPrevious = overlapHours > 0 && current !== null;
        const updated = await updateIntegration(tx, actor.tenantId, id, {
          secretCiphertext: await sealIntegrationSecret(key, id, "current", secret),
          previousSecretCiphertext: keepPrevious
            ? await sealIntegrationSecret(key, id, "previous", current)
            : null,
          previousSecretExpiresAt: keepPrevious ? new Date(now + overlapHours * 3_600_000) : null,
        });
        if (!updated) throw notFound("The integration");
        return {
          status: 200 as const,
          body: { ...presentIntegration({ ...updated, projectIds: existing.projectIds }, base), secret },
        };
      },
      SECRET_SHOWN_ONCE,
    );
  });
  forgetReceiver(id);
  return c.json(result.body, 200);
};

export const listDeliveriesHandler: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, outcome } = c.req.valid("query");
  const before = decodeCursor(cursor);
  const page = await withTenant(c, async ({ tx, actor }) => {
    const integration = await findIntegration(tx, actor.tenantId, id);
    if (!integration) return undefined;
    const rows = await listDeliveryRows(tx, actor.tenantId, id, { outcome, before }, limit);
    const counts = await countDeliveries(tx, actor.tenantId, id, new Date(Date.now() - WEEK_MS));
    return { rows, counts };
  });
  if (!page) throw notFound("The integration");
  return c.json({ ...toPage(page.rows, limit, presentDelivery), counts_last_7_days: page.counts }, 200);
};
