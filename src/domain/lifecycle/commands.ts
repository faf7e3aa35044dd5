/**
 * Everything that can change a release's lifecycle, as plain data. Routes, webhooks and the cron
 * build these; `decide` (decide.ts) is the only thing that interprets them.
 */

import type { TestStage, TestStatus } from "./snapshot";
import { isStage, type Stage } from "./stages";

export type DecisionKind = "go_no_go" | "halt" | "resume" | "stability" | "rollback";

export type TransitionCommand = { type: "transition"; to: Stage; reason?: string | null };

export type DecisionCommand =
  | {
      type: "decision";
      kind: "go_no_go";
      outcome: "go" | "no_go";
      rationale: string;
      /** Where a no-go leaves the release; defaults to staying in pre-deployment verification. */
      return_to?: "planning" | "pre_deployment_verification" | null;
    }
  | { type: "decision"; kind: "stability"; outcome: "stable" | "unstable"; rationale: string }
  | { type: "decision"; kind: "halt" | "resume" | "rollback"; outcome?: null; rationale: string };

export type ExecutionReportCommand = {
  type: "execution_report";
  report: "deployment_started" | "deployment_completed" | "deployment_failed";
  detail?: string | null;
  /** Link to the deployment's log or run, when a CI system reported it. */
  url?: string | null;
  /** The CI deployment this report is about (e.g. "deployment:145988746"), when CI sent it. */
  external_id?: string | null;
  /** When CI says the deployment reached this state (from its signed body); see TestResultCommand. */
  reported_at?: string | null;
};

export type TestResultCommand = {
  type: "test_result";
  stage: TestStage;
  suite: string;
  status: TestStatus;
  url?: string | null;
  /**
   * The CI run this result is about (e.g. "workflow_run:30433642"), when CI sent it: a late
   * "running" for a run whose final result is recorded is refused instead of overwriting it.
   */
  external_id?: string | null;
  /**
   * When CI says the run reached this status (from its signed body): a report older than one
   * already recorded for the same suite is refused, so a replayed old body cannot turn a gate.
   */
  reported_at?: string | null;
};

export type RollbackStepCommand = {
  type: "rollback_step";
  /** The procedure step's 1-based position; steps are recorded in order. */
  position: number;
  outcome: "done" | "failed";
  note?: string | null;
};

export type CancelCommand = { type: "cancel"; reason: string };

export type ReattemptCommand = { type: "reattempt"; reason: string };

/** The cron: a scheduled release's window has opened, or closed before the release could move. */
export type WindowCommand = { type: "window_opened" } | { type: "window_missed" };

export type LifecycleCommand =
  | TransitionCommand
  | DecisionCommand
  | ExecutionReportCommand
  | TestResultCommand
  | RollbackStepCommand
  | CancelCommand
  | ReattemptCommand
  | WindowCommand;

/**
 * The name the transition table (transitions.ts) and the authority table (authority.ts) use for a
 * command: decisions are split by kind and outcome because each moves the release differently.
 */
export type CommandKey =
  | "transition"
  | "go"
  | "no_go"
  | "halt"
  | "resume"
  | "stable"
  | "unstable"
  | "rollback"
  | "deployment_started"
  | "deployment_completed"
  | "deployment_failed"
  | "test_result"
  | "rollback_step"
  | "cancel"
  | "reattempt"
  | "window_opened"
  | "window_missed";

export function commandKey(command: LifecycleCommand): CommandKey {
  switch (command.type) {
    case "decision":
      if (command.kind === "go_no_go") return command.outcome;
      if (command.kind === "stability") return command.outcome;
      return command.kind;
    case "execution_report":
      return command.report;
    default:
      return command.type;
  }
}

const TEST_STAGES: readonly string[] = ["staging", "smoke", "verification", "uat"];
const TEST_STATUSES: readonly string[] = ["passed", "failed", "running", "skipped"];

function blank(value: string | null | undefined): boolean {
  return typeof value !== "string" || value.trim() === "";
}

/**
 * Checks what the type system cannot (commands may come from JSON the route only partly checked).
 * Returns what to fix, or null when the command is well formed.
 */
export function commandProblem(command: LifecycleCommand): string | null {
  switch (command.type) {
    case "transition":
      return isStage(command.to) ? null : `'to' must be one of the stages, not '${String(command.to)}'.`;
    case "decision": {
      if (blank(command.rationale)) return "A decision needs a rationale: say why.";
      if (command.kind === "go_no_go") {
        if (command.outcome !== "go" && command.outcome !== "no_go")
          return "A go_no_go decision's outcome is 'go' or 'no_go'.";
        const target = command.return_to;
        if (target != null && target !== "planning" && target !== "pre_deployment_verification")
          return "'return_to' is 'planning' or 'pre_deployment_verification'.";
        if (command.outcome === "go" && target != null) return "'return_to' only applies to a no-go.";
        return null;
      }
      if (command.kind === "stability")
        return command.outcome === "stable" || command.outcome === "unstable"
          ? null
          : "A stability decision's outcome is 'stable' or 'unstable'.";
      if (command.kind === "halt" || command.kind === "resume" || command.kind === "rollback") {
        const kind = command.kind;
        return command.outcome == null ? null : `A ${kind} decision takes no outcome.`;
      }
      return "Unknown decision kind; use go_no_go, halt, resume, stability or rollback.";
    }
    case "execution_report":
      return ["deployment_started", "deployment_completed", "deployment_failed"].includes(command.report)
        ? null
        : "'report' is deployment_started, deployment_completed or deployment_failed.";
    case "test_result":
      if (!TEST_STAGES.includes(command.stage)) return "'stage' is staging, smoke, verification or uat.";
      if (!TEST_STATUSES.includes(command.status)) return "'status' is passed, failed, running or skipped.";
      return blank(command.suite) ? "'suite' names the test suite." : null;
    case "rollback_step":
      if (!Number.isInteger(command.position) || command.position < 1)
        return "'position' is the step's 1-based position in the rollback procedure.";
      return command.outcome === "done" || command.outcome === "failed"
        ? null
        : "'outcome' is done or failed.";
    case "cancel":
    case "reattempt":
      return blank(command.reason) ? `A ${command.type} needs a reason.` : null;
    case "window_opened":
    case "window_missed":
      return null;
    default:
      return "Unknown command.";
  }
}
