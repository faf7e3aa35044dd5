// The events the API sends to webhook endpoints, as the OpenAPI document's top-level `webhooks`:
// one entry per event type with its payload's schema. Build-time only (the Worker never generates
// the document); test/webhooks checks every payload a receiver gets against these schemas.
import { z } from "@hono/zod-openapi";
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from "../../src/domain/webhooks";

const Id = z.uuid();

export const ReleaseSummarySchema = z
  .object({
    id: Id,
    version: z.string().openapi({ example: "2.4.0" }),
    title: z.string().openapi({ example: "Summer sale landing pages" }),
    stage: z.string().openapi({ example: "deployment_execution" }),
    status: z.string().openapi({ example: "active" }),
    attempt: z.int(),
    risk: z.enum(["low", "high"]),
    project: z.object({ id: Id, name: z.string().openapi({ example: "harbourbikes.com.au" }) }),
    client: z.object({ id: Id, name: z.string().openapi({ example: "Harbour Bikes" }) }),
    url: z
      .string()
      .openapi({ description: "The release in the API (GET /v1/releases/{id}), on PUBLIC_BASE_URL." }),
  })
  .openapi("WebhookRelease", {
    description: "The release an event is about, as it is after the event. Names things, never people.",
  });

const Actor = {
  decided_by_kind: z.enum(["member", "contact", "system"]).nullable(),
  decided_by: z
    .string()
    .nullable()
    .openapi({ description: "A member id, a contact id, or the system's name (scheduler, ci, policy)." }),
};

/** What each event adds to `data` beside `release`. */
const DETAILS: Record<OutboundEventType, z.ZodRawShape> = {
  "release.created": {},
  "release.stage_changed": { from_stage: z.string().nullable(), to_stage: z.string().nullable() },
  "release.decision_recorded": {
    decision: z.enum(["go_no_go", "halt", "resume", "stability", "rollback"]),
    outcome: z
      .string()
      .nullable()
      .openapi({ description: "go, no_go, stable, unstable, rollback; null for halt and resume." }),
    capacity: z.string().nullable(),
    ...Actor,
  },
  "release.scheduled": { window_starts_at: z.string().nullable(), window_ends_at: z.string().nullable() },
  "release.deployment_failed": {},
  "release.rolled_back": { steps: z.int().nullable() },
  "release.rollback_failed": { failed_step: z.int().nullable() },
  "release.closed": {},
  "window.opened": {},
  "approval.recorded": {
    approval_request_id: Id,
    contact_id: Id,
    kind: z.enum(["sign_off", "uat"]),
    decision: z.enum(["approved", "changes_requested", "passed", "failed"]),
  },
  "webhook.test": { endpoint_id: Id },
};

const SUMMARIES: Record<OutboundEventType, string> = {
  "release.created": "A release was created (in planning).",
  "release.stage_changed": "A release moved from one stage to another.",
  "release.decision_recorded": "The release manager (or an owner, or the agency's policy) took a decision.",
  "release.scheduled": "A go was given outside the window: the release waits for it.",
  "release.deployment_failed": "The deployment failed; a rollback decision is waiting.",
  "release.rolled_back": "The rollback completed; the previous version is live again.",
  "release.rollback_failed": "A rollback step failed: production may be partly restored.",
  "release.closed": "A release was closed.",
  "window.opened": "The window of a scheduled release opened and its deployment started.",
  "approval.recorded": "A client contact answered an approval link (sign-off or UAT).",
  "webhook.test": "Sent by POST /v1/webhook-endpoints/{id}/test.",
};

const pascal = (type: string) =>
  type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");

/** The payload schema of each event type (a Standard Webhooks envelope: type, timestamp, data). */
export const EVENT_PAYLOAD_SCHEMAS = Object.fromEntries(
  OUTBOUND_EVENT_TYPES.map((type) => [
    type,
    z
      .object({
        type: z.literal(type),
        timestamp: z.string().openapi({ description: "When the event happened (RFC 3339, UTC)." }),
        data: z.object(
          type === "webhook.test" ? DETAILS[type] : { release: ReleaseSummarySchema, ...DETAILS[type] },
        ),
      })
      .openapi(`${pascal(type)}Event`, { description: SUMMARIES[type] }),
  ]),
) as unknown as Record<OutboundEventType, z.ZodType>;

interface WebhookRegistry {
  registerWebhook(webhook: unknown): void;
}

/** Adds every event to the document's `webhooks`, with the headers each delivery carries. */
export function registerEventWebhooks(registry: WebhookRegistry): void {
  for (const type of OUTBOUND_EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `on${pascal(type)}`,
      tags: ["Webhook endpoints"],
      // Nothing for the receiver to present: it verifies our webhook-signature instead.
      security: [],
      summary: SUMMARIES[type],
      description: `${SUMMARIES[type]} Sent to endpoints subscribed to \`${type}\`${type === "webhook.test" ? " (every endpoint, on request)" : ""}. For \`standard\` endpoints the body is this payload; \`slack\` and \`teams\` endpoints get a message made from it. Every delivery carries \`webhook-id\` (the same on every retry), \`webhook-timestamp\` and \`webhook-signature\` (\`v1,<base64 HMAC-SHA256 of "id.timestamp.body">\`, two during a secret rotation); verify with any Standard Webhooks library. At least once, in no guaranteed order: drop duplicates by \`webhook-id\`, order by \`timestamp\`.`,
      request: { body: { content: { "application/json": { schema: EVENT_PAYLOAD_SCHEMAS[type] } } } },
      responses: {
        200: {
          description:
            "Any 2xx acknowledges the delivery; anything else (or no answer in 10 seconds) is retried.",
        },
      },
    });
  }
}
