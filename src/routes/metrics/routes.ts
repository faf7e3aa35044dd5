import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, errorResponses, jsonContent, TENANT_READ_ERRORS } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES } from "../../lib/auth/tokens";
import { DoraMetricsSchema, DoraQuery } from "./schemas";

const tags = ["Metrics"];

export const getDoraMetrics = createRoute({
  operationId: "getDoraMetrics",
  method: "get",
  path: "/v1/metrics/dora",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "DORA metrics for the agency, a client or a project",
    description:
      "Deployment frequency, lead time for changes, change failure rate and time to restore for a range of days, with a series by week or month, all in the agency's zone. Computed from what the API recorded: deployments, rollbacks, stability decisions and CI reports.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: DoraQuery },
  responses: {
    200: jsonContent(DoraMetricsSchema, "The metrics."),
    ...errorResponses(...TENANT_READ_ERRORS, 422),
  },
});

export const getDoraChart = createRoute({
  operationId: "getDoraChart",
  method: "get",
  path: "/v1/metrics/dora.svg",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The same metrics as an SVG chart",
    description:
      "Deployments per period with failed changes marked, and median lead time as a line. Self-contained SVG with a title and description for screen readers; no scripts, nothing loaded from elsewhere.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: DoraQuery },
  responses: {
    200: { description: "The chart.", content: { "image/svg+xml": { schema: z.string() } } },
    ...errorResponses(...TENANT_READ_ERRORS, 422),
  },
});
