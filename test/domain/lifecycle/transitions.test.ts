import { describe, expect, it } from "vitest";
import {
  type Actor,
  decide,
  type GateId,
  isAllowedMove,
  type LifecycleCommand,
  type LifecycleErrorCode,
  type ReleaseSnapshot,
  type Stage,
  type Status,
  TRANSITION_RULES,
} from "../../../src/domain/lifecycle";
import { actors, at, completeSnapshot, context, nth } from "./fixtures";

type Expectation =
  | { rule: string; stage: Stage; status: Status }
  | { code: LifecycleErrorCode; unmet?: GateId[] };

interface Row {
  name: string;
  snapshot: ReleaseSnapshot;
  command: LifecycleCommand;
  actor?: Actor;
  expect: Expectation;
}

function state(stage: Stage, status: Status, change?: (s: ReleaseSnapshot) => void): ReleaseSnapshot {
  const snapshot = at(completeSnapshot(), stage, status);
  change?.(snapshot);
  return snapshot;
}

const rationale = "Checked with the team.";
const go: LifecycleCommand = { type: "decision", kind: "go_no_go", outcome: "go", rationale };
const noGo: LifecycleCommand = { type: "decision", kind: "go_no_go", outcome: "no_go", rationale };
const halt: LifecycleCommand = { type: "decision", kind: "halt", rationale };
const resume: LifecycleCommand = { type: "decision", kind: "resume", rationale };
const rollback: LifecycleCommand = { type: "decision", kind: "rollback", rationale };
const stable: LifecycleCommand = { type: "decision", kind: "stability", outcome: "stable", rationale };
const unstable: LifecycleCommand = { type: "decision", kind: "stability", outcome: "unstable", rationale };
const to = (stage: Stage): LifecycleCommand => ({ type: "transition", to: stage, reason: "ready" });
const step = (position: number, outcome: "done" | "failed" = "done"): LifecycleCommand => ({
  type: "rollback_step",
  position,
  outcome,
});
const report = (
  name: "deployment_started" | "deployment_completed" | "deployment_failed",
): LifecycleCommand => ({
  type: "execution_report",
  report: name,
});
const result = (stage: "staging" | "smoke" | "verification" | "uat"): LifecycleCommand => ({
  type: "test_result",
  stage,
  suite: "suite-a",
  status: "passed",
});
const notDeployed = (s: ReleaseSnapshot) => {
  s.deployment = { started: false, completed: false, failed: false };
};
const windowClosed = (s: ReleaseSnapshot) => {
  s.window_open_now = false;
};

