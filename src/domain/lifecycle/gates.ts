/**
 * Every gate as one row of a table: which stage it guards, when it holds, and the sentence a
 * person reads when it does and when it does not. Transitions (transitions.ts) name the gates they
 * need; GET /releases/{id} reports all of them through `evaluateGates`.
 */

import { describeRollbackCauses, pendingRollbackDecision } from "./pending-decision";
import type {
  ChecklistCategory,
  ChecklistItemFact,
  ComplianceFlags,
  LifecycleContext,
  ReleaseSnapshot,
} from "./snapshot";
import { AFTER_ROLLBACK_STATUSES, isStageAfter, STAGE_LABELS, type Stage } from "./stages";
import { describeTestStage, evaluateTestStage } from "./test-results";

export const GATE_IDS = [
  "scope_present",
  "change_log_present",
  "release_manager_assigned",
  "engineer_assigned",
  "window_confirmed",
  "window_allowed_by_policy",
  "planning_checklist_complete",
  "staging_tests_passed",
  "checklist_complete",
  "compliance_signed_off",
  "stakeholders_signed_off",
  "second_approver_signed_off",
  "client_signed_off",
  "rollback_procedure_present",
  "go_decision",
  "window_open",
  "no_pending_rollback_decision",
  "deployment_completed",
  "smoke_test_passed",
  "execution_checklist_complete",
  "verification_tests_passed",
  "uat_passed",
  "monitoring_confirmed",
  "no_open_blocking_issues",
  "post_deployment_checklist_complete",
  "stable_decision",
  "release_notes_published",
  "notifications_settled",
  "closure_checklist_complete",
  "investigation_closed",
  "corrective_actions_closed",
] as const;

export type GateId = (typeof GATE_IDS)[number];

/** Re-attempt gates guard leaving `rolled_back`/`failed`, not a stage. */
export type GateStage = Stage | "reattempt";

export interface GateInput {
  snapshot: ReleaseSnapshot;
  context: LifecycleContext;
  /**
   * Who would make the decision the gate guards. Self-approval checks exclude this person; when
   * reporting gates (no decision in flight) it is the release's release manager.
   */
  decider_id: string | null;
}

/** One gate as the API reports it: `{id, stage, ok, detail}` in GET and in a 409's `unmet_gates[]`. */
export interface GateReport {
  id: GateId;
  stage: GateStage;
  ok: boolean;
  detail: string;
}

type Sentence = string | ((input: GateInput) => string);

export interface GateDefinition {
  id: GateId;
  stage: GateStage;
  holds: (input: GateInput) => boolean;
  met: Sentence;
  unmet: Sentence;
}

// Severities that stop a stability decision: a critical or high issue means the release is not stable.
export const BLOCKING_SEVERITIES = ["critical", "high"] as const;

// Which compliance flag brings which checklist category, and the law it is about.
export const COMPLIANCE_CATEGORIES: ReadonlyArray<{
  flag: keyof ComplianceFlags;
  category: Exclude<ChecklistCategory, "general">;
  law: string;
}> = [
  { flag: "touches_pricing_promotions_or_claims", category: "acl", law: "Australian Consumer Law" },
  { flag: "touches_personal_data", category: "privacy", law: "Privacy Act" },
  { flag: "sends_commercial_email", category: "spam", law: "Spam Act" },
];

function quoteTitles(items: readonly ChecklistItemFact[]): string {
  return items.map((item) => `'${item.title}'`).join(", ");
}

function openRequiredItems(snapshot: ReleaseSnapshot, stage: Stage): ChecklistItemFact[] {
  return snapshot.checklist.filter((item) => item.stage === stage && item.required && item.status === "open");
}

/**
 * A stage checklist gate. The pre-deployment checklist must exist (a default template ships, and
 * "pre-deployment checklist completed" is a stage output); other stages' checklists are optional
 * and the gate holds when the agency has none.
 */
function checklistGate(id: GateId, stage: Stage, mustExist: boolean): GateDefinition {
  const label = STAGE_LABELS[stage].toLowerCase();
  return {
    id,
    stage,
    holds: ({ snapshot }) =>
      (!mustExist || snapshot.checklist.some((item) => item.stage === stage)) &&
      openRequiredItems(snapshot, stage).length === 0,
    met: ({ snapshot }) =>
      snapshot.checklist.some((item) => item.stage === stage)
        ? `Every required ${label} checklist item is done or marked n/a.`
        : `There is no ${label} checklist for this release.`,
    unmet: ({ snapshot }) => {
      const open = openRequiredItems(snapshot, stage);
      if (open.length === 0) return `No ${label} checklist has been created for this release.`;
      return `${open.length} required ${label} checklist item(s) still open: ${quoteTitles(open)}.`;
    },
  };
}

