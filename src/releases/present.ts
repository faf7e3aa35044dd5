import {
  evaluateGates,
  pendingRollbackDecision,
  recommendGoNoGo,
  recommendRollback,
} from "../domain/lifecycle";
import { isPublicChange } from "../domain/notifications";
import { type ReleaseState, toSnapshot } from "./release-state";

export function etagOf(rowVersion: number): string {
  return `"${rowVersion}"`;
}

/** Parses `If-Match: "7"` (or W/"7"); undefined when absent, NaN when unparseable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = header.trim().match(/^(?:W\/)?"(\d+)"$/);
  return match?.[1] ? Number(match[1]) : Number.NaN;
}

/** The release as the API shows it: its facts, every gate with a sentence, and the go/no-go recommendation. */
export function presentRelease(state: ReleaseState, now: Date) {
  const snapshot = toSnapshot(state, now);
  const context = { policy: state.policy };
  const inVerification = state.stage === "pre_deployment_verification" && state.status === "active";
  return {
    id: state.id,
    project_id: state.project_id,
    version: state.version,
    title: state.title,
    scope: state.scope,
    // Each entry says whether clients see it, decided by its kind unless the author said.
    change_log: state.change_log.map((entry) => ({ ...entry, public: isPublicChange(entry) })),
    risk: state.risk,
    git_ref: state.git_ref,
    commit_sha: state.commit_sha,
    compliance: state.compliance,
    stage: state.stage,
    status: state.status,
    attempt: state.attempt,
    row_version: state.row_version,
    window:
      state.window_starts_at && state.window_ends_at
        ? {
            starts_at: state.window_starts_at,
            ends_at: state.window_ends_at,
            timezone: state.timezone,
            confirmed: state.window_confirmed,
            policy_ok: state.window_policy_ok,
            policy_detail: state.window_policy_detail,
            override_reason: state.window_override_reason,
            window_id: state.window_source_id ?? null,
          }
        : null,
    team: { release_manager_id: state.release_manager_id, members: state.team },
    test_plan: state.test_plan,
    rollback_procedure: state.rollback_procedure,
    monitoring_dashboards: state.monitoring_dashboards,
    gates: evaluateGates(snapshot, context),
    pending_decision: pendingRollbackDecision(snapshot),
    recommendation: inVerification ? recommendGoNoGo(snapshot, context) : recommendRollback(snapshot),
    created_at: state.created_at,
    updated_at: state.updated_at,
  };
}

export type ReleaseRepresentation = ReturnType<typeof presentRelease>;
