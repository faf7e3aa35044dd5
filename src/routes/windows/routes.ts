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
import {
  WindowCreateSchema,
  WindowKindSchema,
  WindowPageSchema,
  WindowPatchSchema,
  WindowSchema,
} from "./schemas";

const WindowParams = z.object({ id: UuidParam("id", "Window id.") });
const tags = ["Windows"];

/** Who may add, change and remove windows and freezes (`x-roles` and the handlers' role check). */
export const WINDOW_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

export const listWindows = createRoute({
  operationId: "listWindows",
  method: "get",
  path: "/v1/windows",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "List maintenance windows, business hours and freezes",
    description:
      "Filter by `client_id` (that client's windows, including its projects'), `project_id` or `kind`. For the windows that apply to one project, with holidays, use GET /v1/calendar.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: {
    query: PaginationQuery.extend({
      client_id: z
        .uuid({ message: "client_id must be a UUID" })
        .optional()
        .openapi({ param: { name: "client_id", in: "query" } }),
      project_id: z
        .uuid({ message: "project_id must be a UUID" })
        .optional()
        .openapi({ param: { name: "project_id", in: "query" } }),
      kind: WindowKindSchema.optional().openapi({ param: { name: "kind", in: "query" } }),
    }),
  },
  responses: {
    200: jsonContent(WindowPageSchema, "A page of windows."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createWindow = createRoute({
  operationId: "createWindow",
  method: "post",
  path: "/v1/windows",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Add a window or freeze (owner, release manager)",
    description:
      "A local wall-clock start in an IANA zone plus an optional daily/weekly recurrence, like iCalendar's DTSTART;TZID + RRULE. Scoped to the agency, or to a client or project with `client_id`/`project_id`. Problems are 400 with `errors[]`; DST surprises come back as `warnings[]`.",
  }),
  security: bearerSecurity,
  "x-roles": WINDOW_WRITE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(WindowCreateSchema) },
  responses: {
    201: mayBeReplayed(
      createdContent(
        WindowSchema,
        "The new window, with its next occurrence and any warnings.",
        "/v1/windows/{id}",
      ),
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const getWindow = createRoute({
  operationId: "getWindow",
  ...(OPENAPI_DOCS && {
    description: "One deployment window with its schedule, time zone and next occurrence.",
    summary: "One window",
  }),
  method: "get",
  path: "/v1/windows/{id}",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: WindowParams },
  responses: { 200: jsonContent(WindowSchema, "The window."), ...errorResponses(...TENANT_READ_ERRORS) },
});

export const patchWindow = createRoute({
  operationId: "patchWindow",
  method: "patch",
  path: "/v1/windows/{id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Change a window (owner, release manager)",
    description: "Releases already booked keep their slot; the policy is checked again when go is given.",
  }),
  security: bearerSecurity,
  "x-roles": WINDOW_WRITE_ROLES,
  request: { params: WindowParams, body: jsonBody(WindowPatchSchema) },
  responses: {
    200: jsonContent(WindowSchema, "The updated window, with any warnings."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteWindow = createRoute({
  operationId: "deleteWindow",
  method: "delete",
  path: "/v1/windows/{id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Remove a window (owner, release manager)",
    description:
      "Releases booked into it keep their slot, but the policy is checked again at go time, so a release whose only allowing window was removed cannot go until it is re-booked.",
  }),
  security: bearerSecurity,
  "x-roles": WINDOW_WRITE_ROLES,
  request: { params: WindowParams },
  responses: { 204: { description: "Removed." }, ...errorResponses(...TENANT_READ_ERRORS) },
});
