import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { ProjectRow } from "../../db/schema";
import { HttpsUrlSchema, NameSchema, RepositorySchema, SlugSchema } from "../../lib/validation";

export const PROJECT_KINDS = ["website", "web_app", "mobile_app", "api", "other"] as const;

export const ProjectSchema = z
  .object({
    id: z.uuid(),
    client_id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    kind: z.enum(PROJECT_KINDS),
    repository: z
      .string()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && { description: "owner/name; CI webhooks are matched to the project by it." }),
      }),
    production_url: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Project");

export const ProjectPageSchema = pageOf(ProjectSchema, "ProjectPage");

const KindSchema = z.enum(PROJECT_KINDS, { message: `kind must be one of ${PROJECT_KINDS.join(", ")}` });

export const ProjectCreateSchema = z
  .strictObject({
    client_id: z.uuid({ message: "client_id must be a UUID" }),
    name: NameSchema,
    slug: SlugSchema.optional().openapi({
      ...(OPENAPI_DOCS && {
        description:
          'Its part of public URLs (/r/{agency}/{project}/…). Default: from the name ("Harbour Café Website" → `harbour-cafe-website`), with -2, -3… added when another project has it.',
      }),
    }),
    kind: KindSchema.default("website"),
    repository: RepositorySchema.optional(),
    production_url: HttpsUrlSchema.optional(),
  })
  .openapi("ProjectCreate");

export const ProjectPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    slug: SlugSchema.optional(),
    kind: KindSchema.optional(),
    repository: RepositorySchema.nullable().optional(),
    production_url: HttpsUrlSchema.nullable().optional(),
  })
  .openapi("ProjectPatch");

export function presentProject(row: ProjectRow) {
  return {
    id: row.id,
    client_id: row.clientId,
    name: row.name,
    slug: row.slug,
    kind: row.kind as (typeof PROJECT_KINDS)[number],
    repository: row.repository,
    production_url: row.productionUrl,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
