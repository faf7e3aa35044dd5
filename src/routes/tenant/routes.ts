import { createRoute } from "@hono/zod-openapi";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  TENANT_WRITE_ERRORS,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES, type Role } from "../../lib/auth/tokens";
import { SenderConfirmationSchema, TenantPatchSchema, TenantSchema } from "./schemas";

/** Who may change the agency's settings (`x-roles` and the handler's role check). */
export const TENANT_SETTINGS_ROLES = ["owner"] as const satisfies readonly Role[];

export const getTenant = createRoute({
  operationId: "getTenant",
  ...(OPENAPI_DOCS && {
    description:
      "Name, time zone, state, policies (second approver for high risk, automatic rollback), retention and the sender identity emails carry. Every role may read it.",
    summary: "Your agency's settings",
  }),
  method: "get",
  path: "/v1/tenant",
  tags: ["Agency"],
  security: bearerSecurity,
  "x-roles": ROLES,
  responses: { 200: jsonContent(TenantSchema, "The caller's agency."), ...errorResponses(401) },
});

export const patchTenant = createRoute({
  operationId: "patchTenant",
  method: "patch",
  path: "/v1/tenant",
  tags: ["Agency"],
  ...(OPENAPI_DOCS && {
    summary: "Update name, time zone, state or sender identity (owner)",
    description:
      "Setting a new `sender.email` clears `sender.email_confirmed_at` and emails a confirmation link to that address (when email is configured); until someone there follows it, messages carry no Reply-To.",
  }),
  security: bearerSecurity,
  "x-roles": TENANT_SETTINGS_ROLES,
  request: { body: jsonBody(TenantPatchSchema) },
  responses: {
    200: jsonContent(TenantSchema, "The updated agency."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const confirmSenderEmail = createRoute({
  operationId: "sendSenderEmailConfirmation",
  method: "post",
  path: "/v1/tenant/sender-email-confirmation",
  tags: ["Agency"],
  ...(OPENAPI_DOCS && {
    summary: "Email the confirmation link for the agency's sender address again (owner)",
    description:
      "Sends a link to `sender.email`, from the platform's address, that makes it the Reply-To of the agency's release emails once followed (valid 48 hours; a new link does not revoke earlier ones until they expire). From is never the agency's address. 409 when no sender email is set, it is already confirmed, or this deployment sends no email.",
  }),
  security: bearerSecurity,
  "x-roles": TENANT_SETTINGS_ROLES,
  responses: {
    202: jsonContent(SenderConfirmationSchema, "The link was handed to the email provider."),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});
