import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { SKIP_REASONS } from "../../domain/notifications";

const RoleSchema = z.string().trim().min(1).max(50).openapi({ example: "client_stakeholder" });

export const RecipientsPutSchema = z
  .strictObject({
    contacts: z
      .array(z.strictObject({ contact_id: z.uuid(), role: RoleSchema }))
      .max(500)
      .default([]),
    members: z
      .array(z.strictObject({ member_id: z.uuid(), role: RoleSchema }))
      .max(500)
      .default([]),
  })
  .openapi("RecipientsPut");

export const RecipientSchema = z
  .object({
    kind: z.enum(["contact", "member"]),
    contact_id: z.uuid().nullable(),
    member_id: z.uuid().nullable(),
    role: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable().openapi({ description: "Masked for engineers and viewers." }),
    will_receive: z.object({
      factual: z.boolean(),
      commercial: z.boolean(),
      reason: z.string().nullable().openapi({ description: "Why not, when the answer is no." }),
    }),
  })
  .openapi("Recipient");

export const RecipientsSchema = z
  .object({ release_id: z.uuid(), recipients: z.array(RecipientSchema) })
  .openapi("Recipients");

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    release_id: z.uuid().nullable(),
    event: z.string(),
    classification: z.enum(["factual", "commercial"]),
    recipient: z.object({
      kind: z.enum(["contact", "member"]),
      contact_id: z.uuid().nullable(),
      member_id: z.uuid().nullable(),
      address: z
        .string()
        .nullable()
        .openapi({ description: "Masked; null until composed, or after erasure or retention." }),
    }),
    subject: z.string(),
    status: z.enum(["queued", "sending", "sent", "skipped", "failed"]).openapi({
      description:
        "queued: waiting to be sent; failed: the last attempt failed and it will be retried; sent; skipped: not sent, see skip_reason.",
    }),
    skip_reason: z.enum(SKIP_REASONS).nullable(),
    skip_detail: z.string().nullable(),
    attempts: z.number().int(),
    next_attempt_at: Timestamp.nullable(),
    last_error: z.string().nullable(),
    sent_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("Notification");

export const NotificationPageSchema = pageOf(NotificationSchema, "NotificationPage").extend({
  email_configured: z.boolean().openapi({
    description: "False when no Resend API key is configured: messages stay queued, nothing is sent.",
  }),
  note: z.string().nullable(),
});

export const NotificationQuery = z.object({
  release_id: z
    .uuid()
    .optional()
    .openapi({ param: { name: "release_id", in: "query" }, description: "Only this release's messages." }),
});
