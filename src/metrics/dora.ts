import { findClient, findProject } from "../db/repositories/clients";
import { doraAggregates, type MetricsFilter } from "../db/repositories/metrics";
import type { Tx } from "../db/scope";
import {
  type DoraMetrics,
  type DoraScope,
  doraMetrics,
  type MetricsInterval,
  type MetricsRange,
} from "../domain/metrics";
import { notFound } from "../lib/problem";

/** The scope a metrics request names, checked to be this agency's: another agency's id is a 404. */
export async function resolveScope(
  tx: Tx,
  agency: { id: string; name: string },
  filter: MetricsFilter,
): Promise<DoraScope> {
  if (filter.projectId) {
    const project = await findProject(tx, agency.id, filter.projectId);
    if (!project) throw notFound("The project");
    return { kind: "project", id: project.id, name: project.name };
  }
  if (filter.clientId) {
    const client = await findClient(tx, agency.id, filter.clientId);
    if (!client) throw notFound("The client");
    return { kind: "client", id: client.id, name: client.name };
  }
  return { kind: "agency", id: agency.id, name: agency.name };
}

const filterOf = (scope: DoraScope): MetricsFilter =>
  scope.kind === "client" ? { clientId: scope.id } : scope.kind === "project" ? { projectId: scope.id } : {};

/** DORA's four keys for a range and scope, computed in the database in one statement. */
export async function loadDoraMetrics(
  tx: Tx,
  tenantId: string,
  scope: DoraScope,
  range: MetricsRange,
  interval: MetricsInterval,
): Promise<DoraMetrics> {
  const { totals, periods } = await doraAggregates(tx, tenantId, range, interval, filterOf(scope));
  return doraMetrics({ range, interval, scope, totals, periods });
}
