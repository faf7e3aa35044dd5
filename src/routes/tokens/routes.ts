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
import { ROLES } from "../../lib/auth/tokens";
import { IssuedTokenSchema, TokenCreateSchema, TokenPageSchema, TokenSchema } from "./schemas";

export const listTokens = createRoute({
  operationId: "listTokens",
  ...(OPENAPI_DOCS && {
    description:
      "API tokens by name, owner and expiry, never the tokens themselves. Owners see every token of the agency; everyone else sees their own.",
    summary: "List API tokens (owners see all; others their own)",
  }),
  method: "get",
  path: "/v1/tokens",
  tags: ["Tokens"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    query: PaginationQuery.extend({
      member_id: z
        .uuid()
        .optional()
        .openapi({
          param: { name: "member_id", in: "query" },
          ...(OPENAPI_DOCS && { description: "Only this member's tokens." }),
        }),
    }),
  },
  responses: {
    200: jsonContent(TokenPageSchema, "A page of tokens, without their values."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createToken = createRoute({
  operationId: "createToken",
  method: "post",
  path: "/v1/tokens",
  tags: ["Tokens"],
  ...(OPENAPI_DOCS && {
    summary: "Issue an API token for a member",
    description: "Owners may issue tokens for any active member; everyone else only for themselves.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(TokenCreateSchema) },
  responses: {
    201: createdContent(IssuedTokenSchema, "The token, shown once.", "/v1/tokens/{id}"),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getToken = createRoute({
  operationId: "getToken",
  method: "get",
  path: "/v1/tokens/{id}",
  tags: ["Tokens"],
  ...(OPENAPI_DOCS && {
    summary: "One API token, without its value",
    description:
      "Owners may read any token of the agency; everyone else only their own (someone else's token is a 404 to them).",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: z.object({ id: UuidParam("id", "Token id (the JWT's jti).") }) },
  responses: {
    200: jsonContent(TokenSchema, "The token, without its value."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const revokeToken = createRoute({
  operationId: "revokeToken",
  method: "delete",
  path: "/v1/tokens/{id}",
  tags: ["Tokens"],
  ...(OPENAPI_DOCS && {
    summary: "Revoke a token; it stops working immediately",
    description:
      "Owners may revoke any token of the agency; everyone else only their own (someone else's token is a 404 to them).",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: z.object({ id: UuidParam("id", "Token id (the JWT's jti).") }) },
  responses: {
    204: { description: "Revoked (still listed, with `revoked_at`). Revoking a revoked token is a no-op." },
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