function requiredComplianceCategories(snapshot: ReleaseSnapshot) {
  return COMPLIANCE_CATEGORIES.filter((entry) => snapshot.release.compliance[entry.flag]);
}

function complianceProblems(snapshot: ReleaseSnapshot): string[] {
  const problems: string[] = [];
  for (const { category, law } of requiredComplianceCategories(snapshot)) {
    const items = snapshot.checklist.filter((item) => item.category === category);
    if (items.length === 0) {
      problems.push(`no ${law} checklist items exist`);
      continue;
    }
    const unsigned = items.filter((item) => item.status === "open" || item.completed_by === null);
    if (unsigned.length > 0) problems.push(`${law} items not signed off: ${quoteTitles(unsigned)}`);
  }
  return problems;
}

function approverIds(snapshot: ReleaseSnapshot): string[] {
  return snapshot.team.members.filter((m) => m.role === "approver").map((m) => m.member_id);
}

/** The latest sign-off of each signer of a kind; a later sign-off replaces an earlier one. */
function latestSignOffs(
  snapshot: ReleaseSnapshot,
  kind: "member" | "contact" = "member",
): Map<string, "approved" | "rejected"> {
  const sorted = snapshot.sign_offs
    .filter((signOff) => (signOff.signer_kind ?? "member") === kind)
    .map((signOff, index) => ({ signOff, index, time: Date.parse(signOff.at) }))
    .sort((a, b) => (a.time === b.time ? a.index - b.index : a.time - b.time));
  const latest = new Map<string, "approved" | "rejected">();
  for (const { signOff } of sorted) latest.set(signOff.signer_id, signOff.decision);
  return latest;
}

function stakeholderProblems(snapshot: ReleaseSnapshot): string[] {
  const approvers = approverIds(snapshot);
  const latest = latestSignOffs(snapshot);
  const rejected = approvers.filter((id) => latest.get(id) === "rejected");
  const problems: string[] = [];
  if (rejected.length > 0) problems.push(`${rejected.length} approver(s) rejected the release`);
  if (snapshot.release.risk === "high") {
    if (approvers.length === 0) problems.push("a high-risk release needs at least one approver on its team");
    const waiting = approvers.filter((id) => latest.get(id) === undefined);
    if (waiting.length > 0) problems.push(`${waiting.length} approver(s) have not signed off yet`);
  }
  return problems;
}

function needsClientSignOff({ snapshot, context }: GateInput): boolean {
  return snapshot.release.risk === "high" && context.policy.client_sign_off_for_high_risk === true;
}

/** A client who asked for changes holds the release whatever its risk; the policy asks for an approval. */
function clientProblems(input: GateInput): string[] {
  const latest = [...latestSignOffs(input.snapshot, "contact").values()];
  const problems: string[] = [];
  const changes = latest.filter((decision) => decision === "rejected").length;
  if (changes > 0) problems.push(`${changes} client contact(s) asked for changes`);
  if (needsClientSignOff(input) && !latest.includes("approved")) {
    problems.push(
      "the agency requires the client's sign-off for high-risk releases and no client contact has approved (POST /v1/releases/{id}/approval-requests)",
    );
  }
  return problems;
}

function needsSecondApprover({ snapshot, context }: GateInput): boolean {
  return snapshot.release.risk === "high" && context.policy.second_approver_for_high_risk;
}

function independentApprovals({ snapshot, decider_id }: GateInput): string[] {
  const approvers = new Set(approverIds(snapshot));
  return [...latestSignOffs(snapshot)]
    .filter(([signer, decision]) => decision === "approved" && approvers.has(signer) && signer !== decider_id)
    .map(([signer]) => signer);
}

function openBlockingIssues(snapshot: ReleaseSnapshot) {
  return snapshot.issues.filter(
    (issue) => issue.status === "open" && (BLOCKING_SEVERITIES as readonly string[]).includes(issue.severity),
  );
}

function risk(snapshot: ReleaseSnapshot): string {
  return `${snapshot.release.risk}-risk`;
}

