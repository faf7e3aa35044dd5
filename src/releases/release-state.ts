import { type SQL, type SQLChunk, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { StatementQueue } from "../db/pipeline/statement-queue";
import type {
  ChangeLogEntryJson,
  ComplianceFlagsJson,
  DashboardJson,
  RollbackStepJson,
  TestPlanEntryJson,
} from "../db/schema";
import type { Tx } from "../db/scope";
import { StatementCache } from "../db/statement-cache";
import type {
  ChecklistItemFact,
  IssueReportFact,
  LifecyclePolicy,
  ReleaseSnapshot,
  RollbackStepRecord,
  SignOffFact,
  TeamMemberFacts,
  TestResultFact,
} from "../domain/lifecycle";
import type { Stage, Status } from "../domain/lifecycle/stages";

/** A release row as one query returns it, with the facts of its current attempt. */
/** How many unsettled messages a release lists by id (the counts cover all of them). */
export const OPEN_MESSAGES_SHOWN = 20;

/** A stakeholder message not yet settled (queued, or retrying after a failed send). */
export interface OpenMessage {
  id: string;
  status: "queued" | "retrying";
  event: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

export interface ReleaseState {
  /** The agency's settings the lifecycle rules depend on, read with the release (one round trip). */
  policy: LifecyclePolicy;
  id: string;
  tenant_id: string;
  project_id: string;
  version: string;
  title: string;
  scope: string;
  change_log: ChangeLogEntryJson[];
  risk: "low" | "high";
  git_ref: string | null;
  commit_sha: string | null;
  compliance: ComplianceFlagsJson;
  stage: Stage;
  status: Status;
  attempt: number;
  row_version: number;
  window_starts_at: string | null;
  window_ends_at: string | null;
  window_confirmed: boolean;
  window_policy_ok: boolean;
  window_policy_detail: string | null;
  test_plan: TestPlanEntryJson[];
  rollback_procedure: RollbackStepJson[];
  monitoring_dashboards: DashboardJson[];
  monitoring_confirmed_by: string | null;
  monitoring_confirmed_at: string | null;
  notes_markdown: string | null;
  notes_published_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  release_manager_id: string | null;
  team: TeamMemberFacts[];
  checklist: ChecklistItemFact[];
  test_results: TestResultFact[];
  deployment_log: { kind: string }[];
  rollback_steps: RollbackStepRecord[];
  issues: IssueReportFact[];
  sign_offs: SignOffFact[];
  investigation: {
    status: "open" | "closed";
    corrective_actions: { id: string; status: "open" | "closed" }[];
  } | null;
  project_name: string;
  client_id: string;
  client_name: string;
  /** The client's zone, else the agency's: the wall clock the release is planned in. */
  timezone: string;
  /** The client's state, else the agency's: whose public holidays freeze deployments. */
  holiday_state: string;
  window_override_reason: string | null;
  /** The stored window the slot was booked from, when it was booked as one of its occurrences. */
  window_source_id: string | null;
  /** This release's stakeholder messages by outcome (the outbox). */
  outbox: {
    pending: number;
    sent: number;
    skipped: number;
    failed: number;
    cancelled: number;
    /** The unsettled messages (queued or retrying), oldest first, at most OPEN_MESSAGES_SHOWN. */
    open: OpenMessage[] | null;
  };
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * Loads a release and every fact the lifecycle rules read, in one round trip
 * (subqueries aggregated to JSON), scoped to the current attempt. Tenant
 * scoping is explicit here and enforced again by row-level security.
 *
 * Given the transaction's `statements`, the query goes as a prepared statement: Postgres spends
 * several times longer planning this query than running it, and a release's Durable Object, which
 * keeps its connection, runs it for every command. Its columns are text, JSON, numbers and
 * booleans (times as ISO text), which the driver's parsers read as drizzle's do.
 */
export async function loadReleaseState(
  tx: Tx,
  tenantId: string,
  releaseId: string,
  forUpdate = false,
  statements?: StatementQueue,
): Promise<ReleaseState | undefined> {
  if (statements) {
    const name = forUpdate ? "release_state_for_update" : "release_state";
    const { text, values } = releaseStateStatements.fill(
      name,
      () =>
        dialect.sqlToQuery(
          releaseStateQuery(sql.placeholder("tenantId"), sql.placeholder("releaseId"), forUpdate),
        ),
      { tenantId, releaseId },
    );
    return (await statements.queryPrepared(name, text, values)).rows[0] as ReleaseState | undefined;
  }
  const result = await tx.execute(releaseStateQuery(tenantId, releaseId, forUpdate));
  return result.rows[0] as ReleaseState | undefined;
}

const dialect = new PgDialect();
/** The query's two shapes (with and without the row lock), built once per isolate. */
const releaseStateStatements = new StatementCache(2);

function releaseStateQuery(tenantId: SQLChunk, releaseId: SQLChunk, forUpdate: boolean): SQL {
  return sql`
    select r.id, r.tenant_id, r.project_id, r.version, r.title, r.scope, r.change_log, r.risk, r.git_ref, r.commit_sha,
      r.compliance, r.stage, r.status, r.attempt, r.row_version,
      ${iso("r.window_starts_at")} as window_starts_at, ${iso("r.window_ends_at")} as window_ends_at,
      r.window_confirmed, r.window_policy_ok, r.window_policy_detail, r.test_plan, r.rollback_procedure,
      r.monitoring_dashboards, r.monitoring_confirmed_by, ${iso("r.monitoring_confirmed_at")} as monitoring_confirmed_at,
      r.notes_markdown, ${iso("r.notes_published_at")} as notes_published_at, r.created_by,
      ${iso("r.created_at")} as created_at, ${iso("r.updated_at")} as updated_at,
      p.name as project_name, c.id as client_id, c.name as client_name,
      coalesce(c.timezone, t.timezone) as timezone,
      coalesce(c.state, t.state) as holiday_state,
      json_build_object('second_approver_for_high_risk', t.second_approver_for_high_risk,
        'auto_rollback_on_failure', t.auto_rollback_on_failure,
        'client_sign_off_for_high_risk', t.client_sign_off_for_high_risk) as policy,
      r.window_override_reason, r.window_source_id,
      (select tm.member_id from release_team_members tm
        where tm.release_id = r.id and tm.role = 'release_manager' limit 1) as release_manager_id,
      coalesce((select json_agg(json_build_object('member_id', tm.member_id, 'name', m.name, 'role', tm.role)
                 order by tm.role, m.name)
        from release_team_members tm join members m on m.tenant_id = tm.tenant_id and m.id = tm.member_id
        where tm.release_id = r.id), '[]') as team,
      coalesce((select json_agg(json_build_object('id', ci.id, 'key', ci.key, 'title', ci.title, 'stage', ci.stage,
                 'required', ci.required, 'category', ci.category, 'status', ci.status, 'completed_by', ci.completed_by,
                 'completed_at', ${iso("ci.completed_at")}, 'evidence_url', ci.evidence_url) order by ci.position)
        from checklist_items ci where ci.release_id = r.id and ci.attempt = r.attempt), '[]') as checklist,
      coalesce((select json_agg(json_build_object('stage', tr.stage, 'suite', tr.suite, 'status', tr.status,
                 'at', ${iso("tr.created_at")}, 'url', tr.url) order by tr.created_at, tr.id)
        from test_results tr where tr.release_id = r.id and tr.attempt = r.attempt), '[]') as test_results,
      coalesce((select json_agg(json_build_object('kind', dl.kind) order by dl.created_at, dl.id)
        from deployment_log_entries dl where dl.release_id = r.id and dl.attempt = r.attempt
          and dl.kind in ('deployment_started', 'deployment_completed', 'deployment_failed')), '[]') as deployment_log,
      coalesce((select json_agg(json_build_object('position', dl.rollback_position, 'outcome', dl.rollback_outcome,
                 'recorded_by', coalesce(dl.recorded_by::text, dl.source), 'at', ${iso("dl.created_at")})
                 order by dl.rollback_position)
        from deployment_log_entries dl where dl.release_id = r.id and dl.attempt = r.attempt
          and dl.kind = 'rollback_step'), '[]') as rollback_steps,
      coalesce((select json_agg(json_build_object('id', ir.id, 'severity', ir.severity, 'status', ir.status,
                 'description', ir.description, 'link', ir.link) order by ir.created_at)
        from issue_reports ir where ir.release_id = r.id and ir.attempt = r.attempt), '[]') as issues,
      coalesce((select json_agg(json_build_object(
                 'signer_kind', case when so.contact_id is null then 'member' else 'contact' end,
                 'signer_id', coalesce(so.signer_id, so.contact_id), 'decision', so.decision,
                 'at', ${iso("so.created_at")}) order by so.created_at)
        from sign_offs so where so.release_id = r.id and so.attempt = r.attempt
          -- An erased contact's answers stay on record but no longer hold or open a gate.
          and not exists (select 1 from contacts ec where ec.tenant_id = so.tenant_id and ec.id = so.contact_id
            and ec.erased_at is not null)), '[]') as sign_offs,
      (select json_build_object('status', inv.status, 'corrective_actions', coalesce((
                 select json_agg(json_build_object('id', ca.id, 'status', ca.status) order by ca.created_at)
                 from corrective_actions ca where ca.release_id = r.id and ca.attempt = inv.attempt), '[]'))
        from investigations inv where inv.release_id = r.id and inv.attempt = r.attempt) as investigation,
      (select json_build_object(
                 'pending', count(*) filter (where ob.status in ('queued', 'retrying')),
                 'sent', count(*) filter (where ob.status = 'sent'),
                 'skipped', count(*) filter (where ob.status = 'skipped'),
                 'failed', count(*) filter (where ob.status = 'failed'),
                 'cancelled', count(*) filter (where ob.status = 'cancelled'),
                 'open', (select json_agg(json_build_object('id', o.id, 'status', o.status, 'event', o.event,
                            'attempts', o.attempts, 'next_attempt_at', ${iso("o.next_attempt_at")},
                            'last_error', o.last_error) order by o.created_at, o.id)
                          from (select * from outbox_messages o2
                                where o2.tenant_id = r.tenant_id and o2.release_id = r.id
                                  and o2.status in ('queued', 'retrying')
                                order by o2.created_at, o2.id limit ${OPEN_MESSAGES_SHOWN}) o))
        from outbox_messages ob where ob.tenant_id = r.tenant_id and ob.release_id = r.id) as outbox
    from releases r
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
    join tenants t on t.id = r.tenant_id
    where r.tenant_id = ${tenantId} and r.id = ${releaseId}
    ${forUpdate ? sql`for update of r` : sql``}`;
}

/** The lifecycle rules' view of a release at `now`. */
export function toSnapshot(state: ReleaseState, now: Date): ReleaseSnapshot {
  const deploymentKinds = new Set(state.deployment_log.map((entry) => entry.kind));
  const windowOpen =
    state.window_starts_at !== null &&
    state.window_ends_at !== null &&
    Date.parse(state.window_starts_at) <= now.getTime() &&
    now.getTime() < Date.parse(state.window_ends_at);
  return {
    release: {
      id: state.id,
      version: state.version,
      title: state.title,
      git_ref: state.git_ref,
      commit_sha: state.commit_sha,
      stage: state.stage,
      status: state.status,
      risk: state.risk,
      attempt: state.attempt,
      compliance: state.compliance,
      scope: state.scope,
      change_log: state.change_log,
    },
    window:
      state.window_starts_at && state.window_ends_at
        ? {
            starts_at: state.window_starts_at,
            ends_at: state.window_ends_at,
            confirmed: state.window_confirmed,
            policy_ok: state.window_policy_ok,
            policy_detail: state.window_policy_detail,
          }
        : null,
    window_open_now: windowOpen,
    now: now.toISOString(),
    team: { release_manager_id: state.release_manager_id, members: state.team },
    checklist: state.checklist,
    test_plan: state.test_plan,
    test_results: state.test_results,
    deployment: {
      started: deploymentKinds.has("deployment_started"),
      completed: deploymentKinds.has("deployment_completed"),
      failed: deploymentKinds.has("deployment_failed"),
    },
    monitoring:
      state.monitoring_confirmed_by && state.monitoring_confirmed_at
        ? { confirmed_by: state.monitoring_confirmed_by, confirmed_at: state.monitoring_confirmed_at }
        : null,
    issues: state.issues,
    sign_offs: state.sign_offs,
    rollback_procedure: state.rollback_procedure,
    rollback_steps: state.rollback_steps,
    release_notes: { published: state.notes_published_at !== null },
    // Publishing the notes queues the stakeholder notifications in the same transaction, so a
    // published release has had them prepared (an empty communication list prepares none).
    notifications: {
      prepared: state.notes_published_at !== null,
      pending: Number(state.outbox?.pending ?? 0),
      sent: Number(state.outbox?.sent ?? 0),
      skipped: Number(state.outbox?.skipped ?? 0),
      failed: Number(state.outbox?.failed ?? 0),
      cancelled: Number(state.outbox?.cancelled ?? 0),
      open_ids: (state.outbox?.open ?? []).map((message) => message.id),
    },
    investigation: state.investigation,
  };
}
