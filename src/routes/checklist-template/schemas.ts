import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { complianceChecklistItems } from "../../domain/lifecycle/default-checklist";
import { STAGES } from "../../domain/lifecycle/stages";

const ALL_FLAGS = {
  touches_pricing_promotions_or_claims: true,
  touches_personal_data: true,
  sends_commercial_email: true,
};
// Compliance items are added by a release's flags, whatever the template says; a template
// item with one of their keys would replace it with a general item nobody has to sign off.
const COMPLIANCE_KEYS = new Set(complianceChecklistItems(ALL_FLAGS).map((item) => item.key));
const TEMPLATE_STAGES = STAGES.filter((stage) => stage !== "closed");

export const TemplateItemSchema = z
  .strictObject({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be lower-case letters, digits and underscores, 1–64 characters")
      .refine((key) => !COMPLIANCE_KEYS.has(key), {
        message: "is a compliance item's key; compliance items are added by the release's flags",
      })
      .openapi({ example: "backup_verified" }),
    title: z.string().trim().min(1, "must not be empty").max(500),
    stage: z.enum(TEMPLATE_STAGES, { message: `stage must be one of ${TEMPLATE_STAGES.join(", ")}` }),
    required: z.boolean(),
    category: z.literal("general", {
      message: "category must be general; compliance items come from the release's compliance flags",
    }),
    guidance: z.string().trim().max(2000).nullable().optional(),
  })
  .openapi("ChecklistTemplateItem");

export const TemplatePutSchema = z
  .strictObject({
    items: z.array(TemplateItemSchema).min(1, "a template needs at least one item").max(100),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.items.forEach((item, index) => {
      if (seen.has(item.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["items", index, "key"],
          message: `key '${item.key}' is used twice`,
        });
      }
      seen.add(item.key);
    });
  })
  .openapi("ChecklistTemplatePut");

export const TemplateSchema = z
  .object({
    is_default: z
      .boolean()
      .openapi({ ...(OPENAPI_DOCS && { description: "True when the agency has no template of its own." }) }),
    items: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        stage: z.enum(STAGES),
        required: z.boolean(),
        category: z.literal("general"),
        guidance: z.string().nullable(),
      }),
    ),
    updated_at: Timestamp.nullable(),
  })
  .openapi("ChecklistTemplate");
