import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { FeedTokenRow } from "../../db/repositories/windows";
import { NameSchema } from "../../lib/validation";

/** Longest range GET /v1/calendar expands at once (a quarter); the .ics feed has its own fixed range. */
export const MAX_CALENDAR_DAYS = 93;

const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const instantParam = (name: "from" | "to", description: string) =>
  z
    .string()
    .regex(DATE_OR_INSTANT, `${name} must be a date (YYYY-MM-DD) or an RFC 3339 timestamp with offset`)
    .openapi({
      param: { name, in: "query" },
      description,
      example: name === "from" ? "2026-10-01" : "2026-10-31",
    });

const scopeParams = {
  project_id: z
    .uuid({ message: "project_id must be a UUID" })
    .optional()
    .openapi({
      param: { name: "project_id", in: "query" },
      ...(OPENAPI_DOCS && {
        description: "Only what applies to this project's releases (its client's holidays).",
      }),
    }),
  client_id: z
    .uuid({ message: "client_id must be a UUID" })
    .optional()
    .openapi({
      param: { name: "client_id", in: "query" },
      ...(OPENAPI_DOCS && { description: "Only what applies to this client's releases (its holidays)." }),
    }),
};

/** What a calendar can show; public holidays are freezes. */
export const CALENDAR_KINDS = ["maintenance", "business_hours", "freeze", "release"] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

const kindsParam = z
  .string()
  .max(200)
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return undefined;
    const kinds = text.split(",");
    const unknown = kinds.filter((kind) => !(CALENDAR_KINDS as readonly string[]).includes(kind));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `unknown kind ${unknown.map((k) => JSON.stringify(k)).join(", ")}; use a comma-separated list of ${CALENDAR_KINDS.join(", ")}`,
      });
      return z.NEVER;
    }
    return new Set(kinds as CalendarKind[]);
  })
  .openapi({
    param: { name: "kinds", in: "query" },
    type: "string",
    pattern: `^(${CALENDAR_KINDS.join("|")})(,(${CALENDAR_KINDS.join("|")}))*$`,
    ...(OPENAPI_DOCS && {
      description: `Only these, comma-separated: ${CALENDAR_KINDS.join(", ")} (public holidays are freezes). Default: everything. \`maintenance,freeze,release\` leaves business hours out.`,
    }),
    example: "maintenance,freeze,release",
  });

export const CalendarQuery = z.object({
  from: instantParam("from", "Start (inclusive). A date is midnight in the calendar's zone."),
  to: instantParam("to", "End (exclusive). A date means the end of that day in the calendar's zone."),
  ...scopeParams,
  kinds: kindsParam,
});

export const FeedQuery = z.object({
  ...scopeParams,
  kinds: kindsParam,
  token: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: "token", in: "query" },
      ...(OPENAPI_DOCS && {
        description:
          "A calendar feed token (POST /v1/calendar/feed-tokens), for apps that cannot send headers.",
      }),
    }),
});

const HolidaySchema = z.object({
  id: z.string(),
  date: z.string(),
  state: z.string(),
  source: z.string(),
  subject_to_proclamation: z.boolean(),
  part_day: z.object({ from: z.string(), to: z.string() }).nullable(),
  regional: z.string().nullable(),
  note: z.string().nullable(),
});

const OccurrenceSchema = z
  .object({
    window_id: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "A window's id, or holiday:{STATE}:{id} for a public holiday." }),
    }),
    occurrence_key: z.string(),
    kind: z.enum(["maintenance", "business_hours", "freeze"]),
    name: z.string(),
    source: z.enum(["window", "holiday"]),
    scope: z.enum(["agency", "client", "project"]).nullable(),
    client_id: z.uuid().nullable(),
    project_id: z.uuid().nullable(),
    freeze: z.boolean(),
    starts_at: Timestamp,
    ends_at: Timestamp,
    local_start: z.string().openapi({ example: "2026-10-04T22:00:00+11:00" }),
    local_end: z.string(),
    timezone: z.string(),
    adjustments: z
      .array(z.string())
      .openapi({ ...(OPENAPI_DOCS && { description: "What a DST change did to this occurrence." }) }),
    holiday: HolidaySchema.nullable(),
    releases: z.array(
      z.object({
        id: z.uuid(),
        version: z.string(),
        status: z.string(),
        stage: z.string(),
        project_id: z.uuid(),
      }),
    ),
  })
  .openapi("CalendarOccurrence");

