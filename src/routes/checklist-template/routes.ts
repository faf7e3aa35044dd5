import { createRoute } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES, type Role } from "../../lib/auth/tokens";
import { TemplatePutSchema, TemplateSchema } from "./schemas";

const tags = ["Checklist"];

/** Who may replace or reset the agency's checklist template (`x-roles` and the handlers' role check). */
export const CHECKLIST_TEMPLATE_WRITE_ROLES = ["owner"] as const satisfies readonly Role[];

export const getChecklistTemplate = createRoute({
  operationId: "getChecklistTemplate",
  ...(OPENAPI_DOCS && {
    description:
      "The checklist new releases start with: the agency's own, or the built-in default when none is set.",
    summary: "The agency's checklist template, or the built-in default",
  }),
  method: "get",
  path: "/v1/checklist-template",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  responses: {
    200: jsonContent(TemplateSchema, "The template new releases start from."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const putChecklistTemplate = createRoute({
  operationId: "putChecklistTemplate",
  method: "put",
  path: "/v1/checklist-template",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Replace the agency's checklist template (owner)",
    description:
      "Applies to releases planned (or re-attempted) from now on; existing checklists keep their items. Compliance items (ACL, Privacy Act, Spam Act) are added on top by each release's flags and cannot be replaced here.",
  }),
  security: bearerSecurity,
  "x-roles": CHECKLIST_TEMPLATE_WRITE_ROLES,
  request: { body: jsonBody(TemplatePutSchema) },
  responses: {
    200: jsonContent(TemplateSchema, "The agency's template."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const deleteChecklistTemplate = createRoute({
  operationId: "deleteChecklistTemplate",
  ...(OPENAPI_DOCS && {
    description:
      "Removes the agency's template; new releases start with the built-in default again. Existing releases keep their checklists.",
    summary: "Go back to the built-in default checklist (owner)",
  }),
  method: "delete",
  path: "/v1/checklist-template",
  tags,
  security: bearerSecurity,
  "x-roles": CHECKLIST_TEMPLATE_WRITE_ROLES,
  responses: {
    204: {
      description:
        "The agency's template is gone; `GET /v1/checklist-template` shows the built-in default again.",
    },
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});
