import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { EndpointDeliveryRow, WebhookEndpointRow } from "../../db/schema";
import { SUBSCRIBABLE_EVENT_TYPES } from "../../domain/webhooks";

const EventsSchema = z
  .array(
    z.enum(SUBSCRIBABLE_EVENT_TYPES, {
      message: `each event is one of ${SUBSCRIBABLE_EVENT_TYPES.join(", ")}`,
    }),
  )
  .min(1, "subscribe to at least one event")
  .max(SUBSCRIBABLE_EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, "each event is named once")
  .openapi({
    ...(OPENAPI_DOCS && {
      description:
        "The events sent to this endpoint. Their payloads are in this document's `webhooks`. `webhook.test` is sent by POST …/test whatever this says.",
    }),
  });

const UrlSchema = z
  .url({ message: "url must be an absolute URL" })
  .max(2000, "url is at most 2,000 characters")
  .openapi({
    ...(OPENAPI_DOCS && {
      description:
        "Where events are POSTed: https only (http on a loopback address only where WEBHOOKS_ALLOW_LOOPBACK is set, for development). For `slack` and `teams`, the channel's incoming-webhook URL.",
    }),
    example: "https://hooks.slack.com/services/T000/B000/XXXX",
  });

const FormatSchema = z.enum(["standard", "slack", "teams"]).openapi({
  ...(OPENAPI_DOCS && {
    description:
      "standard: the event as a Standard Webhooks JSON payload, signed. slack: a Block Kit message for an incoming webhook. teams: an Adaptive Card for a Teams incoming webhook. Every format carries the Standard Webhooks headers.",
  }),
});

const DescriptionSchema = z
  .string()
  .trim()
  .max(500, "description is at most 500 characters")
  .optional()
  .openapi({
    ...(OPENAPI_DOCS && { description: "What the endpoint is for, for the agency's own records." }),
    example: "#releases in Slack",
  });

export const EndpointCreateSchema = z
  .strictObject({
    url: UrlSchema,
    events: EventsSchema,
    description: DescriptionSchema,
    format: FormatSchema.default("standard").openapi({
      ...(OPENAPI_DOCS && { description: "Default when omitted: standard." }),
    }),
  })
  .openapi("WebhookEndpointCreate");

export const EndpointPatchSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    events: EventsSchema.optional(),
    description: DescriptionSchema,
    enabled: z
      .boolean()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "false stops deliveries (queued ones wait); true re-enables an endpoint the API disabled after three days of failures.",
        }),
      }),
  })
  .openapi("WebhookEndpointPatch");

export const EndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "Where events go. Shown whole only when the endpoint is created; afterwards as its origin and first path segment (a Slack or Teams webhook URL is a credential).",
      }),
    }),
    description: z.string().nullable(),
    format: z.enum(["standard", "slack", "teams"]),
    events: z.array(z.string()),
    enabled: z.boolean(),
    failing_since: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && { description: "Since when every attempt has failed; null while it delivers." }),
    }),
    disabled_at: Timestamp.nullable(),
    disabled_reason: z.string().nullable(),
    previous_secret_expires_at: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && {
        description: "After a rotation, until when deliveries are also signed with the previous secret.",
      }),
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

const Secret = z.string().openapi({
  ...(OPENAPI_DOCS && {
    description:
      "The signing secret (`whsec_…`, Standard Webhooks). Shown only in this response: store it with the receiver now.",
  }),
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const IssuedEndpointSchema = EndpointSchema.extend({ secret: Secret }).openapi(
  "IssuedWebhookEndpoint",
);

export const RotatedSecretSchema = z
  .object({ id: z.uuid(), secret: Secret, previous_secret_expires_at: Timestamp })
  .openapi("WebhookEndpointSecret");

export const EndpointPageSchema = pageOf(EndpointSchema, "WebhookEndpointPage");

export const DeliverySchema = z
  .object({
    id: z.uuid().openapi({
      ...(OPENAPI_DOCS && {
        description: "The `webhook-id` header: the same on every attempt, for receivers to drop duplicates.",
      }),
    }),
    endpoint_id: z.uuid(),
    event_type: z.string(),
    status: z.enum(["pending", "retrying", "sending", "delivered", "failed"]).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "sending: an attempt is under way (its answer settles it as delivered, retrying or failed).",
      }),
    }),
    attempts: z.int(),
    last_response_code: z.int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && { description: "When the next attempt is due; null once delivered or failed." }),
    }),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("WebhookEndpointDelivery");

export const DeliveryPageSchema = pageOf(DeliverySchema, "WebhookEndpointDeliveryPage");

/**
 * A Slack or Teams incoming-webhook URL is itself a credential (anyone holding it can post to the
 * channel): after the create response an endpoint's URL is shown as its origin and first path
 * segment only, enough to recognise it.
 */
export function maskedUrl(url: string): string {
  const parsed = new URL(url);
  const first = parsed.pathname.split("/").filter(Boolean)[0];
  const rest = parsed.pathname.length > (first ? first.length + 1 : 1) || parsed.search !== "";
  return `${parsed.origin}/${first ?? ""}${rest ? "/…" : ""}`;
}

export function presentEndpoint(row: WebhookEndpointRow, options: { fullUrl?: boolean } = {}) {
  return {
    id: row.id,
    url: options.fullUrl ? row.url : maskedUrl(row.url),
    description: row.description,
    format: row.format as "standard" | "slack" | "teams",
    events: row.events,
    enabled: row.enabled,
    failing_since: row.failingSince?.toISOString() ?? null,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    disabled_reason: row.disabledReason,
    previous_secret_expires_at: row.previousSecretExpiresAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentDelivery(row: EndpointDeliveryRow) {
  const settled = row.status === "delivered" || row.status === "failed";
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event_type: row.eventType,
    status: row.status as "pending" | "retrying" | "sending" | "delivered" | "failed",
    attempts: row.attempts,
    last_response_code: row.lastResponseCode,
    last_error: row.lastError,
    next_attempt_at: settled ? null : row.nextAttemptAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