export const CalendarSchema = z
  .object({
    from: Timestamp,
    to: Timestamp,
    timezone: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "The client's zone when scoped to one, else the agency's." }),
    }),
    holidays: z
      .object({ state: z.string(), timezone: z.string() })
      .nullable()
      .openapi({
        ...(OPENAPI_DOCS && { description: "Whose public holidays are freezes; null when switched off." }),
      }),
    holiday_years_missing: z.array(z.number().int()).openapi({
      ...(OPENAPI_DOCS && {
        description: "Years in range the holiday data does not cover yet: holidays there are not shown.",
      }),
    }),
    occurrences: z.array(OccurrenceSchema),
    releases: z.array(
      z.object({
        id: z.uuid(),
        version: z.string(),
        title: z.string(),
        status: z.string(),
        stage: z.string(),
        project_id: z.uuid(),
        project_name: z.string(),
        client_id: z.uuid(),
        client_name: z.string(),
        window_id: z.uuid().nullable(),
        starts_at: Timestamp,
        ends_at: Timestamp,
      }),
    ),
  })
  .openapi("Calendar");

export const FeedTokenCreateSchema = z
  .strictObject({
    name: NameSchema,
    client_id: z
      .uuid({ message: "client_id must be a UUID" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description: "Bind the feed to this client's releases and windows (its holidays, its zone).",
        }),
      }),
    project_id: z
      .uuid({ message: "project_id must be a UUID" })
      .optional()
      .openapi({
        ...(OPENAPI_DOCS && {
          description:
            "Bind the feed to this project's releases and windows. At most one of client_id and project_id.",
        }),
      }),
  })
  .refine((body) => body.client_id === undefined || body.project_id === undefined, {
    message: "pass client_id or project_id, not both (a project already names its client)",
    path: ["project_id"],
  })
  .openapi("CalendarFeedTokenCreate");

export const FeedTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scope: z.enum(["agency", "client", "project"]).openapi({
      ...(OPENAPI_DOCS && {
        description:
          "What the feed shows, bound when the token was issued; the feed URL can narrow it, never widen it.",
      }),
    }),
    client_id: z.uuid().nullable(),
    project_id: z.uuid().nullable(),
    created_by: z.uuid().nullable(),
    created_at: Timestamp,
    revoked_at: Timestamp.nullable(),
  })
  .openapi("CalendarFeedToken");

export const IssuedFeedTokenSchema = FeedTokenSchema.extend({
  token: z
    .string()
    .openapi({ ...(OPENAPI_DOCS && { description: "Shown once; only its SHA-256 is stored." }) }),
  feed_url: z.string().openapi({
    ...(OPENAPI_DOCS && {
      description:
        "Subscribe to this URL (on PUBLIC_BASE_URL). Add `&kinds=maintenance,freeze,release` to leave business hours out, or `&project_id=…` to narrow an agency or client feed.",
    }),
  }),
}).openapi("IssuedCalendarFeedToken");

export const FeedTokenPageSchema = pageOf(FeedTokenSchema, "CalendarFeedTokenPage");

export function presentFeedToken(row: FeedTokenRow) {
  return {
    id: row.id,
    name: row.name,
    scope: row.projectId ? ("project" as const) : row.clientId ? ("client" as const) : ("agency" as const),
    client_id: row.clientId,
    project_id: row.projectId,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}
