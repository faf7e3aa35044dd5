import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { WindowRecord } from "../../db/repositories/windows";
import { WEEKDAY_CODES, WINDOW_KINDS, type WindowProblem } from "../../domain/windows";
import { NameSchema } from "../../lib/validation";
import { scopeOf } from "../../windows/stored-windows";

export const WindowKindSchema = z
  .enum(WINDOW_KINDS, { message: `kind must be one of ${WINDOW_KINDS.join(", ")}` })
  .openapi({
    ...(OPENAPI_DOCS && {
      description:
        "maintenance: high- and low-risk releases may deploy; business_hours: low-risk only; freeze: nothing deploys.",
    }),
  });

const RecurrenceSchema = z
  .strictObject({
    freq: z.enum(["daily", "weekly"], { message: 'freq must be "daily" or "weekly"' }),
    by_day: z
      .array(z.enum(WEEKDAY_CODES, { message: `by_day entries must be ${WEEKDAY_CODES.join(", ")}` }))
      .max(7)
      .nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Weekly only: the weekdays (RFC 5545 BYDAY codes)." }),
        example: ["MO", "WE"],
      }),
    until: z
      .string()
      .max(10)
      .nullable()
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Local date of the last possible occurrence, inclusive." }),
        example: "2027-12-31",
      }),
  })
  .openapi("WindowRecurrence", {
    ...(OPENAPI_DOCS && { description: "Modelled on RRULE: FREQ, BYDAY, UNTIL." }),
  });

const definitionFields = {
  kind: WindowKindSchema,
  name: NameSchema,
  timezone: z
    .string()
    .max(64)
    .nullable()
    .optional()
    .openapi({
      ...(OPENAPI_DOCS && {
        description:
          "IANA zone. Left out or null: the client's zone for client and project windows, else the agency's (followed if they change).",
      }),
      example: "Australia/Sydney",
    }),
  start: z
    .string()
    .max(32)
    .openapi({
      ...(OPENAPI_DOCS && {
        description: "Local wall-clock start of the first occurrence, without offset (DTSTART with TZID).",
      }),
      example: "2026-10-04T22:00",
    }),
  // The bounds are documented here and checked by the domain, whose messages say what to do.
  duration_minutes: z.number().openapi({
    type: "integer",
    minimum: 1,
    maximum: 10080,
    ...(OPENAPI_DOCS && { description: "Elapsed minutes, 1–10080." }),
    example: 120,
  }),
  recurrence: RecurrenceSchema.nullable()
    .optional()
    .openapi({ ...(OPENAPI_DOCS && { description: "Left out or null: a one-off window." }) }),
};

export const WindowCreateSchema = z
  .strictObject({
    ...definitionFields,
    client_id: z
      .uuid({ message: "client_id must be a UUID" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Scope the window to one client (its releases only)." }),
      }),
    project_id: z
      .uuid({ message: "project_id must be a UUID" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Scope the window to one project (implies its client)." }),
      }),
  })
  .openapi("WindowCreate");

export const WindowPatchSchema = z
  .strictObject({
    kind: WindowKindSchema.optional(),
    name: NameSchema.optional(),
    timezone: definitionFields.timezone,
    start: definitionFields.start.optional(),
    duration_minutes: definitionFields.duration_minutes.optional(),
    recurrence: definitionFields.recurrence,
    client_id: z.uuid({ message: "client_id must be a UUID" }).nullable().optional(),
    project_id: z.uuid({ message: "project_id must be a UUID" }).nullable().optional(),
  })
  .openapi("WindowPatch");

const ProblemItemSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

export const WindowSchema = z
  .object({
    id: z.uuid(),
    kind: WindowKindSchema,
    name: z.string(),
    timezone: z
      .string()
      .nullable()
      .openapi({ ...(OPENAPI_DOCS && { description: "As stored; null follows the client or agency." }) }),
    effective_timezone: z
      .string()
      .openapi({ ...(OPENAPI_DOCS && { description: "The zone occurrences are computed in." }) }),
    start: z.string(),
    duration_minutes: z.number().int(),
    recurrence: RecurrenceSchema.nullable(),
    scope: z.enum(["agency", "client", "project"]),
    client_id: z.uuid().nullable(),
    project_id: z.uuid().nullable(),
    next_occurrence: z
      .object({ starts_at: Timestamp, ends_at: Timestamp })
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "The next occurrence not yet opened by the scheduler; null when none is left.",
        }),
      }),
    warnings: z
      .array(ProblemItemSchema)
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "On writes: accepted but worth knowing (a start in a DST gap, …).",
        }),
      }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("DeploymentWindow");

export const WindowPageSchema = pageOf(WindowSchema, "DeploymentWindowPage");

export function presentWindow(record: WindowRecord, warnings?: WindowProblem[]) {
  return {
    id: record.id,
    kind: record.kind as (typeof WINDOW_KINDS)[number],
    name: record.name,
    timezone: record.timezone,
    effective_timezone: record.effectiveTimezone,
    start: record.startLocal,
    duration_minutes: record.durationMinutes,
    recurrence: record.recurrence ?? null,
    scope: scopeOf(record),
    client_id: record.clientId,
    project_id: record.projectId,
    next_occurrence:
      record.nextStartsAt && record.nextEndsAt
        ? { starts_at: record.nextStartsAt.toISOString(), ends_at: record.nextEndsAt.toISOString() }
        : null,
    ...(warnings
      ? {
          warnings: warnings.map((w) => ({
            path: ["body", ...w.path].join("."),
            code: w.code,
            message: w.message,
          })),
        }
      : {}),
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
