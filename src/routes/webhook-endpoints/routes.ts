import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createdContent,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { Role } from "../../lib/auth/tokens";
import {
  DeliveryPageSchema,
  DeliverySchema,
  EndpointCreateSchema,
  EndpointPageSchema,
  EndpointPatchSchema,
  EndpointSchema,
  IssuedEndpointSchema,
  RotatedSecretSchema,
} from "./schemas";

const tags = ["Webhook endpoints"];

/** Endpoints receive every release of the agency: only owners manage them. */
export const WEBHOOK_ENDPOINT_ROLES = ["owner"] as const satisfies readonly Role[];

const EndpointParams = z.object({ id: UuidParam("id", "Webhook endpoint id.") });
const DeliveryParams = z.object({
  id: UuidParam("id", "Webhook endpoint id."),
  delivery_id: UuidParam("delivery_id", "Delivery id (the `webhook-id` header)."),
});

const common = { security: bearerSecurity, "x-roles": WEBHOOK_ENDPOINT_ROLES, tags };

export const createEndpoint = createRoute({
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/v1/webhook-endpoints",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Send release events to Slack, Teams or the agency's own tools (owner)",
    description:
      "Every event the endpoint subscribes to is queued in the transaction that records it and POSTed right after the response (and by the cron), with Standard Webhooks headers (`webhook-id` stable across retries, `webhook-timestamp`, `webhook-signature: v1,…`), retried with backoff for about a day. Payloads carry ids, release, project and client names, stages, statuses and decisions: never an email address or a person's name. An endpoint failing for three days is disabled and the owners are emailed.",
  }),
  request: { headers: IdempotencyKeyHeader, body: jsonBody(EndpointCreateSchema) },
  responses: {
    201: createdContent(
      IssuedEndpointSchema,
      "The endpoint, with its signing secret shown once.",
      "/v1/webhook-endpoints/{id}",
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listEndpoints = createRoute({
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/v1/webhook-endpoints",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "The agency's webhook endpoints",
    description: "Oldest first, disabled ones included (with why); never their secrets.",
  }),
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(EndpointPageSchema, "A page of endpoints."),
    ...errorResponses(400, 401, 403),
  },
});

export const getEndpoint = createRoute({
  operationId: "getWebhookEndpoint",
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "One webhook endpoint",
    description: "Its events, state and failing streak; never its secret.",
  }),
  request: { params: EndpointParams },
  responses: { 200: jsonContent(EndpointSchema, "The endpoint."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchEndpoint = createRoute({
  operationId: "updateWebhookEndpoint",
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Change an endpoint's URL, events or description, or disable and re-enable it",
    description:
      "Re-enabling clears the failing streak; deliveries that failed meanwhile can be retried one by one.",
  }),
  request: { params: EndpointParams, body: jsonBody(EndpointPatchSchema) },
  responses: {
    200: jsonContent(EndpointSchema, "The endpoint as it now is."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteEndpoint = createRoute({
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Delete a webhook endpoint and its delivery history",
    description: "Nothing more is sent to it, queued deliveries included.",
  }),
  request: { params: EndpointParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(...TENANT_READ_ERRORS) },
});

export const rotateEndpointSecret = createRoute({
  operationId: "rotateWebhookEndpointSecret",
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Issue a new signing secret; the old one still signs for 24 hours",
    description:
      "For 24 hours every delivery carries two signatures (`v1,<new> v1,<old>`), so the receiver can switch to the new secret without refusing a delivery.",
  }),
  request: { params: EndpointParams },
  responses: {
    200: jsonContent(RotatedSecretSchema, "The new secret, shown once."),
    // No body is read; one sent anyway is refused like on any other POST (415, 413).
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const testEndpoint = createRoute({
  operationId: "testWebhookEndpoint",
  method: "post",
  path: "/v1/webhook-endpoints/{id}/test",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Send a `webhook.test` event now and say how the endpoint answered",
    description:
      "Sent at once, signed like every delivery, also to a disabled endpoint (to check a fix before re-enabling it). The answer is the delivery: `delivered`, or `retrying` with the response code or error.",
  }),
  request: { params: EndpointParams },
  responses: {
    200: jsonContent(DeliverySchema, "The test delivery after its first attempt."),
    // No body is read; one sent anyway is refused like on any other POST (415, 413).
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listDeliveries = createRoute({
  operationId: "listWebhookEndpointDeliveries",
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "What was sent to an endpoint and how it answered",
    description:
      "Newest first: status, attempts, the last response code or error, and when the next attempt is due.",
  }),
  request: { params: EndpointParams, query: PaginationQuery },
  responses: {
    200: jsonContent(DeliveryPageSchema, "A page of deliveries."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const retryDelivery = createRoute({
  operationId: "retryWebhookEndpointDelivery",
  method: "post",
  path: "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/retry",
  ...common,
  ...(OPENAPI_DOCS && {
    summary: "Send a delivery again now",
    description:
      "The same `webhook-id` and payload, attempted at once and then on the usual schedule if it fails; for a failed delivery or one the receiver missed. A delivery of a disabled endpoint waits until it is re-enabled.",
  }),
  request: { params: DeliveryParams },
  responses: {
    200: jsonContent(DeliverySchema, "The delivery after this attempt."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});
