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
import { ProjectCreateSchema, ProjectPageSchema, ProjectPatchSchema, ProjectSchema } from "./schemas";

/** Who may add and change projects (`x-roles` and the handlers' role check). */
export const PROJECT_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];
/** Who may delete a project. */
export const PROJECT_DELETE_ROLES = ["owner"] as const satisfies readonly Role[];

const ProjectParams = z.object({ id: UuidParam("id", "Project id.") });

export const listProjects = createRoute({
  operationId: "listProjects",
  ...(OPENAPI_DOCS && {
    description:
      "The agency's sites and apps, with the repository CI webhooks are matched against. Filter with client_id.",
    summary: "List projects (sites and apps), optionally of one client",
  }),
  method: "get",
  path: "/v1/projects",
  tags: ["Projects"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    query: PaginationQuery.extend({
      client_id: z
        .uuid()
        .optional()
        .openapi({ param: { name: "client_id", in: "query" } }),
    }),
  },
  responses: {
    200: jsonContent(ProjectPageSchema, "A page of projects."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createProject = createRoute({
  operationId: "createProject",
  ...(OPENAPI_DOCS && {
    description:
      "Adds a site or app to a client. `repository` (owner/name) links CI deliveries to it; the slug, used in public notes URLs, is derived from the name when omitted.",
    summary: "Add a project to a client (owner, release manager)",
  }),
  method: "post",
  path: "/v1/projects",
  tags: ["Projects"],
  security: bearerSecurity,
  "x-roles": PROJECT_WRITE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(ProjectCreateSchema) },
  responses: {
    201: mayBeReplayed(createdContent(ProjectSchema, "The new project.", "/v1/projects/{id}")),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getProject = createRoute({
  operationId: "getProject",
  ...(OPENAPI_DOCS && {
    description: "One project with its client, slug and repository.",
    summary: "One project",
  }),
  method: "get",
  path: "/v1/projects/{id}",
  tags: ["Projects"],
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ProjectParams },
  responses: { 200: jsonContent(ProjectSchema, "The project."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchProject = createRoute({
  operationId: "patchProject",
  ...(OPENAPI_DOCS && {
    description:
      "Renames a project or changes its repository or slug. A slug change moves its public notes URLs.",
    summary: "Update a project (owner, release manager)",
  }),
  method: "patch",
  path: "/v1/projects/{id}",
  tags: ["Projects"],
  security: bearerSecurity,
  "x-roles": PROJECT_WRITE_ROLES,
  request: { params: ProjectParams, body: jsonBody(ProjectPatchSchema) },
  responses: {
    200: jsonContent(ProjectSchema, "The updated project."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteProject = createRoute({
  operationId: "deleteProject",
  ...(OPENAPI_DOCS && {
    description: "Deletes a project that has no releases; 409 otherwise.",
    summary: "Delete a project (owner)",
  }),
  method: "delete",
  path: "/v1/projects/{id}",
  tags: ["Projects"],
  security: bearerSecurity,
  "x-roles": PROJECT_DELETE_ROLES,
  request: { params: ProjectParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(...TENANT_READ_ERRORS, 409) },
});
