import { z } from "@hono/zod-openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, METRICS_INTERVALS } from "../../domain/metrics";

const localDate = (name: "from" | "to", description: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD")
    .optional()
    .openapi({
      param: { name, in: "query" },
      description,
      example: name === "from" ? "2026-10-01" : "2026-12-31",
    });

const scopeId = (name: "client_id" | "project_id", what: string) =>
  z
    .uuid()
    .optional()
    .openapi({
      param: { name, in: "query" },
      ...(OPENAPI_DOCS && { description: `Only ${what}. Not with the other scope.` }),
    });

export const DoraQuery = z
  .object({
    from: localDate(
      "from",
      `First day (inclusive) in the agency's zone. Default: ${DEFAULT_RANGE_DAYS - 1} days before \`to\`.`,
    ),
    to: localDate(
      "to",
      `Last day (inclusive) in the agency's zone; at most ${MAX_RANGE_DAYS} days after \`from\`. Default: today.`,
    ),
    client_id: scopeId("client_id", "this client's projects"),
    project_id: scopeId("project_id", "this project"),
    interval: z
      .enum(METRICS_INTERVALS)
      .default("week")
      .openapi({
        param: { name: "interval", in: "query" },
        ...(OPENAPI_DOCS && {
          description:
            "Period of the series: ISO weeks from Monday, or calendar months, in the agency's zone.",
        }),
      }),
  })
  .refine((query) => !(query.client_id && query.project_id), {
    message: "send client_id or project_id, not both",
    path: ["project_id"],
  });

const hours = (description: string) => z.number().nullable().openapi({ description, example: 26.5 });

export const DoraScopeSchema = z
  .object({
    kind: z.enum(["agency", "client", "project"]),
    id: z.uuid(),
    name: z.string().openapi({ example: "Bondi Surf Co" }),
  })
  .openapi("DoraScope", { ...(OPENAPI_DOCS && { description: "What the figures cover." }) });

export const DoraPeriodSchema = z
  .object({
    period_start: z.string().openapi({
      ...(OPENAPI_DOCS && { description: "First day of the period, YYYY-MM-DD." }),
      example: "2026-10-05",
    }),
    deployments: z.int(),
    failures: z
      .int()
      .openapi({ ...(OPENAPI_DOCS && { description: "Of those deployments, the failed changes." }) }),
    lead_time_p50_hours: hours("Median lead time of the period's deployments; null when none."),
  })
  .openapi("DoraPeriod", {
    ...(OPENAPI_DOCS && { description: "One period of the series; every period in the range is present." }),
  });

export const DoraMetricsSchema = z
  .object({
    from: z.string().openapi({ example: "2026-10-01" }),
    to: z.string().openapi({ example: "2026-12-31" }),
    timezone: z.string().openapi({ example: "Australia/Sydney" }),
    interval: z.enum(METRICS_INTERVALS),
    scope: DoraScopeSchema,
    deployment_frequency: z.object({
      deployments: z.int().openapi({
        ...(OPENAPI_DOCS && { description: "Release attempts whose production deployment completed." }),
      }),
      per_week: z.number().openapi({ example: 2.15 }),
    }),
    lead_time_for_changes: z.object({
      p50_hours: hours(
        "Median hours from the first CI report about a release (or its creation) to its deployment.",
      ),
      p90_hours: hours("90th percentile of the same."),
      samples: z.int(),
    }),
    change_failure_rate: z.object({
      failed: z.int().openapi({
        ...(OPENAPI_DOCS && {
          description: "Deployments rolled back, judged unstable, or whose rollback failed.",
        }),
      }),
      deployments: z.int(),
      rate: z
        .number()
        .nullable()
        .openapi({
          ...(OPENAPI_DOCS && { description: "failed ÷ deployments; null with no deployments." }),
          example: 0.08,
        }),
    }),
    time_to_restore: z.object({
      p50_hours: hours(
        "Median hours from the failure being recorded to the rollback, or a fixing deployment, completing.",
      ),
      samples: z.int(),
    }),
    series: z.array(DoraPeriodSchema),
  })
  .openapi("DoraMetrics", {
    ...(OPENAPI_DOCS && {
      description:
        "DORA's four keys for a range and scope. Definitions: a deployment is a release attempt whose production deployment completed; a failed change is a deployment followed by a rollback, an `unstable` decision or a failed rollback; lead time runs from the first CI report about the release (or its creation when no CI is linked) to deployment completed; time to restore runs from the failure being recorded to the rollback (or a fixing deployment) completing.",
    }),
  });
