import { z } from "@hono/zod-openapi";
import { pageOf, Timestamp } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import type { ClientReportLinkRow } from "../../db/schema";
import { REPORT_LINK_DEFAULT_DAYS, REPORT_LINK_MAX_DAYS } from "../../metrics/report-link-token";
import { DoraMetricsSchema } from "../metrics/schemas";

export const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/, "must be a month, YYYY-MM")
    .optional()
    .openapi({
      param: { name: "month", in: "query" },
      ...(OPENAPI_DOCS && {
        description: "The month, YYYY-MM, in the agency's zone. Default: the current month.",
      }),
      example: "2026-11",
    }),
});

const LocalTime = z.string().openapi({
  ...(OPENAPI_DOCS && { description: "Local time with the zone's offset." }),
  example: "2026-11-12T21:30:00+11:00",
});

export const ClientReportSchema = z
  .object({
    agency: z.object({ name: z.string().openapi({ example: "Harbour Digital" }) }),
    client: z.object({ id: z.uuid(), name: z.string().openapi({ example: "Bondi Surf Co" }) }),
    month: z.string().openapi({ example: "2026-11" }),
    timezone: z.string().openapi({ example: "Australia/Sydney" }),
    releases_shipped: z.array(
      z.object({
        release_id: z.uuid(),
        project: z.object({ id: z.uuid(), name: z.string().openapi({ example: "Surf shop" }) }),
        version: z.string().openapi({ example: "5.2.0" }),
        title: z.string().openapi({ example: "Summer range and gift cards" }),
        attempt: z.int(),
        deployed_at: LocalTime,
        window: z.object({ starts_at: LocalTime, ends_at: LocalTime }).nullable(),
        failed_change: z.boolean().openapi({
          ...(OPENAPI_DOCS && { description: "Rolled back, judged unstable, or its rollback failed." }),
        }),
        lead_time_hours: z.number(),
      }),
    ),
    rollbacks: z.array(
      z.object({
        release_id: z.uuid(),
        project_name: z.string(),
        version: z.string(),
        started_at: LocalTime,
        trigger: z.enum(["rollback_decision", "unstable_decision"]).nullable(),
        reason: z
          .string()
          .nullable()
          .openapi({ ...(OPENAPI_DOCS && { description: "The release manager's recorded reason." }) }),
        outcome: z.enum(["completed", "failed", "in_progress"]),
        ended_at: LocalTime.nullable(),
      }),
    ),
    windows_used: z.int().openapi({
      ...(OPENAPI_DOCS && { description: "Distinct deployment slots the month's deployments used." }),
    }),
    dora: DoraMetricsSchema,
  })
  .openapi("ClientReport", {
    ...(OPENAPI_DOCS && {
      description:
        "A client's month: what shipped and in which window, rollbacks and why, and the client's DORA figures by week. Names no person.",
    }),
  });

export const ReportLinkCreateSchema = z
  .strictObject({
    month: z
      .string()
      .regex(/^\d{4}-\d{2}$/, "must be a month, YYYY-MM")
      .openapi({
        ...(OPENAPI_DOCS && { description: "The month the link shows, YYYY-MM." }),
        example: "2026-11",
      }),
    expires_in_days: z
      .int()
      .min(1)
      .max(REPORT_LINK_MAX_DAYS)
      .default(REPORT_LINK_DEFAULT_DAYS)
      .openapi({
        ...(OPENAPI_DOCS && {
          description: `How long the link works, in days (at most ${REPORT_LINK_MAX_DAYS}).`,
        }),
      }),
  })
  .openapi("ClientReportLinkCreate");

export const ReportLinkSchema = z
  .object({
    id: z.uuid(),
    client_id: z.uuid(),
    month: z.string().openapi({ example: "2026-11" }),
    expires_at: Timestamp,
    created_by: z.uuid().nullable(),
    created_at: Timestamp,
  })
  .openapi("ClientReportLink");

export const IssuedReportLinkSchema = ReportLinkSchema.extend({
  url: z.string().openapi({
    ...(OPENAPI_DOCS && {
      description:
        "The page for the client, on PUBLIC_BASE_URL. Shown once: it is not stored, and another one can be issued at any time.",
    }),
    example: "https://api.example.com.au/s/eyJhbGciOiJIUzI1NiJ9…",
  }),
}).openapi("IssuedClientReportLink");

export const ReportLinkPageSchema = pageOf(ReportLinkSchema, "ClientReportLinkPage");

export function presentReportLink(row: ClientReportLinkRow) {
  return {
    id: row.id,
    client_id: row.clientId,
    month: row.month,
    expires_at: row.expiresAt.toISOString(),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}
