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
import { ROLES, type Role } from "../../lib/auth/tokens";
import { ClientCreateSchema, ClientPageSchema, ClientPatchSchema, ClientSchema } from "./schemas";

/** Who may add and change clients (`x-roles` and the handlers' role check). */
export const CLIENT_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];
/** Who may delete a client. */
export const CLIENT_DELETE_ROLES = ["owner"] as const satisfies readonly Role[];

const ClientParams = z.object({ id: UuidParam("id", "Client id.") });

export const listClients = createRoute({
  operationId: "listClients",
  description:
    "The agency's clients, each with its own time zone and state when they differ from the agency's (their holidays then apply to their releases).",
  method: "get",
  path: "/v1/clients",
  tags: ["Clients"],
  summary: "List the agency's clients",
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
  description:
    "Adds a client. Give a time zone and state when the client's differ from the agency's: deployment windows and holidays then follow the client.",
  method: "post",
  path: "/v1/clients",
  tags: ["Clients"],
  summary: "Add a client (owner, release manager)",
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
  description: "One client with its time zone and state.",
  method: "get",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  summary: "One client",
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ClientParams },
  responses: { 200: jsonContent(ClientSchema, "The client."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchClient = createRoute({
  operationId: "patchClient",
  description:
    "Renames a client or changes its time zone or state; windows that follow the client's zone move with it.",
  method: "patch",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  summary: "Update a client (owner, release manager)",
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
  description: "Deletes a client that has no projects left; 409 otherwise, naming what to remove first.",
  method: "delete",
  path: "/v1/clients/{id}",
  tags: ["Clients"],
  summary: "Delete a client without projects (owner)",
  security: bearerSecurity,
  "x-roles": CLIENT_DELETE_ROLES,
  request: { params: ClientParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(...TENANT_READ_ERRORS, 409) },
});
