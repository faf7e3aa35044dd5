/**
 * The allowed moves, as a table. Each row says: this command, from these stages and statuses,
 * (when this holds,) goes to this stage and status, provided these gates hold. `decide` picks the
 * first row that matches; anything no row allows is refused. A property test checks that no
 * sequence of commands ever produces a move that is not a row here.
 */

import type { CommandKey, LifecycleCommand } from "./commands";
import { type GateId, type GateInput, unmetGates } from "./gates";
import type { ReleaseSnapshot } from "./snapshot";
import {
  type LifecycleState,
  OPEN_STAGES,
  PRE_EXECUTION_STAGES,
  ROLLBACK_STAGES,
  type Stage,
  type Status,
} from "./stages";

export const LEAVE_PLANNING_GATES: readonly GateId[] = [
  "scope_present",
  "change_log_present",
  "release_manager_assigned",
  "engineer_assigned",
  "window_confirmed",
  "window_allowed_by_policy",
  "planning_checklist_complete",
];

/**
 * What a go needs. The team and window gates are checked again because they can change after
 * planning; `go_decision` is not listed because the go command is that decision.
 */
export const GO_GATES: readonly GateId[] = [
  "release_manager_assigned",
  "window_confirmed",
  "window_allowed_by_policy",
  "staging_tests_passed",
  "checklist_complete",
  "compliance_signed_off",
  "stakeholders_signed_off",
  "second_approver_signed_off",
  "client_signed_off",
  "rollback_procedure_present",
];

/** Moving a scheduled release into execution re-checks everything the go relied on. */
export const START_DEPLOYMENT_GATES: readonly GateId[] = [...GO_GATES, "go_decision", "window_open"];

export const LEAVE_EXECUTION_GATES: readonly GateId[] = [
  "no_pending_rollback_decision",
  "deployment_completed",
  "smoke_test_passed",
  "execution_checklist_complete",
];

export const STABLE_GATES: readonly GateId[] = [
  "verification_tests_passed",
  "uat_passed",
  "monitoring_confirmed",
  "no_open_blocking_issues",
  "post_deployment_checklist_complete",
];

export const LEAVE_POST_DEPLOYMENT_GATES: readonly GateId[] = [...STABLE_GATES, "stable_decision"];

export const CLOSE_GATES: readonly GateId[] = [
  "release_notes_published",
  "notifications_settled",
  "closure_checklist_complete",
];

export const REATTEMPT_GATES: readonly GateId[] = ["investigation_closed", "corrective_actions_closed"];

export interface RuleInput {
  snapshot: ReleaseSnapshot;
  command: LifecycleCommand;
  gates: GateInput;
}

export interface TransitionRule {
  id: string;
  command: CommandKey;
  from: { stages: readonly Stage[]; statuses: readonly Status[] };
  /** "same" keeps the current stage or status. */
  to: { stage: Stage | "same"; status: Status | "same" };
  gates: readonly GateId[];
  /** Picks between rows for the same command and state; a row without it always applies. */
  when?: (input: RuleInput) => boolean;
  summary: string;
}

const PRE = ["pre_deployment_verification"] as const;
const EXECUTION = ["deployment_execution"] as const;
const POST = ["post_deployment_verification"] as const;
// Facts from CI keep arriving while a release is halted: halting stops our decisions, not the world.
const WORKING = ["active", "halted"] as const;

function isTestStage(input: RuleInput, ...stages: string[]): boolean {
  return input.command.type === "test_result" && stages.includes(input.command.stage);
}

function isLastRollbackStep({ command, snapshot }: RuleInput): boolean {
  return command.type === "rollback_step" && command.position === snapshot.rollback_procedure.length;
}

function rollbackOutcome({ command }: RuleInput): "done" | "failed" | null {
  return command.type === "rollback_step" ? command.outcome : null;
}