export const GATES: readonly GateDefinition[] = [
  // Leave planning.
  {
    id: "scope_present",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.release.scope.trim() !== "",
    met: "The release scope is written down.",
    unmet: "The release has no scope; describe what it changes.",
  },
  {
    id: "change_log_present",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.release.change_log.some((entry) => entry.summary.trim() !== ""),
    met: ({ snapshot }) => `The change log has ${snapshot.release.change_log.length} entr(ies).`,
    unmet: "The change log is empty; add at least one entry.",
  },
  {
    id: "release_manager_assigned",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.team.release_manager_id !== null,
    met: "A release manager is assigned.",
    unmet: "No release manager is assigned; set one on the release team.",
  },
  {
    id: "engineer_assigned",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.team.members.some((member) => member.role === "engineer"),
    met: "At least one engineer is assigned.",
    unmet: "No engineer is assigned; add one to the release team.",
  },
  {
    id: "window_confirmed",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.window?.confirmed === true,
    met: "The deployment window is confirmed.",
    unmet: ({ snapshot }) =>
      snapshot.window === null
        ? "No deployment window is set; choose one from the calendar."
        : "The deployment window is not confirmed yet.",
  },
  {
    id: "window_allowed_by_policy",
    stage: "planning",
    holds: ({ snapshot }) => snapshot.window?.policy_ok === true,
    met: ({ snapshot }) => `The window is allowed for a ${risk(snapshot)} release.`,
    unmet: ({ snapshot }) => {
      if (snapshot.window === null)
        return "No deployment window is set, so the window policy cannot be checked.";
      const why = snapshot.window.policy_detail ? `: ${snapshot.window.policy_detail}` : ".";
      return `The window is not allowed for a ${risk(snapshot)} release${why}`;
    },
  },
  checklistGate("planning_checklist_complete", "planning", false),

  // Go: pre-deployment verification to deployment execution.
  {
    id: "staging_tests_passed",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) => evaluateTestStage(snapshot, "staging").ok,
    met: ({ snapshot }) => describeTestStage("staging", evaluateTestStage(snapshot, "staging")),
    unmet: ({ snapshot }) => describeTestStage("staging", evaluateTestStage(snapshot, "staging")),
  },
  checklistGate("checklist_complete", "pre_deployment_verification", true),
  {
    id: "compliance_signed_off",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) => complianceProblems(snapshot).length === 0,
    met: ({ snapshot }) => {
      const laws = requiredComplianceCategories(snapshot).map((entry) => entry.law);
      return laws.length === 0
        ? "The release sets no compliance flags, so no compliance sign-off is needed."
        : `A named person signed off every compliance item (${laws.join(", ")}).`;
    },
    unmet: ({ snapshot }) => `Compliance sign-off is missing: ${complianceProblems(snapshot).join("; ")}.`,
  },
  {
    id: "stakeholders_signed_off",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) => stakeholderProblems(snapshot).length === 0,
    met: ({ snapshot }) =>
      snapshot.release.risk === "high"
        ? "Every approver on the team signed off."
        : "No approver has objected (sign-off is only required for high-risk releases).",
    unmet: ({ snapshot }) => `Stakeholders are not ready: ${stakeholderProblems(snapshot).join("; ")}.`,
  },
  {
    id: "second_approver_signed_off",
    stage: "pre_deployment_verification",
    holds: (input) => !needsSecondApprover(input) || independentApprovals(input).length > 0,
    met: (input) =>
      needsSecondApprover(input)
        ? "An approver other than the person deciding go has signed off."
        : "The agency's policy asks for no second approver on this release.",
    unmet:
      "The agency requires a second approver for high-risk releases: an approver other than the person deciding go must sign off.",
  },
  {
    id: "client_signed_off",
    stage: "pre_deployment_verification",
    holds: (input) => clientProblems(input).length === 0,
    met: (input) =>
      needsClientSignOff(input)
        ? "The client signed off (through an approval link)."
        : "No client contact has asked for changes (the client's sign-off is required only for high-risk releases when the agency asks for it).",
    unmet: (input) => `The client has not signed off: ${clientProblems(input).join("; ")}.`,
  },
  {
    id: "rollback_procedure_present",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) => snapshot.rollback_procedure.length > 0,
    met: ({ snapshot }) => `A rollback procedure of ${snapshot.rollback_procedure.length} step(s) is ready.`,
    unmet: "There is no rollback procedure; write its steps before deploying.",
  },
  {
    // Derived from state on purpose: a go moves the release out of pre-deployment/active at once
    // (to scheduled or to execution), and halting or a missed window returns it there, so "go
    // holds" is exactly "scheduled, or further along".
    id: "go_decision",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) =>
      snapshot.release.status === "scheduled" ||
      isStageAfter(snapshot.release.stage, "pre_deployment_verification"),
    met: "The release manager decided go.",
    unmet: "No go decision is in force; the release manager must decide go/no-go.",
  },
  {
    id: "window_open",
    stage: "pre_deployment_verification",
    holds: ({ snapshot }) => snapshot.window_open_now,
    met: "The deployment window is open now.",
    unmet: "The deployment window is not open now.",
  },

  // Leave deployment execution.
  {
    id: "no_pending_rollback_decision",
    stage: "deployment_execution",
    holds: ({ snapshot }) => pendingRollbackDecision(snapshot) === null,
    met: "No failure is waiting for a rollback decision.",
    unmet: ({ snapshot }) => {
      const pending = pendingRollbackDecision(snapshot);
      return `A rollback decision is pending: ${pending ? describeRollbackCauses(pending) : "a failure was reported"}. The release manager decides: roll back (POST /v1/releases/{id}/decisions {"kind": "rollback"}), or fix it and report the deployment and smoke test again.`;
    },
  },
  {
    id: "deployment_completed",
    stage: "deployment_execution",
    holds: ({ snapshot }) => snapshot.deployment.completed && !snapshot.deployment.failed,
    met: "The deployment log records the deployment as complete.",
    unmet: ({ snapshot }) =>
      snapshot.deployment.failed
        ? "The deployment failed; decide whether to roll back."
        : "The deployment log does not record the deployment as complete yet.",
  },
  {
    id: "smoke_test_passed",
    stage: "deployment_execution",
    holds: ({ snapshot }) => evaluateTestStage(snapshot, "smoke").ok,
    met: ({ snapshot }) => describeTestStage("smoke", evaluateTestStage(snapshot, "smoke")),
    unmet: ({ snapshot }) => describeTestStage("smoke", evaluateTestStage(snapshot, "smoke")),
  },
  checklistGate("execution_checklist_complete", "deployment_execution", false),

  // Leave post-deployment verification.
  {
    id: "verification_tests_passed",
    stage: "post_deployment_verification",
    holds: ({ snapshot }) => evaluateTestStage(snapshot, "verification").ok,
    met: ({ snapshot }) => describeTestStage("verification", evaluateTestStage(snapshot, "verification")),
    unmet: ({ snapshot }) => describeTestStage("verification", evaluateTestStage(snapshot, "verification")),
  },
  {
    id: "uat_passed",
    stage: "post_deployment_verification",
    holds: ({ snapshot }) => evaluateTestStage(snapshot, "uat").ok,
    met: ({ snapshot }) => describeTestStage("uat", evaluateTestStage(snapshot, "uat")),
    unmet: ({ snapshot }) => describeTestStage("uat", evaluateTestStage(snapshot, "uat")),
  },
  {
    id: "monitoring_confirmed",
    stage: "post_deployment_verification",
    holds: ({ snapshot }) => (snapshot.monitoring?.confirmed_by ?? "").trim() !== "",
    met: "A named person confirmed the monitoring dashboards look healthy.",
    unmet: "Nobody has confirmed the monitoring yet.",
  },
  {
    id: "no_open_blocking_issues",
    stage: "post_deployment_verification",
    holds: ({ snapshot }) => openBlockingIssues(snapshot).length === 0,
    met: ({ snapshot }) => {
      const open = snapshot.issues.filter((issue) => issue.status === "open").length;
      return open === 0
        ? "No issue reports are open."
        : `No critical or high issue is open (${open} lower-severity issue(s) open).`;
    },
    unmet: ({ snapshot }) =>
      `${openBlockingIssues(snapshot).length} critical or high issue report(s) are open; resolve them or roll back.`,
  },
  checklistGate("post_deployment_checklist_complete", "post_deployment_verification", false),
  {
    // Like go_decision: a stable decision moves the release on at once, so it holds exactly when
    // the release is past post-deployment verification.
    id: "stable_decision",
    stage: "post_deployment_verification",
    holds: ({ snapshot }) => isStageAfter(snapshot.release.stage, "post_deployment_verification"),
    met: "The release manager decided the deployment is stable.",
    unmet: "No stability decision yet; the release manager must decide stable or unstable.",
  },

  // Close.
  {
    id: "release_notes_published",
    stage: "communication_closure",
    holds: ({ snapshot }) => snapshot.release_notes.published,
    met: "The release notes are published.",
    unmet: "The release notes are not published yet.",
  },
  {
    id: "notifications_settled",
    stage: "communication_closure",
    holds: ({ snapshot }) => snapshot.notifications.prepared && snapshot.notifications.pending === 0,
    met: ({ snapshot }) => {
      const { sent, skipped, failed, cancelled } = snapshot.notifications;
      return `Stakeholder notifications are settled (${sent} sent, ${skipped} skipped with a reason, ${failed} failed, ${cancelled} cancelled).`;
    },
    unmet: ({ snapshot }) => {
      const { prepared, pending, open_ids } = snapshot.notifications;
      if (!prepared)
        return "Stakeholder notifications have not been prepared yet (publish the release notes).";
      const shown = open_ids.length < pending ? `the first ${open_ids.length}: ` : "";
      return `${pending} stakeholder notification(s) are not settled yet (${shown}${open_ids.join(", ")}). They are sent by the next drain, retried for about an hour if the email provider fails, then marked failed; GET /v1/notifications/{id} shows each. If email is down or not configured, the release manager or an owner can cancel them with a reason: POST /v1/releases/{id}/notifications/cancel.`;
    },
  },
  checklistGate("closure_checklist_complete", "communication_closure", false),

  // Re-attempt after a rollback.
  {
    id: "investigation_closed",
    stage: "reattempt",
    holds: ({ snapshot }) => snapshot.investigation?.status === "closed",
    met: "The investigation into the failed attempt is closed.",
    unmet: ({ snapshot }) =>
      snapshot.investigation === null
        ? "No investigation has been opened into the failed attempt."
        : "The investigation into the failed attempt is still open.",
  },
  {
    id: "corrective_actions_closed",
    stage: "reattempt",
    holds: ({ snapshot }) => {
      const actions = snapshot.investigation?.corrective_actions ?? [];
      return actions.length > 0 && actions.every((action) => action.status === "closed");
    },
    met: "Every corrective action is closed.",
    unmet: ({ snapshot }) => {
      const actions = snapshot.investigation?.corrective_actions ?? [];
      if (actions.length === 0) return "The investigation records no corrective action.";
      const open = actions.filter((action) => action.status === "open").length;
      return `${open} corrective action(s) are still open.`;
    },
  },
];

