import { type SQL, sql } from "drizzle-orm";
import type { ChartPeriod, DoraTotals, MetricsInterval, MetricsRange } from "../../domain/metrics";
import type { Tx } from "../scope";

/** Whose deployments: the whole agency, one client's projects, or one project. */
export type MetricsFilter = { clientId?: string | undefined; projectId?: string | undefined };

/**
 * One row per deployment in the range, with the times the four keys are measured from (definitions
 * in src/domain/metrics/dora.ts). Found through the partial index on completed deployments by
 * tenant and time; each time is one indexed lookup on the release (and attempt).
 */
function measuredDeployments(tenantId: string, range: MetricsRange, filter: MetricsFilter): SQL {
  return sql`
    deployed as (
      select distinct on (d.release_id, d.attempt)
        d.tenant_id, d.release_id, d.attempt, d.created_at as deployed_at,
        r.created_at as release_created_at, r.project_id, p.client_id
      from deployment_log_entries d
      join releases r on r.tenant_id = d.tenant_id and r.id = d.release_id
      join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
      where d.tenant_id = ${tenantId}
        and d.kind = 'deployment_completed'
        and d.created_at >= ${new Date(range.startMs)} and d.created_at < ${new Date(range.endMs)}
        and (${filter.clientId ?? null}::uuid is null or p.client_id = ${filter.clientId ?? null}::uuid)
        and (${filter.projectId ?? null}::uuid is null or r.project_id = ${filter.projectId ?? null}::uuid)
        -- A second report of the same completion counts once, in the period of the first.
        and not exists (
          select 1 from deployment_log_entries earlier
          where earlier.release_id = d.release_id and earlier.attempt = d.attempt
            and earlier.kind = 'deployment_completed' and earlier.created_at < d.created_at
        )
      order by d.release_id, d.attempt, d.created_at
    ),
    timed as (
      select dep.*,
        coalesce(
          least(
            (select min(coalesce(tr.reported_at, tr.created_at)) from test_results tr
              where tr.release_id = dep.release_id and tr.attempt <= dep.attempt and tr.source = 'ci'),
            (select min(coalesce(dl.reported_at, dl.created_at)) from deployment_log_entries dl
              where dl.release_id = dep.release_id and dl.attempt <= dep.attempt and dl.source = 'ci')
          ),
          dep.release_created_at
        ) as lead_started_at,
        (select min(e.created_at) from release_events e
          where e.tenant_id = dep.tenant_id and e.release_id = dep.release_id and e.attempt = dep.attempt
            and e.created_at >= dep.deployed_at
            and (e.type in ('rollback_started', 'rollback_failed')
              or (e.type = 'stability_decided' and e.data->>'outcome' = 'unstable'))
        ) as failed_at
      from deployed dep
    ),
    measured as (
      select t.*,
        greatest(0, extract(epoch from t.deployed_at - t.lead_started_at) / 3600.0)::float8 as lead_hours,
        case when t.failed_at is null then null else (
          select extract(epoch from min(fixed.at) - t.failed_at) / 3600.0 from (
            select e.created_at as at from release_events e
              where e.tenant_id = t.tenant_id and e.release_id = t.release_id and e.attempt = t.attempt
                and e.type = 'rollback_completed'
            union all
            select later.created_at from deployment_log_entries later
              where later.release_id = t.release_id and later.attempt > t.attempt
                and later.kind = 'deployment_completed'
          ) fixed where fixed.at >= t.failed_at
        )::float8 end as restore_hours
      from timed t
    )`;
}

/**
 * DORA totals and per-period figures for a range, in one statement. Periods start on the agency's
 * local Monday or first of the month; only periods with deployments come back (the domain fills
 * the rest).
 */