const ALLOWED: Row[] = [
  {
    name: "planning → verification",
    snapshot: state("planning", "active"),
    command: to("pre_deployment_verification"),
    expect: { rule: "submit_for_verification", stage: "pre_deployment_verification", status: "active" },
  },
  {
    name: "verification → back to planning",
    snapshot: state("pre_deployment_verification", "active"),
    command: to("planning"),
    expect: { rule: "return_to_planning", stage: "planning", status: "active" },
  },
  {
    name: "scheduled → execution by hand once the window is open",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: to("deployment_execution"),
    expect: { rule: "start_deployment", stage: "deployment_execution", status: "active" },
  },
  {
    name: "execution → post-deployment verification",
    snapshot: state("deployment_execution", "active"),
    command: to("post_deployment_verification"),
    expect: { rule: "deployment_verified", stage: "post_deployment_verification", status: "active" },
  },
  {
    name: "closure → closed",
    snapshot: state("communication_closure", "active"),
    command: to("closed"),
    expect: { rule: "close_release", stage: "closed", status: "closed" },
  },
  {
    name: "go inside the window",
    snapshot: state("pre_deployment_verification", "active"),
    command: go,
    expect: { rule: "go_in_window", stage: "deployment_execution", status: "active" },
  },
  {
    name: "go outside the window",
    snapshot: state("pre_deployment_verification", "active", windowClosed),
    command: go,
    expect: { rule: "go_outside_window", stage: "pre_deployment_verification", status: "scheduled" },
  },
  {
    name: "no-go back to planning",
    snapshot: state("pre_deployment_verification", "active"),
    command: { ...noGo, return_to: "planning" },
    expect: { rule: "no_go_to_planning", stage: "planning", status: "active" },
  },
  {
    name: "no-go staying in verification",
    snapshot: state("pre_deployment_verification", "active"),
    command: noGo,
    expect: { rule: "no_go_stay_in_verification", stage: "pre_deployment_verification", status: "active" },
  },
  {
    name: "cron: window opened",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: { type: "window_opened" },
    actor: actors.scheduler,
    expect: { rule: "scheduled_window_opened", stage: "deployment_execution", status: "active" },
  },
  {
    name: "cron: window opened but staging now failing",
    snapshot: state("pre_deployment_verification", "scheduled", (s) => {
      s.test_results.push({ stage: "staging", suite: "e2e", status: "failed", at: "2026-03-14T09:59:00Z" });
    }),
    command: { type: "window_opened" },
    actor: actors.scheduler,
    expect: { rule: "scheduled_go_invalidated", stage: "pre_deployment_verification", status: "active" },
  },
  {
    name: "cron: window missed",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: { type: "window_missed" },
    actor: actors.scheduler,
    expect: { rule: "scheduled_window_missed", stage: "pre_deployment_verification", status: "active" },
  },
  {
    name: "halt in planning",
    snapshot: state("planning", "active"),
    command: halt,
    expect: { rule: "halt", stage: "planning", status: "halted" },
  },
  {
    name: "halt a scheduled release",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: halt,
    expect: { rule: "halt", stage: "pre_deployment_verification", status: "halted" },
  },
  {
    name: "halt during execution",
    snapshot: state("deployment_execution", "active"),
    command: halt,
    expect: { rule: "halt", stage: "deployment_execution", status: "halted" },
  },
  {
    name: "halt during closure",
    snapshot: state("communication_closure", "active"),
    command: halt,
    expect: { rule: "halt", stage: "communication_closure", status: "halted" },
  },
  {
    name: "resume",
    snapshot: state("deployment_execution", "halted"),
    command: resume,
    expect: { rule: "resume", stage: "deployment_execution", status: "active" },
  },
  {
    name: "stable",
    snapshot: state("post_deployment_verification", "active"),
    command: stable,
    expect: { rule: "stable", stage: "communication_closure", status: "active" },
  },
  {
    name: "unstable rolls back at once",
    snapshot: state("post_deployment_verification", "active"),
    command: unstable,
    expect: { rule: "unstable_rolls_back", stage: "post_deployment_verification", status: "rolling_back" },
  },
  {
    name: "rollback during execution",
    snapshot: state("deployment_execution", "active"),
    command: rollback,
    expect: { rule: "rollback", stage: "deployment_execution", status: "rolling_back" },
  },
  {
    name: "rollback while halted after deployment",
    snapshot: state("post_deployment_verification", "halted"),
    command: rollback,
    expect: { rule: "rollback", stage: "post_deployment_verification", status: "rolling_back" },
  },
  {
    name: "rollback step 1 of 2",
    snapshot: state("deployment_execution", "rolling_back"),
    command: step(1),
    actor: actors.engineer,
    expect: { rule: "rollback_step_done", stage: "deployment_execution", status: "rolling_back" },
  },
  {
    name: "last rollback step",
    snapshot: state("deployment_execution", "rolling_back", (s) => {
      s.rollback_steps = [{ position: 1, outcome: "done", recorded_by: "x", at: "2026-03-14T11:00:00Z" }];
    }),
    command: step(2),
    actor: actors.engineer,
    expect: { rule: "rollback_completed", stage: "deployment_execution", status: "rolled_back" },
  },
  {
    name: "a rollback step fails",
    snapshot: state("deployment_execution", "rolling_back"),
    command: step(1, "failed"),
    actor: actors.engineer,
    expect: { rule: "rollback_failed", stage: "deployment_execution", status: "failed" },
  },
  {
    name: "re-attempt after rollback",
    snapshot: state("deployment_execution", "rolled_back"),
    command: { type: "reattempt", reason: "Fixed the cache key" },
    expect: { rule: "reattempt", stage: "planning", status: "active" },
  },
  {
    name: "re-attempt after a failed rollback",
    snapshot: state("post_deployment_verification", "failed"),
    command: { type: "reattempt", reason: "Restored by hand" },
    expect: { rule: "reattempt", stage: "planning", status: "active" },
  },
  {
    name: "cancel in planning",
    snapshot: state("planning", "active"),
    command: { type: "cancel", reason: "Client pulled the campaign" },
    expect: { rule: "cancel", stage: "planning", status: "cancelled" },
  },
  {
    name: "cancel a scheduled release",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: { type: "cancel", reason: "Client pulled the campaign" },
    expect: { rule: "cancel", stage: "pre_deployment_verification", status: "cancelled" },
  },
  {
    name: "cancel a halted release",
    snapshot: state("pre_deployment_verification", "halted"),
    command: { type: "cancel", reason: "Client pulled the campaign" },
    expect: { rule: "cancel", stage: "pre_deployment_verification", status: "cancelled" },
  },
  {
    name: "deployment started",
    snapshot: state("deployment_execution", "active", notDeployed),
    command: report("deployment_started"),
    actor: actors.ci,
    expect: { rule: "deployment_started", stage: "deployment_execution", status: "active" },
  },
  {
    name: "deployment completed",
    snapshot: state("deployment_execution", "active", notDeployed),
    command: report("deployment_completed"),
    actor: actors.ci,
    expect: { rule: "deployment_completed", stage: "deployment_execution", status: "active" },
  },
  {
    name: "deployment failed while halted",
    snapshot: state("deployment_execution", "halted", notDeployed),
    command: report("deployment_failed"),
    actor: actors.engineer,
    expect: { rule: "deployment_failed", stage: "deployment_execution", status: "halted" },
  },
  {
    name: "staging result during planning",
    snapshot: state("planning", "active"),
    command: result("staging"),
    actor: actors.ci,
    expect: { rule: "staging_test_result", stage: "planning", status: "active" },
  },
  {
    name: "staging result while scheduled",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: result("staging"),
    actor: actors.ci,
    expect: { rule: "staging_test_result", stage: "pre_deployment_verification", status: "scheduled" },
  },
  {
    name: "smoke result",
    snapshot: state("deployment_execution", "active"),
    command: result("smoke"),
    actor: actors.ci,
    expect: { rule: "smoke_test_result", stage: "deployment_execution", status: "active" },
  },
  {
    name: "UAT result",
    snapshot: state("post_deployment_verification", "active"),
    command: result("uat"),
    actor: actors.engineer,
    expect: { rule: "verification_test_result", stage: "post_deployment_verification", status: "active" },
  },
];

