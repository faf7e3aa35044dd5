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
import { ROLES, type Role } from "../../lib/auth/tokens";
import {
  DELIVERY_OUTCOMES,
  DeliveryPageSchema,
  IntegrationCreateSchema,
  IntegrationPageSchema,
  IntegrationPatchSchema,
  IntegrationSchema,
  IntegrationWithSecretSchema,
  RotateSecretSchema,
} from "./schemas";

const IntegrationParams = z.object({ id: UuidParam("id", "Integration id.") });
const TAGS = ["CI integrations"];

/** Who may register, change, rotate and delete CI integrations (`x-roles` and the handlers' role check). */
export const INTEGRATION_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

export const listIntegrations = createRoute({
  operationId: "listIntegrations",
  ...(OPENAPI_DOCS && {
    description:
      "The agency's CI integrations with provider, linked projects, stage map, receiver URL and state. Secrets are shown only when created or rotated.",
    summary: "List CI integrations (secrets are never shown again)",
  }),
  method: "get",
  path: "/v1/integrations",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(IntegrationPageSchema, "A page of integrations."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createIntegration = createRoute({
  operationId: "createIntegration",
  ...(OPENAPI_DOCS && {
    description:
      "Registers GitHub, GitLab, Bitbucket, CircleCI or any Standard Webhooks sender for some projects. The answer carries the receiver URL and the signing secret, once; set both in the provider's webhook settings.",
    summary:
      "Register a CI webhook source (owner, release manager); returns its receiver URL and secret once",
  }),
  method: "post",
  path: "/v1/integrations",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": INTEGRATION_WRITE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(IntegrationCreateSchema) },
  responses: {
    201: createdContent(
      IntegrationWithSecretSchema,
      "The integration, with its secret (shown only now).",
      "/v1/integrations/{id}",
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getIntegration = createRoute({
  operationId: "getIntegration",
  ...(OPENAPI_DOCS && {
    description: "One integration with its receiver URL, linked projects, stage map and state.",
    summary: "One CI integration",
  }),
  method: "get",
  path: "/v1/integrations/{id}",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: IntegrationParams },
  responses: {
    200: jsonContent(IntegrationSchema, "The integration."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const patchIntegration = createRoute({
  operationId: "patchIntegration",
  ...(OPENAPI_DOCS && {
    description:
      "Renames, relinks projects, changes the stage map, or disables and enables the integration. A disabled integration answers deliveries with 404.",
    summary: "Rename, relink projects, change the stage map, or disable/enable (owner, release manager)",
  }),
  method: "patch",
  path: "/v1/integrations/{id}",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": INTEGRATION_WRITE_ROLES,
  request: { params: IntegrationParams, body: jsonBody(IntegrationPatchSchema) },
  responses: {
    200: jsonContent(IntegrationSchema, "The updated integration."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteIntegration = createRoute({
  operationId: "deleteIntegration",
  method: "delete",
  path: "/v1/integrations/{id}",
  tags: TAGS,
  ...(OPENAPI_DOCS && {
    summary: "Delete an integration and its delivery history (owner, release manager)",
    description: "To stop deliveries but keep the history, PATCH `{enabled: false}` instead.",
  }),
  security: bearerSecurity,
  "x-roles": INTEGRATION_WRITE_ROLES,
  request: { params: IntegrationParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(...TENANT_READ_ERRORS) },
});

export const rotateIntegrationSecret = createRoute({
  operationId: "rotateIntegrationSecret",
  ...(OPENAPI_DOCS && {
    description:
      "Issues a new signing secret, shown once. The old secret stays accepted for overlap_hours so deliveries in flight still verify.",
    summary: "Issue a new secret; the old one stays accepted for overlap_hours (owner, release manager)",
  }),
  method: "post",
  path: "/v1/integrations/{id}/rotate-secret",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": INTEGRATION_WRITE_ROLES,
  request: {
    params: IntegrationParams,
    headers: IdempotencyKeyHeader,
    body: { ...jsonBody(RotateSecretSchema), required: false },
  },
  responses: {
    200: jsonContent(IntegrationWithSecretSchema, "The integration with its new secret (shown only now)."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listDeliveries = createRoute({
  operationId: "listIntegrationDeliveries",
  ...(OPENAPI_DOCS && {
    description:
      "Recent deliveries, newest first, with the outcome of each (applied, ignored, duplicate, rejected, unmatched, failed) and why, to debug a provider's webhook settings.",
    summary: "Recent webhook deliveries, newest first, with what happened to each and why",
  }),
  method: "get",
  path: "/v1/integrations/{id}/deliveries",
  tags: TAGS,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    params: IntegrationParams,
    query: PaginationQuery.extend({
      outcome: z
        .enum(DELIVERY_OUTCOMES, { message: `outcome must be one of ${DELIVERY_OUTCOMES.join(", ")}` })
        .optional()
        .openapi({ param: { name: "outcome", in: "query" } }),
    }),
  },
  responses: {
    200: jsonContent(DeliveryPageSchema, "A page of deliveries."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