export async function doraAggregates(
  tx: Tx,
  tenantId: string,
  range: MetricsRange,
  interval: MetricsInterval,
  filter: MetricsFilter,
): Promise<{ totals: DoraTotals; periods: ChartPeriod[] }> {
  const result = await tx.execute(sql`
    with ${measuredDeployments(tenantId, range, filter)}
    select
      (select json_build_object(
        'deployments', count(*),
        'failures', count(failed_at),
        'lead_time_p50_hours', percentile_cont(0.5) within group (order by lead_hours),
        'lead_time_p90_hours', percentile_cont(0.9) within group (order by lead_hours),
        'lead_time_samples', count(lead_hours),
        'time_to_restore_p50_hours', percentile_cont(0.5) within group (order by restore_hours),
        'time_to_restore_samples', count(restore_hours)
      ) from measured) as totals,
      (select coalesce(json_agg(period order by period.period_start), '[]'::json) from (
        select
          to_char(date_trunc(${interval}, deployed_at at time zone ${range.timeZone}), 'YYYY-MM-DD') as period_start,
          count(*) as deployments,
          count(failed_at) as failures,
          percentile_cont(0.5) within group (order by lead_hours) as lead_time_p50_hours
        from measured group by 1
      ) period) as periods
  `);
  const row = result.rows[0] as { totals: DoraTotals; periods: ChartPeriod[] };
  return { totals: row.totals, periods: row.periods };
}

/** One deployment of a client's month, for the report. */
export interface ShippedRelease {
  release_id: string;
  attempt: number;
  project_id: string;
  project_name: string;
  version: string;
  title: string;
  status: string;
  deployed_at_ms: number;
  window_starts_at_ms: number | null;
  window_ends_at_ms: number | null;
  failed: boolean;
  lead_hours: number;
}

/** The deployments of a range, newest last, with what the client report shows of each. */
export async function shippedReleases(
  tx: Tx,
  tenantId: string,
  range: MetricsRange,
  filter: MetricsFilter,
): Promise<ShippedRelease[]> {
  const result = await tx.execute(sql`
    with ${measuredDeployments(tenantId, range, filter)}
    select m.release_id, m.attempt, m.project_id, p.name as project_name, r.version, r.title, r.status,
      (extract(epoch from m.deployed_at) * 1000)::float8 as deployed_at_ms,
      (extract(epoch from r.window_starts_at) * 1000)::float8 as window_starts_at_ms,
      (extract(epoch from r.window_ends_at) * 1000)::float8 as window_ends_at_ms,
      m.failed_at is not null as failed, m.lead_hours
    from measured m
    join releases r on r.tenant_id = m.tenant_id and r.id = m.release_id
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    order by m.deployed_at, m.release_id
  `);
  return result.rows as unknown as ShippedRelease[];
}

/** A rollback started in the range, with how it ended and the reason the release manager gave. */
export interface RollbackRecord {
  release_id: string;
  attempt: number;
  project_name: string;
  version: string;
  started_at_ms: number;
  trigger: string | null;
  reason: string | null;
  /** completed | failed | in_progress */
  outcome: string;
  ended_at_ms: number | null;
}

export async function rollbacksStarted(
  tx: Tx,
  tenantId: string,
  range: MetricsRange,
  filter: MetricsFilter,
): Promise<RollbackRecord[]> {
  const result = await tx.execute(sql`
    select e.release_id, e.attempt, p.name as project_name, r.version,
      (extract(epoch from e.created_at) * 1000)::float8 as started_at_ms,
      e.data->>'trigger' as trigger, e.data->>'rationale' as reason,
      coalesce(ending.type, 'in_progress') as outcome,
      (extract(epoch from ending.created_at) * 1000)::float8 as ended_at_ms
    from release_events e
    join releases r on r.tenant_id = e.tenant_id and r.id = e.release_id
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    left join lateral (
      select case end_event.type when 'rollback_completed' then 'completed' else 'failed' end as type,
        end_event.created_at
      from release_events end_event
      where end_event.tenant_id = e.tenant_id and end_event.release_id = e.release_id
        and end_event.attempt = e.attempt and end_event.seq > e.seq
        and end_event.type in ('rollback_completed', 'rollback_failed')
      order by end_event.seq limit 1
    ) ending on true
    where e.tenant_id = ${tenantId} and e.type = 'rollback_started'
      and e.created_at >= ${new Date(range.startMs)} and e.created_at < ${new Date(range.endMs)}
      and (${filter.clientId ?? null}::uuid is null or p.client_id = ${filter.clientId ?? null}::uuid)
      and (${filter.projectId ?? null}::uuid is null or r.project_id = ${filter.projectId ?? null}::uuid)
    order by e.seq
  `);
  return result.rows as unknown as RollbackRecord[];
}
