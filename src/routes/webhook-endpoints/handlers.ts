import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { endpointDeliveries, webhookEndpoints } from "../../db/schema";
import type { Tx } from "../../db/scope";
import { eventPayload } from "../../domain/webhooks";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { openSecret } from "../../lib/secret-box";
import { generateWebhookSecret } from "../../lib/webhook-signatures/generate-secret";
import { deliverDue } from "../../webhooks/deliver";
import { deliverySettings } from "../../webhooks/kick";
import { queueEvents } from "../../webhooks/outbox";
import { endpointSecretContext, sealEndpointSecret } from "../../webhooks/secrets";
import { refusedEndpointUrl } from "../../webhooks/url-policy";
import type * as routes from "./routes";
import { WEBHOOK_ENDPOINT_ROLES } from "./routes";
import { presentDelivery, presentEndpoint } from "./schemas";

/** After a rotation the previous secret signs too for this long. */
const PREVIOUS_SECRET_OVERLAP_MS = 86_400_000;

const SECRET_SHOWN_ONCE = {
  fields: ["secret"],
  instead: "issue a new secret with POST /v1/webhook-endpoints/{id}/rotate-secret",
};

function checkUrl(c: AppContext, url: string): void {
  const problem = refusedEndpointUrl(url, c.get("config").WEBHOOKS_ALLOW_LOOPBACK === "true");
  if (problem) {
    throw new ApiError("unprocessable", `The endpoint cannot be saved: url ${problem}.`, {
      errors: [{ path: "body.url", message: problem }],
    });
  }
}

async function endpointOf(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  if (!row) throw notFound("The webhook endpoint");
  return row;
}

export const createEndpointHandler: AppRouteHandler<typeof routes.createEndpoint> = async (c) => {
  const body = c.req.valid("json");
  checkUrl(c, body.url);
  const key = c.get("config").DATA_ENCRYPTION_KEY;
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Managing webhook endpoints");
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        const id = uuidv7();
        const secret = generateWebhookSecret("standard");
        const [row] = await tx
          .insert(webhookEndpoints)
          .values({
            id,
            tenantId: actor.tenantId,
            url: body.url,
            description: body.description ?? null,
            format: body.format,
            events: body.events,
            secretCiphertext: await sealEndpointSecret(key, id, "current", secret),
            createdBy: actor.memberId,
          })
          .returning();
        if (!row) throw new Error("insert returned no row");
        return { status: 201 as const, body: { ...presentEndpoint(row, { fullUrl: true }), secret } };
      },
      SECRET_SHOWN_ONCE,
    );
  });
  return respondCreated(c, `/v1/webhook-endpoints/${result.body.id}`, result.body);
};

export const listEndpointsHandler: AppRouteHandler<typeof routes.listEndpoints> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Reading webhook endpoints");
    return tx
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.tenantId, actor.tenantId),
          after ? gt(webhookEndpoints.id, after) : undefined,
        ),
      )
      .orderBy(asc(webhookEndpoints.id))
      .limit(limit + 1);
  });
  return c.json(toPage(rows, limit, presentEndpoint), 200);
};

export const getEndpointHandler: AppRouteHandler<typeof routes.getEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Reading webhook endpoints");
    return endpointOf(tx, actor.tenantId, id);
  });
  return c.json(presentEndpoint(row), 200);
};

export const patchEndpointHandler: AppRouteHandler<typeof routes.patchEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  if (body.url !== undefined) checkUrl(c, body.url);
  const now = new Date();
  const row = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Managing webhook endpoints");
    const current = await endpointOf(tx, actor.tenantId, id);
    const reenabled = body.enabled === true && !current.enabled;
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(reenabled
          ? { failingSince: null, lastFailureAt: null, disabledAt: null, disabledReason: null }
          : {}),
        updatedAt: now,
      })
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
      .returning();
    if (!updated) throw notFound("The webhook endpoint");
    return updated;
  });
  return c.json(presentEndpoint(row), 200);
};

export const deleteEndpointHandler: AppRouteHandler<typeof routes.deleteEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  const deleted = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Managing webhook endpoints");
    return tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
      .returning({ id: webhookEndpoints.id });
  });
  if (deleted.length === 0) throw notFound("The webhook endpoint");
  return c.body(null, 204);
};

