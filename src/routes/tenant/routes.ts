import { createRoute } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  TENANT_WRITE_ERRORS,
} from "../../app/openapi";
import { ROLES, type Role } from "../../lib/auth/tokens";
import { TenantPatchSchema, TenantSchema } from "./schemas";

/** Who may change the agency's settings (`x-roles` and the handler's role check). */
export const TENANT_SETTINGS_ROLES = ["owner"] as const satisfies readonly Role[];

export const getTenant = createRoute({
  method: "get",
  path: "/v1/tenant",
  tags: ["Agency"],
  summary: "Your agency's settings",
  security: bearerSecurity,
  "x-roles": ROLES,
  responses: { 200: jsonContent(TenantSchema, "The caller's agency."), ...errorResponses(401) },
});

export const patchTenant = createRoute({
  method: "patch",
  path: "/v1/tenant",
  tags: ["Agency"],
  summary: "Update name, time zone, state or sender identity (owner)",
  security: bearerSecurity,
  "x-roles": TENANT_SETTINGS_ROLES,
  request: { body: jsonBody(TenantPatchSchema) },
  responses: {
    200: jsonContent(TenantSchema, "The updated agency."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});
