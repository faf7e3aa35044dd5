import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { STAGES } from "../../domain/lifecycle/stages";
import { HttpsUrlSchema, NameSchema } from "../../lib/validation";

const NoteSchema = z.string().trim().min(1, "must not be empty").max(4000);
const SeveritySchema = z.enum(["critical", "high", "medium", "low"], {
  message: "severity must be critical, high, medium or low",
});
const OpenClosedSchema = z.enum(["open", "closed"], { message: "status must be open or closed" });
const atLeastOne = (value: object) => Object.values(value).some((v) => v !== undefined);

// Checklist

export const ChecklistItemSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    position: z.number().int(),
    key: z.string(),
    title: z.string(),
    guidance: z.string().nullable(),
    stage: z.enum(STAGES),
    category: z.enum(["general", "acl", "privacy", "spam"]).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "general items come from the agency's template; acl, privacy and spam items are compliance sign-offs (owner or release manager only).",
      }),
    }),
    required: z.boolean(),
    status: z.enum(["open", "done", "n_a"]),
    completed_by: z
      .uuid()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "The member who marked it done or n/a." }) }),
    completed_at: Timestamp.nullable(),
    evidence_url: z.string().nullable(),
    updated_at: Timestamp,
  })
  .openapi("ChecklistItem");

export const ChecklistSchema = z
  .object({
    release_id: z.uuid(),
    attempt: z.number().int(),
    items: z.array(ChecklistItemSchema),
  })
  .openapi("Checklist");

/** What changes on a checklist item, one at a time or in bulk. */
const checklistChange = {
  status: z.enum(["done", "n_a", "open"], { message: "status must be done, n_a or open" }),
  evidence_url: HttpsUrlSchema.nullable()
    .optional()
    .openapi({
      ...(OPENAPI_DOCS && {
        description: "A link to the evidence (test run, screenshot, ticket); null removes it.",
      }),
    }),
  note: NoteSchema.optional().openapi({
    ...(OPENAPI_DOCS && { description: "Kept in the release's audit trail." }),
  }),
};

export const ChecklistItemPatchSchema = z.strictObject(checklistChange).openapi("ChecklistItemPatch");

/** One item of a bulk update, named by its id or by its template key (one of the two). */
const ChecklistBulkEntrySchema = z.union([
  z.strictObject({
    item_id: z
      .uuid({ message: "item_id must be a checklist item id" })
      .openapi({ ...(OPENAPI_DOCS && { description: "The item's id." }) }),
    ...checklistChange,
  }),
  z.strictObject({
    key: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "The item's stable key from the checklist template, so no GET is needed first.",
        }),
        example: "backups_verified",
      }),
    ...checklistChange,
  }),
]);

export const ChecklistBulkPatchSchema = z
  .strictObject({
    items: z.array(ChecklistBulkEntrySchema).min(1, "send at least one item").max(200),
  })
  .openapi("ChecklistBulkPatch", {
    ...(OPENAPI_DOCS && {
      description:
        "Several checklist items in one request, each named by `item_id` or by `key`: all are applied, or none (errors[] names each item at fault by index).",
    }),
  });

export const ChecklistBulkResultSchema = z
  .object({ updated: z.array(ChecklistItemSchema) })
  .openapi("ChecklistBulkResult");

// Test plan, rollback procedure, monitoring

