/**
 * The plain data the lifecycle rules read. The app loads it from Postgres for one release (current
 * attempt only: facts recorded during earlier attempts stay in the database as history but are not
 * loaded here) and passes it in; nothing in this module reads a clock or a database.
 *
 * Timestamps are RFC 3339 UTC strings, ids are opaque strings (UUIDs in the app).
 */

import type { Stage, Status } from "./stages";

export type Risk = "low" | "high";

/** Tenant-wide member roles (see DESIGN §4). */
export type MemberRole = "owner" | "release_manager" | "engineer" | "viewer";

/** Roles on one release's team. */
export type TeamRole = "release_manager" | "engineer" | "tester" | "approver";

export type TestStage = "staging" | "smoke" | "verification" | "uat";
export type TestStatus = "passed" | "failed" | "running" | "skipped";

export type ChecklistItemStatus = "open" | "done" | "n_a";

/**
 * `general` items come from the agency's template; the others are compliance items that a named
 * person must sign off (Australian Consumer Law, Privacy Act, Spam Act).
 */
export type ChecklistCategory = "general" | "acl" | "privacy" | "spam";

export type IssueSeverity = "critical" | "high" | "medium" | "low";

export interface ComplianceFlags {
  touches_pricing_promotions_or_claims: boolean;
  touches_personal_data: boolean;
  sends_commercial_email: boolean;
}

export interface ChangeLogEntry {
  summary: string;
  /** e.g. "feature", "fix", "content"; free text, shown in the plan. */
  kind: string | null;
  /** A ticket or pull-request link. */
  reference: string | null;
}

export interface ReleaseFacts {
  id: string;
  version: string;
  title: string;
  git_ref: string | null;
  commit_sha: string | null;
  stage: Stage;
  status: Status;
  risk: Risk;
  /** 1 for the first attempt; a re-attempt after a rollback increments it. */
  attempt: number;
  compliance: ComplianceFlags;
  scope: string;
  change_log: ChangeLogEntry[];
}

export interface WindowFacts {
  starts_at: string;
  ends_at: string;
  confirmed: boolean;
  /** The window module's verdict: the window's kind is allowed for this release's risk and is no freeze (or an owner overrode it). */
  policy_ok: boolean;
  /** Why the policy refused it, when it did; shown in the gate sentence. */
  policy_detail?: string | null;
}

export interface TeamMemberFacts {
  member_id: string;
  name: string;
  role: TeamRole;
}

export interface TeamFacts {
  release_manager_id: string | null;
  members: TeamMemberFacts[];
}

export interface ChecklistItemFact {
  id: string;
  key: string;
  title: string;
  stage: Stage;
  required: boolean;
  category: ChecklistCategory;
  status: ChecklistItemStatus;
  /** The named person who marked it done or n/a: this is the sign-off for compliance items. */
  completed_by: string | null;
  completed_at: string | null;
  evidence_url: string | null;
}

export interface TestPlanEntry {
  stage: TestStage;
  suite: string;
  description: string | null;
}

export interface TestResultFact {
  stage: TestStage;
  suite: string;
  status: TestStatus;
  at: string;
  url?: string | null;
}

/** What the deployment log says happened to the production deployment of this attempt. */
export interface DeploymentFacts {
  started: boolean;
  completed: boolean;
  failed: boolean;
}

export interface MonitoringConfirmation {
  confirmed_by: string;
  confirmed_at: string;
}

export interface IssueReportFact {
  id: string;
  severity: IssueSeverity;
  status: "open" | "closed";
  description: string;
  link: string | null;
}

/**
 * A stakeholder-readiness sign-off: by a member (only the team's approvers count) or by a client
 * contact through an approval link (`signer_kind: "contact"`, `signer_id` the contact's id).
 */
export interface SignOffFact {
  signer_kind?: "member" | "contact";
  signer_id: string;
  decision: "approved" | "rejected";
  at: string;
}

export interface RollbackProcedureStep {
  /** 1-based order in which the steps run. */
  position: number;
  title: string;
  details: string | null;
}

export interface RollbackStepRecord {
  position: number;
  outcome: "done" | "failed";
  recorded_by: string;
  at: string;
}

export interface NotificationFacts {
  /** Whether the stakeholder notifications for this release have been queued at all. */
  prepared: boolean;
  /** Unsettled: queued, or retrying after a failed send. */
  pending: number;
  sent: number;
  /** Not sent for a recorded reason (no consent, unsubscribed, no stakeholders...). */
  skipped: number;
  /** Given up: the provider refused it, or every retry failed. Settled: closure does not wait. */
  failed: number;
  /** Cancelled by an owner or the release manager, with a reason. Settled. */
  cancelled: number;
  /** Ids of (the first) unsettled messages, for the gate's detail. */
  open_ids: string[];
}

export interface CorrectiveActionFact {
  id: string;
  status: "open" | "closed";
}

export interface InvestigationFacts {
  status: "open" | "closed";
  corrective_actions: CorrectiveActionFact[];
}

export interface ReleaseSnapshot {
  release: ReleaseFacts;
  window: WindowFacts | null;
  /** The app's window module decides this for `now`; the lifecycle only reads it. */
  window_open_now: boolean;
  now: string;
  team: TeamFacts;
  checklist: ChecklistItemFact[];
  test_plan: TestPlanEntry[];
  test_results: TestResultFact[];
  deployment: DeploymentFacts;
  monitoring: MonitoringConfirmation | null;
  issues: IssueReportFact[];
  sign_offs: SignOffFact[];
  rollback_procedure: RollbackProcedureStep[];
  rollback_steps: RollbackStepRecord[];
  release_notes: { published: boolean };
  notifications: NotificationFacts;
  investigation: InvestigationFacts | null;
}

/** Agency settings the rules depend on. */
export interface LifecyclePolicy {
  /** High-risk releases need a sign-off from an approver other than the person deciding go. */
  second_approver_for_high_risk: boolean;
  /** A failed deployment or smoke test rolls back at once, decided by the system under this policy. */
  auto_rollback_on_failure?: boolean;
  /** High-risk releases also need a client contact's sign-off (through an approval link) before go. */
  client_sign_off_for_high_risk?: boolean;
}

export interface LifecycleContext {
  policy: LifecyclePolicy;
}

export type Actor =
  | { kind: "member"; member_id: string; role: MemberRole }
  /**
   * `scheduler` is the cron that opens windows; `ci` is a verified CI webhook; `policy` is the
   * agency's automatic-rollback policy acting on a failure.
   */
  | { kind: "system"; name: "scheduler" | "ci" | "policy" }
  /** A client's contact answering an approval link (sign-off or UAT): no account, one decision. */
  | { kind: "contact"; contact_id: string };