export const TRANSITION_RULES: readonly TransitionRule[] = [
  // Explicit stage transitions: POST /transitions {to, reason}.
  {
    id: "submit_for_verification",
    command: "transition",
    from: { stages: ["planning"], statuses: ["active"] },
    to: { stage: "pre_deployment_verification", status: "active" },
    gates: LEAVE_PLANNING_GATES,
    summary: "Planning is done; verify in staging.",
  },
  {
    id: "return_to_planning",
    command: "transition",
    from: { stages: PRE, statuses: ["active"] },
    to: { stage: "planning", status: "active" },
    gates: [],
    summary: "Back to planning, e.g. to change the scope.",
  },
  {
    id: "start_deployment",
    command: "transition",
    // Only from scheduled: from active, decide.ts answers with the unmet gates (go_decision first among them).
    from: { stages: PRE, statuses: ["scheduled"] },
    to: { stage: "deployment_execution", status: "active" },
    gates: START_DEPLOYMENT_GATES,
    summary: "Start a scheduled release's deployment by hand once its window is open (what the cron does).",
  },
  {
    id: "deployment_verified",
    command: "transition",
    from: { stages: EXECUTION, statuses: ["active"] },
    to: { stage: "post_deployment_verification", status: "active" },
    gates: LEAVE_EXECUTION_GATES,
    summary: "Deployed and smoke-tested; verify in production.",
  },
  {
    id: "verification_done",
    command: "transition",
    from: { stages: POST, statuses: ["active"] },
    to: { stage: "communication_closure", status: "active" },
    gates: LEAVE_POST_DEPLOYMENT_GATES,
    summary: "Normally taken by the stable decision itself; listed so the transition reports its gates.",
  },
  {
    id: "close_release",
    command: "transition",
    from: { stages: ["communication_closure"], statuses: ["active"] },
    to: { stage: "closed", status: "closed" },
    gates: CLOSE_GATES,
    summary: "Notes published, stakeholders told: close the record.",
  },

  // Go / no-go.
  {
    id: "go_in_window",
    command: "go",
    from: { stages: PRE, statuses: ["active"] },
    to: { stage: "deployment_execution", status: "active" },
    gates: GO_GATES,
    when: ({ snapshot }) => snapshot.window_open_now,
    summary: "Go inside an open window: deploy now.",
  },
  {
    id: "go_outside_window",
    command: "go",
    from: { stages: PRE, statuses: ["active"] },
    to: { stage: "same", status: "scheduled" },
    gates: GO_GATES,
    summary: "Go outside the window: scheduled until the cron opens the window.",
  },
  {
    id: "no_go_to_planning",
    command: "no_go",
    from: { stages: PRE, statuses: ["active"] },
    to: { stage: "planning", status: "active" },
    gates: [],
    when: ({ command }) =>
      command.type === "decision" && command.kind === "go_no_go" && command.return_to === "planning",
    summary: "No-go: back to planning.",
  },
  {
    id: "no_go_stay_in_verification",
    command: "no_go",
    from: { stages: PRE, statuses: ["active"] },
    to: { stage: "same", status: "same" },
    gates: [],
    summary: "No-go: stay in verification and fix what is missing.",
  },

  // The cron.
  {
    id: "scheduled_window_opened",
    command: "window_opened",
    from: { stages: PRE, statuses: ["scheduled"] },
    to: { stage: "deployment_execution", status: "active" },
    gates: START_DEPLOYMENT_GATES,
    when: ({ gates }) => unmetGates(GO_GATES, gates).length === 0,
    summary: "The window opened: start the scheduled deployment.",
  },
  {
    id: "scheduled_go_invalidated",
    command: "window_opened",
    from: { stages: PRE, statuses: ["scheduled"] },
    to: { stage: "same", status: "active" },
    gates: [],
    summary: "The window opened but what the go relied on no longer holds: withdraw the go.",
  },
  {
    id: "scheduled_window_missed",
    command: "window_missed",
    from: { stages: PRE, statuses: ["scheduled"] },
    to: { stage: "same", status: "active" },
    gates: [],
    summary: "The window closed before the release moved: the go lapses with it.",
  },

  // Halt and resume.
  {
    id: "halt",
    command: "halt",
    from: { stages: OPEN_STAGES, statuses: ["active", "scheduled"] },
    to: { stage: "same", status: "halted" },
    gates: [],
    summary: "The release manager stops everything; a scheduled go is withdrawn.",
  },
  {
    id: "resume",
    command: "resume",
    from: { stages: OPEN_STAGES, statuses: ["halted"] },
    to: { stage: "same", status: "active" },
    gates: [],
    summary: "Carry on where the release was halted.",
  },

  // Stability.
  {
    id: "stable",
    command: "stable",
    from: { stages: POST, statuses: ["active"] },
    to: { stage: "communication_closure", status: "active" },
    gates: STABLE_GATES,
    summary: "Stable in production: communicate and close.",
  },
  {
    id: "unstable_rolls_back",
    command: "unstable",
    from: { stages: POST, statuses: ["active"] },
    to: { stage: "same", status: "rolling_back" },
    gates: ["rollback_procedure_present"],
    summary: "Unstable: the rollback starts at once.",
  },

  // Rollback.
  {
    id: "rollback",
    command: "rollback",
    from: { stages: ROLLBACK_STAGES, statuses: WORKING },
    to: { stage: "same", status: "rolling_back" },
    gates: ["rollback_procedure_present"],
    summary: "Roll back at once, without further analysis.",
  },
  {
    id: "rollback_step_done",
    command: "rollback_step",
    from: { stages: ROLLBACK_STAGES, statuses: ["rolling_back"] },
    to: { stage: "same", status: "same" },
    gates: [],
    when: (input) => rollbackOutcome(input) === "done" && !isLastRollbackStep(input),
    summary: "One rollback step done.",
  },
  {
    id: "rollback_completed",
    command: "rollback_step",
    from: { stages: ROLLBACK_STAGES, statuses: ["rolling_back"] },
    to: { stage: "same", status: "rolled_back" },
    gates: [],
    when: (input) => rollbackOutcome(input) === "done" && isLastRollbackStep(input),
    summary: "The last rollback step is done: the previous version is restored.",
  },
  {
    id: "rollback_failed",
    command: "rollback_step",
    from: { stages: ROLLBACK_STAGES, statuses: ["rolling_back"] },
    to: { stage: "same", status: "failed" },
    gates: [],
    when: (input) => rollbackOutcome(input) === "failed",
    summary: "A rollback step failed: production may be broken; raise the alarm.",
  },
  {
    id: "reattempt",
    command: "reattempt",
    from: { stages: ROLLBACK_STAGES, statuses: ["rolled_back", "failed"] },
    to: { stage: "planning", status: "active" },
    gates: REATTEMPT_GATES,
    summary: "Investigated and corrected: plan the release again (its history is kept).",
  },

  // Cancel.
  {
    id: "cancel",
    command: "cancel",
    from: { stages: PRE_EXECUTION_STAGES, statuses: ["active", "scheduled", "halted"] },
    to: { stage: "same", status: "cancelled" },
    gates: [],
    summary: "Abandon the release before anything is deployed.",
  },

  // Reports: facts that change no state but are only accepted where they make sense.
  {
    id: "deployment_started",
    command: "deployment_started",
    from: { stages: EXECUTION, statuses: WORKING },
    to: { stage: "same", status: "same" },
    gates: [],
    summary: "The deployment began.",
  },
  {
    id: "deployment_completed",
    command: "deployment_completed",
    from: { stages: EXECUTION, statuses: WORKING },
    to: { stage: "same", status: "same" },
    gates: [],
    summary: "The deployment finished.",
  },
  {
    id: "deployment_failed",
    command: "deployment_failed",
    from: { stages: EXECUTION, statuses: WORKING },
    to: { stage: "same", status: "same" },
    gates: [],
    summary: "The deployment failed: the release manager must decide on a rollback.",
  },
  {
    id: "staging_test_result",
    command: "test_result",
    from: { stages: PRE_EXECUTION_STAGES, statuses: ["active", "scheduled", "halted"] },
    to: { stage: "same", status: "same" },
    gates: [],
    when: (input) => isTestStage(input, "staging"),
    summary: "A staging result (CI may report it while the release is still being planned).",
  },
  {
    id: "smoke_test_result",
    command: "test_result",
    from: { stages: EXECUTION, statuses: WORKING },
    to: { stage: "same", status: "same" },
    gates: [],
    when: (input) => isTestStage(input, "smoke"),
    summary: "A smoke test result from production.",
  },
  {
    id: "verification_test_result",
    command: "test_result",
    from: { stages: POST, statuses: WORKING },
    to: { stage: "same", status: "same" },
    gates: [],
    when: (input) => isTestStage(input, "verification", "uat"),
    summary: "A verification or user acceptance result from production.",
  },
];

export function resolveTarget(rule: TransitionRule, from: LifecycleState): LifecycleState {
  return {
    stage: rule.to.stage === "same" ? from.stage : rule.to.stage,
    status: rule.to.status === "same" ? from.status : rule.to.status,
  };
}

export function ruleAppliesFrom(rule: TransitionRule, state: LifecycleState): boolean {
  return rule.from.stages.includes(state.stage) && rule.from.statuses.includes(state.status);
}

/**
 * True when some row allows moving from `from` to `to` with `command`: what the property test
 * checks every accepted command against.
 */
export function isAllowedMove(command: CommandKey, from: LifecycleState, to: LifecycleState): boolean {
  return TRANSITION_RULES.some((rule) => {
    if (rule.command !== command || !ruleAppliesFrom(rule, from)) return false;
    const target = resolveTarget(rule, from);
    return target.stage === to.stage && target.status === to.status;
  });
}
