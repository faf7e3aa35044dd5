import { type SQL, sql } from "drizzle-orm";
import type { ChartPeriod, DoraTotals, MetricsInterval, MetricsRange } from "../../domain/metrics";
import type { Tx } from "../scope";

/** Whose deployments: the whole agency, one client's projects, or one project. */
export type MetricsFilter = { clientId?: string | undefined; projectId?: string | undefined };

/**
 * One row per deployment in the range, with the times the four keys are measured from (definitions
 * in src/domain/metrics/dora.ts). Deployments come through the partial index on completed
 * deployments by tenant and time; the CI reports and events of those releases are then gathered
 * once each and joined by hash, so a year of an agency's releases is a few scans, not a lookup per
 * deployment and measure.
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
    deployed_releases as (select distinct release_id from deployed),
    ci_reports as (
      select tr.release_id, tr.attempt, coalesce(tr.reported_at, tr.created_at) as at
      from test_results tr join deployed_releases dr on dr.release_id = tr.release_id
      where tr.tenant_id = ${tenantId} and tr.source = 'ci'
      union all
      select dl.release_id, dl.attempt, coalesce(dl.reported_at, dl.created_at)
      from deployment_log_entries dl join deployed_releases dr on dr.release_id = dl.release_id
      where dl.tenant_id = ${tenantId} and dl.source = 'ci'
    ),
    outcomes as (
      select e.release_id, e.attempt, e.type, e.created_at, e.data->>'outcome' as outcome
      from release_events e join deployed_releases dr on dr.release_id = e.release_id
      where e.tenant_id = ${tenantId}
        and e.type in ('rollback_started', 'rollback_failed', 'stability_decided', 'rollback_completed')
    ),
    lead_starts as (
      select dep.release_id, dep.attempt, min(ci.at) as at
      from deployed dep join ci_reports ci on ci.release_id = dep.release_id and ci.attempt <= dep.attempt
      group by dep.release_id, dep.attempt
    ),
    failures as (
      select dep.release_id, dep.attempt, min(o.created_at) as at
      from deployed dep join outcomes o on o.release_id = dep.release_id and o.attempt = dep.attempt
      where o.created_at >= dep.deployed_at
        and (o.type in ('rollback_started', 'rollback_failed') or (o.type = 'stability_decided' and o.outcome = 'unstable'))
      group by dep.release_id, dep.attempt
    ),
    timed as (
      select dep.*, coalesce(ls.at, dep.release_created_at) as lead_started_at, f.at as failed_at
      from deployed dep
      left join lead_starts ls on ls.release_id = dep.release_id and ls.attempt = dep.attempt
      left join failures f on f.release_id = dep.release_id and f.attempt = dep.attempt
    ),
    -- Restored by the rollback of the same attempt completing, or by a later attempt deploying.
    restores as (
      select t.release_id, t.attempt, min(fixed.at) as at
      from timed t join (
        select release_id, attempt, created_at as at, true as same_attempt from outcomes where type = 'rollback_completed'
        union all
        select dl.release_id, dl.attempt, dl.created_at, false
        from deployment_log_entries dl join deployed_releases dr on dr.release_id = dl.release_id
        where dl.tenant_id = ${tenantId} and dl.kind = 'deployment_completed'
      ) fixed on fixed.release_id = t.release_id and fixed.at >= t.failed_at
        and ((fixed.same_attempt and fixed.attempt = t.attempt) or (not fixed.same_attempt and fixed.attempt > t.attempt))
      where t.failed_at is not null
      group by t.release_id, t.attempt
    ),
    measured as (
      select t.*,
        greatest(0, extract(epoch from t.deployed_at - t.lead_started_at) / 3600.0)::float8 as lead_hours,
        (extract(epoch from rs.at - t.failed_at) / 3600.0)::float8 as restore_hours
      from timed t left join restores rs on rs.release_id = t.release_id and rs.attempt = t.attempt
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
