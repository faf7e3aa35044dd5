import type { AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import { findTenant } from "../../db/repositories/tenants";
import type { Tx } from "../../db/scope";
import { type DoraMetrics, metricsTitle, renderDoraChart, resolveMetricsRange } from "../../domain/metrics";
import { ApiError, notFound } from "../../lib/problem";
import { loadDoraMetrics, resolveScope } from "../../metrics/dora";
import type { getDoraChart, getDoraMetrics } from "./routes";

type DoraQuery = {
  from?: string | undefined;
  to?: string | undefined;
  client_id?: string | undefined;
  project_id?: string | undefined;
  interval: "week" | "month";
};

async function metricsFor(tx: Tx, tenantId: string, query: DoraQuery, now: Date): Promise<DoraMetrics> {
  const tenant = await findTenant(tx, tenantId);
  if (!tenant) throw notFound("The agency");
  const resolved = resolveMetricsRange(query, tenant.timezone, now);
  if ("problems" in resolved) {
    const errors = resolved.problems.map((p) => ({ path: `query.${p.field}`, message: p.message }));
    throw new ApiError(
      "unprocessable",
      `The range cannot be measured: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}.`,
      { errors },
    );
  }
  const scope = await resolveScope(tx, tenant, { clientId: query.client_id, projectId: query.project_id });
  return loadDoraMetrics(tx, tenant.id, scope, resolved.range, query.interval);
}

export const getDoraMetricsHandler: AppRouteHandler<typeof getDoraMetrics> = async (c) => {
  const query = c.req.valid("query");
  const metrics = await withTenant(c, ({ tx, actor }) => metricsFor(tx, actor.tenantId, query, new Date()));
  return c.json(metrics, 200);
};

export const getDoraChartHandler: AppRouteHandler<typeof getDoraChart> = async (c) => {
  const query = c.req.valid("query");
  const metrics = await withTenant(c, ({ tx, actor }) => metricsFor(tx, actor.tenantId, query, new Date()));
  const svg = renderDoraChart({
    title: metricsTitle(metrics.scope, metrics),
    interval: metrics.interval,
    series: metrics.series,
  });
  return c.body(svg, 200, {
    "Content-Type": "image/svg+xml; charset=utf-8",
    // An SVG opened on its own is a document: it may run nothing and load nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Cache-Control": "private, max-age=60",
  }) as never;
};
