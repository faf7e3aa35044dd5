import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createdContent,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  mayBeReplayed,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES, type Role } from "../../lib/auth/tokens";
import { ClientCreateSchema, ClientPageSchema, ClientPatchSchema, ClientSchema } from "./schemas";

/** Who may add and change clients (`x-roles` and the handlers' role check). */
export const CLIENT_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];
/** Who may delete a client. */
export const CLIENT_DELETE_ROLES = ["owner"] as const satisfies readonly Role[];

const ClientParams = z.object({ id: UuidParam("id", "Client id.") });

export const listClients = createRoute({
  operationId: "listClients",
  ...(OPENAPI_DOCS && {
    description:
      "The agency's clients, each with its own time zone and state when they differ from the agency's (their holidays then apply to their releases).",
    summary: "List the agency's clients",
  }),
  method: "get",
  path: "/v1/clients",
  tags: ["Clients"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(ClientPageSchema, "A page of clients."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createClient = createRoute({
  operationId: "createClient",
  ...(OPENAPI_DOCS && {
    description:
      "Adds a client. Give a time zone and state when the client's differ from the agency's: deployment windows and holidays then follow the client.",
    summary: "Add a client (owner, release manager)",
  }),
  method: "post",
  path: "/v1/clients",
  tags: ["Clients"],
  security: bearerSecurity,
  "x-roles": CLIENT_WRITE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(ClientCreateSchema) },
  responses: {
    201: mayBeReplayed(createdContent(ClientSchema, "The new client.", "/v1/clients/{id}")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getClient = createRoute({
  operationId: "getClient",
  ...(OPENAPI_DOCS && {
    description: "One client with its time zone and state.",
    summary: "One client",
  }),
  method: "get",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ClientParams },
  responses: { 200: jsonContent(ClientSchema, "The client."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchClient = createRoute({
  operationId: "patchClient",
  ...(OPENAPI_DOCS && {
    description:
      "Renames a client or changes its time zone or state; windows that follow the client's zone move with it.",
    summary: "Update a client (owner, release manager)",
  }),
  method: "patch",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  security: bearerSecurity,
  "x-roles": CLIENT_WRITE_ROLES,
  request: { params: ClientParams, body: jsonBody(ClientPatchSchema) },
  responses: {
    200: jsonContent(ClientSchema, "The updated client."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteClient = createRoute({
  operationId: "deleteClient",
  ...(OPENAPI_DOCS && {
    description: "Deletes a client that has no projects left; 409 otherwise, naming what to remove first.",
    summary: "Delete a client without projects (owner)",
  }),
  method: "delete",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  security: bearerSecurity,
  "x-roles": CLIENT_DELETE_ROLES,
  request: { params: ClientParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(...TENANT_READ_ERRORS, 409) },
});
