import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { APPROVAL_LINK_DEFAULT_HOURS, APPROVAL_LINK_MAX_HOURS } from "../../releases/approval-link-token";

const Kind = z.enum(["sign_off", "uat"]).openapi({
  ...(OPENAPI_DOCS && {
    description:
      "sign_off: the client approves the release for go, or asks for changes (counts toward the client gate). uat: the client's acceptance-test verdict after deployment, recorded as a UAT result under the suite 'Client acceptance'.",
  }),
});

export const ApprovalRequestCreateSchema = z
  .strictObject({
    contact_id: z
      .uuid()
      .openapi({ ...(OPENAPI_DOCS && { description: "A contact of the release's client (not erased)." }) }),
    kind: Kind,
    message: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(2000, "must be at most 2,000 characters")
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "A note to the client, shown on the page and in the email. No personal data needed.",
        }),
        example: "Please check the new gift-card flow on your phone before Thursday.",
      }),
    expires_in_hours: z
      .int()
      .min(1, "must be at least 1 hour")
      .max(APPROVAL_LINK_MAX_HOURS, `must be at most ${APPROVAL_LINK_MAX_HOURS} hours (two weeks)`)
      .default(APPROVAL_LINK_DEFAULT_HOURS)
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `How long the link works, in hours (at most ${APPROVAL_LINK_MAX_HOURS}). Default when omitted: ${APPROVAL_LINK_DEFAULT_HOURS}.`,
        }),
      }),
  })
  .openapi("ApprovalRequestCreate");

export const ApprovalRequestSchema = z
  .object({
    id: z.uuid(),
    release_id: z.uuid(),
    attempt: z.int(),
    contact_id: z.uuid(),
    kind: Kind,
    status: z.enum(["pending", "decided", "withdrawn", "expired"]).openapi({
      ...(OPENAPI_DOCS && {
        description: "pending until the client answers, the agency withdraws it, or it expires.",
      }),
    }),
    message: z.string().nullable(),
    expires_at: Timestamp,
    decision: z
      .enum(["approved", "changes_requested", "passed", "failed"])
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "The client's answer: approved or changes_requested (sign_off), passed or failed (uat).",
        }),
      }),
    decision_note: z
      .string()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "What the client wrote with their answer." }) }),
    decided_at: Timestamp.nullable(),
    withdrawn_at: Timestamp.nullable(),
    created_by: z.uuid().nullable(),
    created_at: Timestamp,
  })
  .openapi("ApprovalRequest");

export const IssuedApprovalRequestSchema = ApprovalRequestSchema.extend({
  url: z.string().openapi({
    ...(OPENAPI_DOCS && {
      description:
        "The client's page, on PUBLIC_BASE_URL. Shown once: it is emailed to the contact and not stored; withdraw the request and send another if it is lost.",
    }),
    example: "https://api.example.com.au/a/eyJhbGciOiJIUzI1NiJ9…",
  }),
  email: z
    .object({
      status: z.enum(["queued", "not_sent"]),
      reason: z
        .string()
        .nullable()
        .openapi({
          ...(OPENAPI_DOCS && {
            description:
              "Why no email goes out (unsubscribed, suppressed, no_address): share `url` another way.",
          }),
        }),
    })
    .openapi({ ...(OPENAPI_DOCS && { description: "The email to the contact with the link." }) }),
}).openapi("IssuedApprovalRequest");

export const ApprovalRequestPageSchema = pageOf(ApprovalRequestSchema, "ApprovalRequestPage");

/** What the client's page posts: the answer and an optional note. */
export const ApprovalAnswerFormSchema = z
  .object({
    decision: z.enum(["approved", "changes_requested", "passed", "failed"]),
    note: z.string().max(4000).optional(),
  })
  .openapi("ApprovalAnswerForm");
