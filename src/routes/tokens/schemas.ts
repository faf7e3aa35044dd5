import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { ApiTokenRow } from "../../db/schema";
import { NameSchema } from "../../lib/validation";

export const TokenSchema = z
  .object({
    id: z.uuid(),
    member_id: z.uuid(),
    name: z.string(),
    created_at: Timestamp,
    expires_at: Timestamp,
    revoked_at: Timestamp.nullable(),
  })
  .openapi("ApiToken");

export const TokenPageSchema = pageOf(TokenSchema, "ApiTokenPage");

export const IssuedTokenSchema = TokenSchema.extend({
  token: z
    .string()
    .openapi({ ...(OPENAPI_DOCS && { description: "The bearer token. Shown once: store it now." }) }),
}).openapi("IssuedApiToken");

/** Owners issue long-lived tokens for CI; everyone else's tokens expire within a quarter. */
export const MAX_OWNER_TOKEN_DAYS = 3650;
export const MAX_MEMBER_TOKEN_DAYS = 90;

export const TokenCreateSchema = z
  .strictObject({
    member_id: z.uuid({ message: "member_id must be a UUID" }),
    name: NameSchema.optional().openapi({
      ...(OPENAPI_DOCS && { description: "What the token is for, e.g. the tool that uses it." }),
    }),
    expires_in_days: z
      .number()
      .int()
      .min(1)
      .max(MAX_OWNER_TOKEN_DAYS)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `Lifetime in days (default TOKEN_TTL_DAYS, 90). Owners may issue up to ${MAX_OWNER_TOKEN_DAYS} days (long-lived CI tokens); other roles up to ${MAX_MEMBER_TOKEN_DAYS}.`,
        }),
      }),
  })
  .openapi("ApiTokenCreate");

export function presentToken(row: ApiTokenRow) {
  return {
    id: row.id,
    member_id: row.memberId,
    name: row.name,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}