const REFUSED: Row[] = [
  {
    name: "leave planning without scope",
    snapshot: state("planning", "active", (s) => {
      s.release.scope = "";
      s.window = null;
    }),
    command: to("pre_deployment_verification"),
    expect: { code: "gates_unmet", unmet: ["scope_present", "window_confirmed", "window_allowed_by_policy"] },
  },
  {
    name: "skip from planning to execution",
    snapshot: state("planning", "active"),
    command: to("deployment_execution"),
    expect: { code: "invalid_transition" },
  },
  {
    name: "go back from execution",
    snapshot: state("deployment_execution", "active"),
    command: to("pre_deployment_verification"),
    expect: { code: "invalid_transition" },
  },
  {
    name: "transition to the current stage",
    snapshot: state("planning", "active"),
    command: to("planning"),
    expect: { code: "invalid_transition" },
  },
  {
    name: "transition to execution without a go",
    snapshot: state("pre_deployment_verification", "active"),
    command: to("deployment_execution"),
    expect: { code: "gates_unmet", unmet: ["go_decision"] },
  },
  {
    name: "transition of a scheduled release back to planning",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: to("planning"),
    expect: { code: "invalid_state" },
  },
  {
    name: "start a scheduled release before its window",
    snapshot: state("pre_deployment_verification", "scheduled", windowClosed),
    command: to("deployment_execution"),
    expect: { code: "gates_unmet", unmet: ["window_open"] },
  },
  {
    name: "leave post-deployment without a stable decision",
    snapshot: state("post_deployment_verification", "active"),
    command: to("communication_closure"),
    expect: { code: "gates_unmet", unmet: ["stable_decision"] },
  },
  {
    name: "leave execution before the deployment completed",
    snapshot: state("deployment_execution", "active", notDeployed),
    command: to("post_deployment_verification"),
    expect: { code: "gates_unmet", unmet: ["deployment_completed"] },
  },
  {
    name: "close with notes unpublished",
    snapshot: state("communication_closure", "active", (s) => {
      s.release_notes.published = false;
    }),
    command: to("closed"),
    expect: { code: "gates_unmet", unmet: ["release_notes_published"] },
  },
  {
    name: "transition while halted",
    snapshot: state("planning", "halted"),
    command: to("pre_deployment_verification"),
    expect: { code: "release_halted" },
  },
  {
    name: "transition while rolling back",
    snapshot: state("deployment_execution", "rolling_back"),
    command: to("post_deployment_verification"),
    expect: { code: "invalid_state" },
  },
  {
    name: "anything on a closed release",
    snapshot: state("closed", "closed"),
    command: halt,
    expect: { code: "release_terminal" },
  },
  {
    name: "anything on a cancelled release",
    snapshot: state("planning", "cancelled"),
    command: to("pre_deployment_verification"),
    expect: { code: "release_terminal" },
  },
  {
    name: "go in planning",
    snapshot: state("planning", "active"),
    command: go,
    expect: { code: "invalid_state" },
  },
  {
    name: "a second go while scheduled",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: go,
    expect: { code: "decision_conflict" },
  },
  {
    name: "a no-go racing a go that won",
    snapshot: state("pre_deployment_verification", "scheduled"),
    command: noGo,
    expect: { code: "decision_conflict" },
  },
  {
    name: "a second go after deployment started",
    snapshot: state("deployment_execution", "active"),
    command: go,
    expect: { code: "decision_conflict" },
  },
  {
    name: "go with a failing staging suite",
    snapshot: state("pre_deployment_verification", "active", (s) => {
      nth(s.test_results, 0).status = "failed";
    }),
    command: go,
    expect: { code: "gates_unmet", unmet: ["staging_tests_passed"] },
  },
  {
    name: "go while halted",
    snapshot: state("pre_deployment_verification", "halted"),
    command: go,
    expect: { code: "release_halted" },
  },
  {
    name: "a second stability decision",
    snapshot: state("communication_closure", "active"),
    command: stable,
    expect: { code: "decision_conflict" },
  },
  {
    name: "stable with a critical issue open",
    snapshot: state("post_deployment_verification", "active", (s) => {
      s.issues.push({
        id: "i",
        severity: "critical",
        status: "open",
        description: "Forms drop leads",
        link: null,
      });
    }),
    command: stable,
    expect: { code: "gates_unmet", unmet: ["no_open_blocking_issues"] },
  },
  {
    name: "stability in execution",
    snapshot: state("deployment_execution", "active"),
    command: stable,
    expect: { code: "invalid_state" },
  },
  {
    name: "unstable with no rollback procedure",
    snapshot: state("post_deployment_verification", "active", (s) => {
      s.rollback_procedure = [];
    }),
    command: unstable,
    expect: { code: "gates_unmet", unmet: ["rollback_procedure_present"] },
  },
  {
    name: "rollback before anything is deployed",
    snapshot: state("pre_deployment_verification", "active"),
    command: rollback,
    expect: { code: "invalid_state" },
  },
  {
    name: "a second rollback while one runs",
    snapshot: state("deployment_execution", "rolling_back"),
    command: rollback,
    expect: { code: "decision_conflict" },
  },
  {
    name: "rollback after the rollback finished",
    snapshot: state("deployment_execution", "rolled_back"),
    command: rollback,
    expect: { code: "decision_conflict" },
  },
  {
    name: "halt an already halted release",
    snapshot: state("planning", "halted"),
    command: halt,
    expect: { code: "decision_conflict" },
  },
  {
    name: "halt a running rollback",
    snapshot: state("deployment_execution", "rolling_back"),
    command: halt,
    expect: { code: "invalid_state" },
  },
  {
    name: "resume a release that is not halted",
    snapshot: state("planning", "active"),
    command: resume,
    expect: { code: "invalid_state" },
  },
  {
    name: "cancel once deployment started",
    snapshot: state("deployment_execution", "active"),
    command: { type: "cancel", reason: "No" },
    expect: { code: "invalid_state" },
  },
  {
    name: "re-attempt an active release",
    snapshot: state("planning", "active"),
    command: { type: "reattempt", reason: "Again" },
    expect: { code: "invalid_state" },
  },
  {
    name: "re-attempt before the investigation is closed",
    snapshot: state("deployment_execution", "rolled_back", (s) => {
      s.investigation = null;
    }),
    command: { type: "reattempt", reason: "Again" },
    expect: { code: "gates_unmet", unmet: ["investigation_closed", "corrective_actions_closed"] },
  },
  {
    name: "cron: window opened for an unscheduled release",
    snapshot: state("pre_deployment_verification", "active"),
    command: { type: "window_opened" },
    actor: actors.scheduler,
    expect: { code: "invalid_state" },
  },
  {
    name: "cron: the same window opened twice",
    snapshot: state("deployment_execution", "active"),
    command: { type: "window_opened" },
    actor: actors.scheduler,
    expect: { code: "decision_conflict" },
  },
  {
    name: "cron: window opened but not open in the snapshot",
    snapshot: state("pre_deployment_verification", "scheduled", windowClosed),
    command: { type: "window_opened" },
    actor: actors.scheduler,
    expect: { code: "gates_unmet", unmet: ["window_open"] },
  },
  {
    name: "rollback step with no rollback running",
    snapshot: state("deployment_execution", "active"),
    command: step(1),
    actor: actors.engineer,
    expect: { code: "invalid_state" },
  },
  {
    name: "rollback step out of order",
    snapshot: state("deployment_execution", "rolling_back"),
    command: step(2),
    actor: actors.engineer,
    expect: { code: "rollback_step_out_of_order" },
  },
  {
    name: "rollback step recorded twice",
    snapshot: state("deployment_execution", "rolling_back", (s) => {
      s.rollback_steps = [{ position: 1, outcome: "done", recorded_by: "x", at: "2026-03-14T11:00:00Z" }];
    }),
    command: step(1),
    actor: actors.engineer,
    expect: { code: "duplicate_report" },
  },
  {
    name: "rollback step past the procedure",
    snapshot: state("deployment_execution", "rolling_back"),
    command: step(3),
    actor: actors.engineer,
    expect: { code: "invalid_command" },
  },
  {
    name: "deployment started twice",
    snapshot: state("deployment_execution", "active"),
    command: report("deployment_started"),
    actor: actors.ci,
    expect: { code: "duplicate_report" },
  },
  {
    name: "deployment completed after it failed",
    snapshot: state("deployment_execution", "active", (s) => {
      s.deployment = { started: true, completed: false, failed: true };
    }),
    command: report("deployment_completed"),
    actor: actors.ci,
    expect: { code: "invalid_state" },
  },
  {
    name: "deployment report before execution",
    snapshot: state("pre_deployment_verification", "active"),
    command: report("deployment_started"),
    actor: actors.ci,
    expect: { code: "invalid_state" },
  },
  {
    name: "smoke result during planning",
    snapshot: state("planning", "active"),
    command: result("smoke"),
    actor: actors.ci,
    expect: { code: "invalid_state" },
  },
  {
    name: "staging result after deployment",
    snapshot: state("post_deployment_verification", "active"),
    command: result("staging"),
    actor: actors.ci,
    expect: { code: "invalid_state" },
  },
  {
    name: "smoke result while rolling back",
    snapshot: state("deployment_execution", "rolling_back"),
    command: result("smoke"),
    actor: actors.ci,
    expect: { code: "invalid_state" },
  },
];

