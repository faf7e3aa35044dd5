import { createRoute, z } from "@hono/zod-openapi";
import { createdContent, errorResponses, IdempotencyKeyHeader, jsonBody } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { AuStateSchema, EmailSchema, NameSchema, SlugSchema, TimeZoneSchema } from "../../lib/validation";
import { MemberSchema } from "../members/schemas";
import { TenantSchema } from "../tenant/schemas";
import { IssuedTokenSchema } from "../tokens/schemas";

export const TenantCreateSchema = z
  .strictObject({
    name: NameSchema,
    slug: SlugSchema.openapi({
      ...(OPENAPI_DOCS && { description: "Used in public release-note URLs: /r/{slug}/…" }),
      example: "acme-digital",
    }),
    timezone: TimeZoneSchema,
    state: AuStateSchema,
    owner: z
      .strictObject({ name: NameSchema, email: EmailSchema.optional() })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "The first owner. Defaults to a member named 'Owner' without an email.",
        }),
      }),
  })
  .openapi("TenantCreate");

export const createTenant = createRoute({
  operationId: "createTenant",
  method: "post",
  path: "/v1/tenants",
  tags: ["Platform"],
  ...(OPENAPI_DOCS && {
    summary: "Create an agency (platform admin)",
    description:
      "Authorised by `Authorization: Bearer $ADMIN_TOKEN`. Returns the agency, its first owner and an owner token.",
  }),
  security: [{ adminToken: [] }],
  request: { headers: IdempotencyKeyHeader, body: jsonBody(TenantCreateSchema) },
  responses: {
    201: createdContent(
      z
        .object({ tenant: TenantSchema, owner: MemberSchema, token: IssuedTokenSchema })
        .openapi("TenantCreated"),
      "The new agency, its owner and the owner's first API token (shown once).",
      "/v1/tenant, read with the owner's token",
    ),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});