export const TestPlanSchema = z
  .strictObject({
    entries: z
      .array(
        z.strictObject({
          stage: z.enum(["staging", "smoke", "verification", "uat"], {
            message: "stage must be staging, smoke, verification or uat",
          }),
          suite: z.string().trim().min(1, "must not be empty").max(200),
          description: z.string().trim().max(2000).nullable().optional(),
        }),
      )
      .max(200),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.entries.forEach((entry, index) => {
      const key = `${entry.stage}\u0000${entry.suite}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["entries", index, "suite"],
          message: `suite '${entry.suite}' is already planned for ${entry.stage}`,
        });
      }
      seen.add(key);
    });
  })
  .openapi("TestPlan", {
    ...(OPENAPI_DOCS && {
      description:
        "Every planned suite of a stage needs a passing result before that stage's test gate holds; replaces the whole plan.",
    }),
  });

export const RollbackProcedureSchema = z
  .strictObject({
    steps: z
      .array(
        z.strictObject({
          title: z.string().trim().min(1, "must not be empty").max(500),
          details: z.string().trim().max(4000).nullable().optional(),
        }),
      )
      .max(100),
  })
  .openapi("RollbackProcedure", {
    ...(OPENAPI_DOCS && {
      description: "The steps in the order a rollback runs them; they are numbered 1..n.",
    }),
  });

export const DashboardsSchema = z
  .strictObject({
    dashboards: z.array(z.strictObject({ name: NameSchema, url: HttpsUrlSchema })).max(50),
  })
  .openapi("MonitoringDashboards");

export const MonitoringConfirmationSchema = z
  .strictObject({
    note: NoteSchema.optional().openapi({ ...(OPENAPI_DOCS && { description: "Kept in the audit trail." }) }),
  })
  .openapi("MonitoringConfirmation");

export const MonitoringSchema = z
  .object({
    dashboards: z.array(z.object({ name: z.string(), url: z.string() })),
    confirmed_by: z
      .uuid()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "The member who confirmed the monitoring." }) }),
    confirmed_at: Timestamp.nullable(),
  })
  .openapi("Monitoring");

// Issue reports

export const IssueCreateSchema = z
  .strictObject({
    severity: SeveritySchema,
    description: z.string().trim().min(1, "describe the issue").max(4000),
    link: HttpsUrlSchema.optional().openapi({
      ...(OPENAPI_DOCS && { description: "Ticket, alert or log link." }),
    }),
  })
  .openapi("IssueReportCreate");

export const IssuePatchSchema = z
  .strictObject({ status: OpenClosedSchema.optional(), severity: SeveritySchema.optional() })
  .refine(atLeastOne, { message: "send status, severity or both" })
  .openapi("IssueReportPatch");

export const IssueSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    severity: SeveritySchema,
    description: z.string(),
    link: z.string().nullable(),
    status: OpenClosedSchema,
    raised_by: z.uuid().nullable(),
    closed_by: z.uuid().nullable(),
    closed_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("IssueReport");

export const IssuePageSchema = pageOf(IssueSchema, "IssueReportPage");

// Sign-offs

export const SignOffCreateSchema = z
  .strictObject({
    decision: z.enum(["approved", "rejected"], { message: "decision must be approved or rejected" }),
    note: NoteSchema.optional(),
  })
  .openapi("SignOffCreate");

export const SignOffSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    signer_id: z
      .uuid()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "The approver (a member); null when a client contact signed off by link.",
        }),
      }),
    contact_id: z
      .uuid()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "The client contact who signed off through an approval link (`rejected` is their request for changes); null for a member.",
        }),
      }),
    decision: z.enum(["approved", "rejected"]),
    note: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi("SignOff");

export const SignOffPageSchema = pageOf(SignOffSchema, "SignOffPage");

// Investigation

export const CorrectiveActionSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    description: z.string(),
    status: OpenClosedSchema,
    owner_id: z.uuid().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("CorrectiveAction");

export const InvestigationSchema = z
  .object({
    attempt: z
      .number()
      .int()
      .openapi({ ...(OPENAPI_DOCS && { description: "The failed attempt under investigation." }) }),
    status: OpenClosedSchema,
    summary: z.string().nullable(),
    corrective_actions: z.array(CorrectiveActionSchema),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Investigation");

export const InvestigationPatchSchema = z
  .strictObject({
    summary: z.string().trim().min(1, "must not be empty").max(20_000).nullable().optional(),
    status: OpenClosedSchema.optional().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "closed (owner or release manager) needs at least one corrective action and all of them closed.",
      }),
    }),
  })
  .refine(atLeastOne, { message: "send summary, status or both" })
  .openapi("InvestigationPatch");

export const CorrectiveActionCreateSchema = z
  .strictObject({
    description: z.string().trim().min(1, "describe the action").max(4000),
    owner_id: z.uuid({ message: "owner_id must be a member id" }).optional(),
  })
  .openapi("CorrectiveActionCreate");

export const CorrectiveActionPatchSchema = z
  .strictObject({ status: OpenClosedSchema })
  .openapi("CorrectiveActionPatch");

// Release notes

export const NotesPutSchema = z
  .strictObject({ markdown: z.string().trim().min(1, "write the notes").max(100_000) })
  .openapi("ReleaseNotesPut");

export const NotesSchema = z
  .object({
    markdown: z.string().nullable(),
    published_at: Timestamp.nullable(),
  })
  .openapi("ReleaseNotes");

export const AttemptQuery = z.object({
  attempt: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({
      param: { name: "attempt", in: "query" },
      ...(OPENAPI_DOCS && {
        description: "An earlier attempt's facts (history); defaults to the current attempt.",
      }),
    }),
});