function run(row: Row) {
  return decide(row.snapshot, row.command, row.actor ?? actors.releaseManager, context);
}

describe("allowed moves", () => {
  it.each(ALLOWED)("$name", (row) => {
    const outcome = run(row);
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.code}: ${outcome.error.message}`);
    expect({ rule: outcome.rule, ...outcome.next }).toEqual(row.expect);
  });

  it("exercises every row of the transition table except the one the stable decision takes", () => {
    const used = new Set(ALLOWED.map((row) => ("rule" in row.expect ? row.expect.rule : "")));
    const unused = TRANSITION_RULES.map((rule) => rule.id).filter((id) => !used.has(id));
    expect(unused).toEqual(["verification_done"]);
  });

  it("agrees with isAllowedMove for every allowed case", () => {
    for (const row of ALLOWED) {
      const outcome = run(row);
      if (!outcome.ok) throw new Error(row.name);
      const rule = TRANSITION_RULES.find((r) => r.id === outcome.rule);
      const from = { stage: row.snapshot.release.stage, status: row.snapshot.release.status };
      expect(rule && isAllowedMove(rule.command, from, outcome.next)).toBe(true);
    }
  });
});

describe("refused moves", () => {
  it.each(REFUSED)("$name", (row) => {
    const outcome = run(row);
    if (outcome.ok) throw new Error(`accepted by ${outcome.rule}`);
    expect(outcome.error.code).toBe("code" in row.expect ? row.expect.code : "");
    expect(outcome.error.message.length).toBeGreaterThan(10);
    if ("code" in row.expect && row.expect.unmet) {
      expect(outcome.error.unmet_gates?.map((gate) => gate.id)).toEqual(row.expect.unmet);
      expect(outcome.error.unmet_gates?.every((gate) => !gate.ok && gate.detail.length > 0)).toBe(true);
    } else {
      expect(outcome.error.unmet_gates).toBeUndefined();
    }
  });
});

describe("isAllowedMove", () => {
  it("rejects moves no row describes", () => {
    const planning = { stage: "planning", status: "active" } as const;
    expect(isAllowedMove("transition", planning, { stage: "deployment_execution", status: "active" })).toBe(
      false,
    );
    expect(isAllowedMove("go", planning, { stage: "deployment_execution", status: "active" })).toBe(false);
    expect(
      isAllowedMove(
        "cancel",
        { stage: "deployment_execution", status: "active" },
        { stage: "deployment_execution", status: "cancelled" },
      ),
    ).toBe(false);
    expect(
      isAllowedMove("transition", planning, { stage: "pre_deployment_verification", status: "active" }),
    ).toBe(true);
  });
});
