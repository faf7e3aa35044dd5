import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { requireRole } from "../../app/actor";
import { createRouter } from "../../app/create-app";
import {
  bearerSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { withTenant } from "../../app/request-scope";
import { tenants } from "../../db/schema";
import { DEFAULT_NOTES_TEMPLATE, TEMPLATE_PLACEHOLDERS } from "../../domain/notifications";
import { ROLES, type Role } from "../../lib/auth/tokens";

// Small enough to keep routes and handlers in one file.

/** Who may set the template (`x-roles` and the handler's role check). */
const TEMPLATE_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

const TemplateSchema = z
  .object({
    markdown: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "The template in effect (the built-in one when none is set)." }),
    }),
    custom: z
      .boolean()
      .openapi({ ...(OPENAPI_DOCS && { description: "False: the built-in template applies." }) }),
    placeholders: z.record(z.string(), z.string()),
  })
  .openapi("ReleaseNotesTemplate");

const TemplatePutSchema = z
  .strictObject({
    markdown: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Markdown with {{placeholders}}; null restores the built-in template.",
        }),
        example: DEFAULT_NOTES_TEMPLATE,
      }),
  })
  .openapi("ReleaseNotesTemplatePut");

const present = (markdown: string | null) => ({
  markdown: markdown ?? DEFAULT_NOTES_TEMPLATE,
  custom: markdown !== null,
  placeholders: { ...TEMPLATE_PLACEHOLDERS },
});

const getTemplate = createRoute({
  operationId: "getReleaseNotesTemplate",
  ...(OPENAPI_DOCS && {
    description:
      "The markdown template public notes pages and emails are written from ({{notes}}, {{version}}, {{change_log}} and more), or the built-in one.",
    summary: "The agency's release-notes template, used for the public notes page and feed",
  }),
  method: "get",
  path: "/v1/release-notes-template",
  tags: ["Release notes"],
  security: bearerSecurity,
  "x-roles": ROLES,
  responses: { 200: jsonContent(TemplateSchema, "The template."), ...errorResponses(...TENANT_READ_ERRORS) },
});

const putTemplate = createRoute({
  operationId: "putReleaseNotesTemplate",
  ...(OPENAPI_DOCS && {
    description:
      "Sets the agency's template for release notes. Unknown placeholders are refused with their names.",
    summary: "Set the agency's release-notes template (owner, release manager)",
  }),
  method: "put",
  path: "/v1/release-notes-template",
  tags: ["Release notes"],
  security: bearerSecurity,
  "x-roles": TEMPLATE_WRITE_ROLES,
  request: { body: jsonBody(TemplatePutSchema) },
  responses: { 200: jsonContent(TemplateSchema, "The template."), ...errorResponses(...TENANT_WRITE_ERRORS) },
});

export const releaseNotesTemplateRouter = createRouter()
  .openapi(getTemplate, async (c) => {
    const markdown = await withTenant(c, async ({ tx, actor }) => {
      const [row] = await tx
        .select({ template: tenants.releaseNotesTemplate })
        .from(tenants)
        .where(eq(tenants.id, actor.tenantId));
      return row?.template ?? null;
    });
    return c.json(present(markdown), 200);
  })
  .openapi(putTemplate, async (c) => {
    const { markdown } = c.req.valid("json");
    await withTenant(c, async ({ tx, actor }) => {
      requireRole(actor, TEMPLATE_WRITE_ROLES, "Changing the release-notes template");
      await tx
        .update(tenants)
        .set({ releaseNotesTemplate: markdown, updatedAt: new Date() })
        .where(eq(tenants.id, actor.tenantId));
    });
    return c.json(present(markdown), 200);
  });
