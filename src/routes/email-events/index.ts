import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { createRouter } from "../../app/create-app";
import { errorResponses, jsonContent } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { withSystem } from "../../app/request-scope";
import { ApiError } from "../../lib/problem";
import { verifyStandardWebhooksSignature } from "../../lib/webhook-signatures/standard-webhooks";

// Resend delivery events, signed by Svix (Standard Webhooks with `svix-` headers). A bounce
// or a complaint suppresses the contact the message went to. The message is found by the
// provider id we stored when sending — never by anything else in the payload — and the
// suppression is idempotent, so a redelivery changes nothing.

const ReceiptSchema = z
  .object({
    outcome: z.enum(["suppressed", "ignored"]),
    reason: z.string().nullable(),
  })
  .openapi("EmailEventReceipt");

const route = createRoute({
  operationId: "receiveEmailEvent",
  security: [],
  method: "post",
  path: "/hooks/resend",
  tags: ["Notifications"],
  ...(OPENAPI_DOCS && {
    summary: "Resend webhook: bounces and complaints suppress the address (Svix-signed)",
    description:
      "Verified over the raw bytes with RESEND_WEBHOOK_SECRET: `svix-id`, `svix-timestamp` (±5 minutes) and `svix-signature` (`v1,<base64 HMAC-SHA256>` over `id.timestamp.body`). `email.bounced` (except transient bounces) and `email.complained` suppress the contact; other events are acknowledged and ignored.",
  }),
  responses: {
    200: jsonContent(ReceiptSchema, "Processed."),
    ...errorResponses(400, 401, 404, 413),
  },
});

interface ResendEvent {
  type?: unknown;
  data?: { email_id?: unknown; bounce?: { type?: unknown } };
}

export const emailEventsRouter = createRouter().openapi(route, async (c) => {
  const secret = c.get("config").RESEND_WEBHOOK_SECRET;
  if (!secret) throw new ApiError("not_found", "Resend webhooks are not configured (RESEND_WEBHOOK_SECRET).");
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  const verified = await verifyStandardWebhooksSignature(
    { headers: c.req.raw.headers, rawBody, secrets: [secret], nowSeconds: Math.floor(Date.now() / 1000) },
    "svix-",
  );
  if (!verified.ok)
    throw new ApiError("unauthorized", `The webhook signature was refused: ${verified.reason}.`);
  let event: ResendEvent;
  try {
    event = JSON.parse(new TextDecoder().decode(rawBody)) as ResendEvent;
  } catch {
    throw new ApiError("bad_request", "The body is not JSON.");
  }
  const type = typeof event.type === "string" ? event.type : "";
  const emailId = typeof event.data?.email_id === "string" ? event.data.email_id : null;
  const transient = event.data?.bounce?.type === "Transient";
  const reason = type === "email.bounced" ? "bounce" : type === "email.complained" ? "complaint" : null;
  if (!reason || transient || !emailId) {
    return c.json(
      {
        outcome: "ignored" as const,
        reason: reason ? "transient bounce or no email id" : `event ${type} is not used`,
      },
      200,
    );
  }
  const now = new Date();
  const suppressed = await withSystem(c, async (tx) => {
    const result = await tx.execute(sql`
      with message as (
        select tenant_id, contact_id from outbox_messages
        where provider_message_id = ${emailId} and contact_id is not null
        limit 1),
      suppressed as (
        update contacts c set suppressed_at = coalesce(c.suppressed_at, ${now}),
          suppression_reason = coalesce(c.suppression_reason, ${reason}), updated_at = ${now}
        from message m where c.tenant_id = m.tenant_id and c.id = m.contact_id
        returning c.tenant_id, c.id)
      update outbox_messages o set status = 'skipped', skip_reason = 'suppressed', updated_at = ${now}
      from suppressed s
      where o.tenant_id = s.tenant_id and o.contact_id = s.id and o.status in ('queued', 'failed')
      returning o.id`);
    const check = await tx.execute(
      sql`select 1 from outbox_messages where provider_message_id = ${emailId} and contact_id is not null limit 1`,
    );
    return check.rows.length > 0 || result.rows.length > 0;
  });
  return c.json(
    suppressed
      ? { outcome: "suppressed" as const, reason }
      : { outcome: "ignored" as const, reason: "no message of ours has that id" },
    200,
  );
});
