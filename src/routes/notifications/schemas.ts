import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
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
    email: z
      .string()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "Masked for engineers and viewers." }) }),
    will_receive: z.object({
      factual: z.boolean(),
      commercial: z.boolean(),
      reason: z
        .string()
        .nullable()
        .openapi({ ...(OPENAPI_DOCS && { description: "Why not, when the answer is no." }) }),
    }),
  })
  .openapi("Recipient");

export const RecipientsSchema = z
  .object({ release_id: z.uuid(), recipients: z.array(RecipientSchema) })
  .openapi("Recipients");

export const NOTIFICATION_STATUSES = [
  "queued",
  "retrying",
  "sent",
  "skipped",
  "failed",
  "cancelled",
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

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
        .openapi({
          ...(OPENAPI_DOCS && {
            description:
              "In full for owners, masked for other roles; null until composed, or after erasure or retention.",
          }),
        }),
    }),
    subject: z.string(),
    status: z.enum(NOTIFICATION_STATUSES).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "queued: waiting to be sent; retrying: the last attempt failed and another is due at next_attempt_at; sent; skipped: not sent for a policy reason (skip_reason); failed: given up after about an hour of retries or refused by the provider (skip_reason says which); cancelled: cancelled by the release manager or an owner (cancel_reason). Closure waits only for queued and retrying messages.",
      }),
    }),
    skip_reason: z.enum(SKIP_REASONS).nullable(),
    cancel_reason: z.string().nullable(),
    cancelled_by: z
      .uuid()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "The member who cancelled it." }) }),
    skip_detail: z.string().nullable(),
    attempts: z.number().int(),
    next_attempt_at: Timestamp.nullable(),
    last_error: z.string().nullable(),
    sent_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("Notification");

export const NotificationDetailSchema = NotificationSchema.extend({
  rendered: z
    .object({
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      preview: z.boolean().openapi({
        ...(OPENAPI_DOCS && {
          description: "true: not attempted yet, composed for this answer as it would be sent now.",
        }),
      }),
    })
    .nullable()
    .openapi({
      ...(OPENAPI_DOCS && {
        description:
          "The message as sent (or, before its first attempt, as it would be sent), for owners and release managers; null for other roles, after erasure or retention, and for messages never composed.",
      }),
    }),
}).openapi("NotificationDetail");

export const CancelNotificationSchema = z
  .strictObject({ reason: z.string().trim().min(1, "say why").max(1000) })
  .openapi("CancelNotification");

export const CancelReleaseNotificationsSchema = z
  .strictObject({
    reason: z.string().trim().min(1, "say why").max(1000),
    message_ids: z
      .array(z.uuid({ message: "must be a message id" }))
      .min(1)
      .max(500)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Only these messages; omitted, every queued or retrying message of the release.",
        }),
      }),
  })
  .openapi("CancelReleaseNotifications");

export const NotificationPageSchema = pageOf(NotificationSchema, "NotificationPage").extend({
  email_configured: z.boolean().openapi({
    ...(OPENAPI_DOCS && {
      description: "False when no Resend API key is configured: messages stay queued, nothing is sent.",
    }),
  }),
  note: z.string().nullable(),
});

export const NotificationQuery = z.object({
  release_id: z
    .uuid()
    .optional()
    .openapi({
      param: { name: "release_id", in: "query" },
      ...(OPENAPI_DOCS && { description: "Only this release's messages." }),
    }),
});
