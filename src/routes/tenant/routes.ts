import { createRoute } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  TENANT_WRITE_ERRORS,
} from "../../app/openapi";
import { TenantPatchSchema, TenantSchema } from "./schemas";

export const getTenant = createRoute({
  method: "get",
  path: "/v1/tenant",
  tags: ["Agency"],
  summary: "Your agency's settings",
  security: bearerSecurity,
  responses: { 200: jsonContent(TenantSchema, "The caller's agency."), ...errorResponses(401) },
});

export const patchTenant = createRoute({
  method: "patch",
  path: "/v1/tenant",
  tags: ["Agency"],
  summary: "Update name, time zone, state or sender identity (owner)",
  security: bearerSecurity,
  request: { body: jsonBody(TenantPatchSchema) },
  responses: {
    200: jsonContent(TenantSchema, "The updated agency."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});