export const rotateEndpointSecretHandler: AppRouteHandler<typeof routes.rotateEndpointSecret> = async (c) => {
  const { id } = c.req.valid("param");
  const key = c.get("config").DATA_ENCRYPTION_KEY;
  const now = new Date();
  const result = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Managing webhook endpoints");
    const current = await endpointOf(tx, actor.tenantId, id);
    const secret = generateWebhookSecret("standard");
    // The outgoing secret moves to the previous slot (re-sealed under that slot's context).
    const outgoing = await openSecret(key, current.secretCiphertext, endpointSecretContext(id, "current"));
    const expiresAt = new Date(now.getTime() + PREVIOUS_SECRET_OVERLAP_MS);
    await tx
      .update(webhookEndpoints)
      .set({
        secretCiphertext: await sealEndpointSecret(key, id, "current", secret),
        previousSecretCiphertext: await sealEndpointSecret(key, id, "previous", outgoing),
        previousSecretExpiresAt: expiresAt,
        updatedAt: now,
      })
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)));
    return { id, secret, previous_secret_expires_at: expiresAt.toISOString() };
  });
  return c.json(result, 200);
};

/** Sends deliveries of this agency now (a test, a retry), on the request's own connection. */
async function sendNow(c: AppContext, tenantId: string, deliveryIds: string[]) {
  await deliverDue(c.get("database"), deliverySettings(c.get("config")), {
    now: new Date(),
    tenantId,
    deliveryIds,
  });
}

export const testEndpointHandler: AppRouteHandler<typeof routes.testEndpoint> = async (c) => {
  const { id } = c.req.valid("param");
  const now = new Date();
  const { tenantId, queued } = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Testing webhook endpoints");
    await endpointOf(tx, actor.tenantId, id);
    const test = eventPayload("webhook.test", now, null, { endpoint_id: id });
    const [deliveryId] = await queueEvents(tx, actor.tenantId, [test], now, id);
    return { tenantId: actor.tenantId, queued: deliveryId };
  });
  if (!queued) throw new Error("the test delivery was not queued");
  await sendNow(c, tenantId, [queued]);
  const row = await withTenant(c, ({ tx }) => deliveryOf(tx, tenantId, id, queued));
  return c.json(presentDelivery(row), 200);
};

async function deliveryOf(tx: Tx, tenantId: string, endpointId: string, deliveryId: string) {
  const [row] = await tx
    .select()
    .from(endpointDeliveries)
    .where(
      and(
        eq(endpointDeliveries.tenantId, tenantId),
        eq(endpointDeliveries.endpointId, endpointId),
        eq(endpointDeliveries.id, deliveryId),
      ),
    );
  if (!row) throw notFound("The delivery");
  return row;
}

export const listDeliveriesHandler: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const before = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Reading webhook deliveries");
    await endpointOf(tx, actor.tenantId, id);
    return tx
      .select()
      .from(endpointDeliveries)
      .where(
        and(
          eq(endpointDeliveries.tenantId, actor.tenantId),
          eq(endpointDeliveries.endpointId, id),
          before ? lt(endpointDeliveries.id, before) : undefined,
        ),
      )
      .orderBy(desc(endpointDeliveries.id))
      .limit(limit + 1);
  });
  return c.json(toPage(rows, limit, presentDelivery), 200);
};

export const retryDeliveryHandler: AppRouteHandler<typeof routes.retryDelivery> = async (c) => {
  const { id, delivery_id: deliveryId } = c.req.valid("param");
  const now = new Date();
  const tenantId = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, WEBHOOK_ENDPOINT_ROLES, "Retrying webhook deliveries");
    const endpoint = await endpointOf(tx, actor.tenantId, id);
    if (!endpoint.enabled) {
      throw new ApiError(
        "conflict",
        'The endpoint is disabled, so nothing is sent to it; re-enable it first (PATCH {"enabled": true}).',
      );
    }
    const delivery = await deliveryOf(tx, actor.tenantId, id, deliveryId);
    if (delivery.status === "pending" || delivery.status === "sending") {
      throw new ApiError("conflict", "The delivery is being sent already; GET it again to see how it went.");
    }
    // A fresh schedule: attempted at once, then the usual backoff if it fails again.
    await tx
      .update(endpointDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now })
      .where(and(eq(endpointDeliveries.tenantId, actor.tenantId), eq(endpointDeliveries.id, deliveryId)));
    return actor.tenantId;
  });
  await sendNow(c, tenantId, [deliveryId]);
  const row = await withTenant(c, ({ tx }) => deliveryOf(tx, tenantId, id, deliveryId));
  return c.json(presentDelivery(row), 200);
};
