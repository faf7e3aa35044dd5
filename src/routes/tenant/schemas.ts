import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { TenantRow } from "../../db/schema";
import { AuStateSchema, EmailSchema, NameSchema, TimeZoneSchema } from "../../lib/validation";

export const SenderSchema = z
  .object({
    name: z.string().nullable(),
    email: z
      .string()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "The agency's own address: shown in every message as its contact, and the Reply-To once confirmed. Mail is always sent From the platform's address (EMAIL_FROM).",
        }),
      }),
    email_confirmed_at: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "When someone at `email` followed the confirmation link sent to it; null until then (and again after `email` changes). Until confirmed, messages carry no Reply-To.",
      }),
    }),
    postal_address: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .openapi("SenderIdentity", {
    ...(OPENAPI_DOCS && {
      description:
        "Who emails come from. The Spam Act requires every message to identify the sender and how to contact them.",
    }),
  });

export const SenderConfirmationSchema = z
  .object({
    email: z.string(),
    expires_at: Timestamp.openapi({
      ...(OPENAPI_DOCS && { description: "When the emailed link stops working (48 hours)." }),
    }),
  })
  .openapi("SenderEmailConfirmation");

export const TenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    timezone: z.string(),
    state: z.string(),
    second_approver_for_high_risk: z.boolean().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "High-risk go decisions also need a sign-off from an approver other than the person deciding.",
      }),
    }),
    client_sign_off_for_high_risk: z.boolean().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "High-risk go decisions also need a client contact's approval through an approval link (POST /v1/releases/{id}/approval-requests). A client who asks for changes holds any release.",
      }),
    }),
    auto_rollback_on_failure: z.boolean().openapi({
      ...(OPENAPI_DOCS && {
        description:
          "A failed deployment or smoke test rolls back at once, recorded as the system acting under this policy (default false: the release manager decides, and is emailed).",
      }),
    }),
    retention_days: z
      .number()
      .int()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Days message bodies, delivery records and webhook deliveries are kept (Privacy Act APP 11).",
        }),
      }),
    holidays_enabled: z.boolean().openapi({
      ...(OPENAPI_DOCS && {
        description: "Whether the state's public holidays are deployment freezes (default true).",
      }),
    }),
    sender: SenderSchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Tenant");

export const SenderPatchSchema = z.strictObject({
  name: NameSchema.nullable().optional(),
  email: EmailSchema.nullable().optional(),
  postal_address: z.string().trim().min(1).max(500).nullable().optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d ()-]{6,20}$/, "must be a phone number")
    .nullable()
    .optional(),
});

export const TenantPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    timezone: TimeZoneSchema.optional(),
    state: AuStateSchema.optional(),
    holidays_enabled: z.boolean().optional(),
    second_approver_for_high_risk: z.boolean().optional(),
    client_sign_off_for_high_risk: z.boolean().optional(),
    auto_rollback_on_failure: z.boolean().optional(),
    retention_days: z.number().int().min(7, "must be at least 7 days").max(3650).optional(),
    sender: SenderPatchSchema.optional(),
  })
  .openapi("TenantPatch");

export function presentTenant(row: TenantRow) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timezone: row.timezone,
    state: row.state,
    holidays_enabled: row.holidaysEnabled,
    second_approver_for_high_risk: row.secondApproverForHighRisk,
    client_sign_off_for_high_risk: row.clientSignOffForHighRisk,
    auto_rollback_on_failure: row.autoRollbackOnFailure,
    retention_days: row.retentionDays,
    sender: {
      name: row.senderName,
      email: row.senderEmail,
      email_confirmed_at: row.senderEmailConfirmedAt?.toISOString() ?? null,
      postal_address: row.senderPostalAddress,
      phone: row.senderPhone,
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
