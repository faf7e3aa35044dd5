import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { ClientRow } from "../../db/schema";
import { AuStateSchema, NameSchema, TimeZoneSchema } from "../../lib/validation";

export const ClientSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timezone: z
      .string()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "Null: the agency's time zone applies." }) }),
    state: z
      .string()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "Null: the agency's state's public holidays apply." }) }),
    holidays_enabled: z
      .boolean()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Whether public holidays freeze this client's deployments; null follows the agency's setting.",
        }),
      }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Client");

export const ClientPageSchema = pageOf(ClientSchema, "ClientPage");

export const ClientCreateSchema = z
  .strictObject({
    name: NameSchema,
    timezone: TimeZoneSchema.optional(),
    state: AuStateSchema.optional(),
    holidays_enabled: z.boolean().nullable().optional(),
  })
  .openapi("ClientCreate");

export const ClientPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    timezone: TimeZoneSchema.nullable().optional(),
    state: AuStateSchema.nullable().optional(),
    holidays_enabled: z.boolean().nullable().optional(),
  })
  .openapi("ClientPatch");

export function presentClient(row: ClientRow) {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    state: row.state,
    holidays_enabled: row.holidaysEnabled,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
