import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonContent } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";

export const WebhookReceiptSchema = z
  .object({
    delivery_id: z
      .string()
      .openapi({ ...(OPENAPI_DOCS && { description: "The provider's delivery id we deduplicate on." }) }),
    outcome: z.enum(["received", "ignored", "duplicate"]).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "received: accepted, applied to the release right after this answer (see GET /v1/integrations/{id}/deliveries); ignored: an event or name we do not use; duplicate: already received, no effect.",
      }),
    }),
    reason: z.string().nullable(),
  })
  .openapi("WebhookReceipt");

export const receiveWebhook = createRoute({
  operationId: "receiveCiWebhook",
  security: [],
  method: "post",
  path: "/hooks/{integration_id}",
  tags: ["CI integrations"],
  ...(OPENAPI_DOCS && {
    summary: "The public, signature-checked receiver for CI webhooks",
    description: [
      "Point the CI system's webhook here with the integration's secret. No bearer token: the signature is the credential, checked over the raw bytes with the secret of the integration in the URL (never one named in the payload).",
      "",
      "- GitHub: `X-Hub-Signature-256: sha256=<hex>`, `X-GitHub-Event`, `X-GitHub-Delivery`.",
      "- GitLab: a signing token (Standard Webhooks `webhook-id`/`webhook-timestamp`/`webhook-signature`), or the legacy `X-Gitlab-Token`; `X-Gitlab-Event`, `Idempotency-Key`.",
      "- Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, `X-Event-Key`, `X-Request-UUID`.",
      "- CircleCI: `circleci-signature: v1=<hex>`; the payload `id` is the delivery id.",
      "- standard: Standard Webhooks headers and our generic body (see the README).",
      "",
      "Timestamps outside ±5 minutes are refused as replays. The answer comes before the release is changed: 202 `received`, then the delivery's outcome appears in GET /v1/integrations/{id}/deliveries.",
    ].join("\n"),
  }),
  request: {
    params: z.object({
      integration_id: z.string().openapi({
        param: { name: "integration_id", in: "path" },
        ...(OPENAPI_DOCS && { description: "Integration id." }),
      }),
    }),
  },
  responses: {
    200: jsonContent(WebhookReceiptSchema, "A redelivery of a delivery already received: no effect."),
    202: jsonContent(WebhookReceiptSchema, "Accepted (or acknowledged and ignored)."),
    ...errorResponses(400, 401, 404, 413),
  },
});
