import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { ContactRow } from "../../db/schema";
import { maskEmail } from "../../domain/notifications";
import { EmailSchema, NameSchema } from "../../lib/validation";

/** Consent is recorded after the fact; a date before 1990 or ahead of now is a typo. */
const EARLIEST_CONSENT = Date.parse("1990-01-01T00:00:00Z");
/** A caller's clock may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const ConsentInputSchema = z
  .strictObject({
    basis: z.enum(["express", "inferred"]).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "Spam Act consent: express (the person agreed; record how) or inferred (an existing business relationship).",
      }),
    }),
    obtained_at: z.iso
      .datetime({ offset: true, message: "must be an RFC 3339 timestamp" })
      .refine((at) => Date.parse(at) >= EARLIEST_CONSENT, {
        message: "must be in 1990 or later (the Spam Act dates from 2003)",
      })
      .refine((at) => Date.parse(at) <= Date.now() + CLOCK_SKEW_MS, {
        message: "must not be in the future: record when the person agreed",
      })
      .openapi({
        ...(OPENAPI_DOCS && { description: "When the person agreed: not in the future, not before 1990." }),
      }),
    method: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .openapi({ example: "Ticked the release-updates box on the kickoff form" }),
    evidence: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Where the proof is kept (a link or a reference), not a copy of it.",
        }),
      }),
  })
  .openapi("ConsentInput");

export const ConsentSchema = z
  .object({
    basis: z.enum(["express", "inferred", "none"]),
    obtained_at: Timestamp.nullable(),
    method: z.string().nullable(),
    evidence: z.string().nullable(),
  })
  .openapi("Consent");

export const ContactSchema = z
  .object({
    id: z.uuid(),
    client_id: z.uuid().nullable(),
    name: z.string().nullable(),
    email: z
      .string()
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Masked (`o***@h***.example`) for engineers and viewers." }),
      }),
    role: z.string().nullable(),
    consent: ConsentSchema,
    purpose: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "Why the agency holds this person's details (APP 5)." }),
    }),
    unsubscribed_at: Timestamp.nullable(),
    suppressed_at: Timestamp.nullable(),
    suppression_reason: z.string().nullable(),
    erased_at: Timestamp.nullable().openapi({
      ...(OPENAPI_DOCS && { description: "Set when erased: only this pseudonymous trace remains." }),
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Contact");

export const ContactPageSchema = pageOf(ContactSchema, "ContactPage");

export const ContactCreateSchema = z
  .strictObject({
    name: NameSchema,
    email: EmailSchema,
    role: z.string().trim().min(1).max(100).optional().openapi({ example: "Marketing manager" }),
    client_id: z.uuid().nullable().optional(),
    consent: ConsentInputSchema.nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Omit when none is recorded: the contact then receives factual messages only.",
        }),
      }),
    purpose: z.string().trim().min(1).max(500).optional(),
  })
  .openapi("ContactCreate");

export const ContactPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    email: EmailSchema.optional(),
    role: z.string().trim().min(1).max(100).nullable().optional(),
    client_id: z.uuid().nullable().optional(),
    consent: ConsentInputSchema.nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "A new consent record; null withdraws consent. Express consent obtained after an unsubscribe re-subscribes.",
        }),
      }),
    purpose: z.string().trim().min(1).max(500).optional(),
  })
  .openapi("ContactPatch");

export const ContactListQuery = z.object({
  client_id: z
    .uuid()
    .optional()
    .openapi({
      param: { name: "client_id", in: "query" },
      ...(OPENAPI_DOCS && { description: "Only this client's contacts." }),
    }),
});

export const ContactExportSchema = z
  .object({
    generated_at: Timestamp,
    contact: ContactSchema,
    communication_lists: z.array(z.object({ release_id: z.uuid(), role: z.string() })),
    messages: z.array(
      z.object({
        id: z.uuid(),
        release_id: z.uuid().nullable(),
        event: z.string(),
        classification: z.string(),
        status: z.string(),
        skip_reason: z.string().nullable(),
        to_address: z.string().nullable(),
        subject: z.string(),
        body_text: z.string().nullable(),
        sent_at: Timestamp.nullable(),
        created_at: Timestamp,
      }),
    ),
    notes: z.array(z.string()),
  })
  .openapi("ContactExport", {
    ...(OPENAPI_DOCS && {
      description:
        "Everything the agency holds about the person (APP 12), including the messages sent to them.",
    }),
  });

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function presentContact(row: ContactRow, options: { mask: boolean }) {
  return {
    id: row.id,
    client_id: row.clientId,
    name: row.name,
    email: options.mask ? maskEmail(row.email) : row.email,
    role: row.role,
    consent: {
      basis: row.consentBasis as "express" | "inferred" | "none",
      obtained_at: iso(row.consentAt),
      method: row.consentMethod,
      evidence: options.mask ? null : row.consentEvidence,
    },
    purpose: row.purpose,
    unsubscribed_at: iso(row.unsubscribedAt),
    suppressed_at: iso(row.suppressedAt),
    suppression_reason: row.suppressionReason,
    erased_at: iso(row.erasedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