const GATES_BY_ID = new Map<GateId, GateDefinition>(GATES.map((gate) => [gate.id, gate]));

export function gateDefinition(id: GateId): GateDefinition {
  const gate = GATES_BY_ID.get(id);
  // The table and GATE_IDS are checked against each other by a test, so this cannot happen at run time.
  if (gate === undefined) throw new Error(`Unknown gate ${id}`);
  return gate;
}

function sentence(value: Sentence, input: GateInput): string {
  return typeof value === "string" ? value : value(input);
}

export function evaluateGate(id: GateId, input: GateInput): GateReport {
  const gate = gateDefinition(id);
  const ok = gate.holds(input);
  return { id, stage: gate.stage, ok, detail: sentence(ok ? gate.met : gate.unmet, input) };
}

/** The gates of `ids` that do not hold, in the order given. */
export function unmetGates(ids: readonly GateId[], input: GateInput): GateReport[] {
  return ids.map((id) => evaluateGate(id, input)).filter((report) => !report.ok);
}

/**
 * Every gate of every stage, for GET /releases/{id}. Re-attempt gates are only listed while the
 * release waits for a re-attempt, where they are what a person has to act on.
 */
export function evaluateGates(snapshot: ReleaseSnapshot, context: LifecycleContext): GateReport[] {
  const input: GateInput = { snapshot, context, decider_id: snapshot.team.release_manager_id };
  const awaitingReattempt = (AFTER_ROLLBACK_STATUSES as readonly string[]).includes(snapshot.release.status);
  return GATES.filter((gate) => gate.stage !== "reattempt" || awaitingReattempt).map((gate) =>
    evaluateGate(gate.id, input),
  );
}

export function gatesOfStage(stage: GateStage): GateDefinition[] {
  return GATES.filter((gate) => gate.stage === stage);
}
