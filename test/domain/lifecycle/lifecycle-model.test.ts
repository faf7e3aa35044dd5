/**
 * Property test: random sequences of commands by random actors, interleaved with random changes to
 * the facts the app records, never take a release anywhere the transition table does not allow,
 * and the stage/status invariants hold after every step. The forward-move checks below are written
 * from DESIGN §7 directly (not through the gate table), so a wrong gate list would show up here.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Actor,
  type CommandKey,
  commandKey,
  decide,
  evaluateTestStage,
  isAllowedMove,
  LIFECYCLE_ERROR_CODES,
  type LifecycleCommand,
  type LifecycleEvent,
  type ReleaseSnapshot,
  STAGES,
  type Stage,
  type Status,
  stageIndex,
  type TestStage,
} from "../../../src/domain/lifecycle";
import {
  type ActorName,
  APPROVER,
  actors,
  clone,
  completeSnapshot,
  context,
  emptySnapshot,
} from "./fixtures";

type FactChange =
  | "satisfy_everything"
  | "clear_scope"
  | "drop_window"
  | "window_closes"
  | "window_opens"
  | "uncheck_checklist"
  | "approver_rejects"
  | "go_high_risk"
  | "flag_pricing"
  | "open_critical_issue"
  | "close_issues"
  | "unpublish_notes"
  | "pending_notifications"
  | "open_investigation"
  | "drop_rollback_procedure";

type Step =
  | { kind: "command"; actor: ActorName; command: LifecycleCommand }
  /** The next sensible command for the state; `variant` picks the happy path (0 to 5) or a detour (6, 7). */
  | { kind: "advance"; variant: number }
  | { kind: "fact"; change: FactChange };

const rationale = "Because.";

const commandArb: fc.Arbitrary<LifecycleCommand> = fc.oneof(
  fc.constantFrom(...STAGES).map((to): LifecycleCommand => ({ type: "transition", to })),
  fc
    .record({
      outcome: fc.constantFrom("go" as const, "no_go" as const),
      return_to: fc.constantFrom(undefined, "planning" as const, "pre_deployment_verification" as const),
    })
    .map(
      ({ outcome, return_to }): LifecycleCommand => ({
        type: "decision",
        kind: "go_no_go",
        outcome,
        rationale,
        ...(outcome === "no_go" && return_to !== undefined ? { return_to } : {}),
      }),
    ),
  fc
    .constantFrom("halt" as const, "resume" as const, "rollback" as const)
    .map((kind): LifecycleCommand => ({ type: "decision", kind, rationale })),
  fc
    .constantFrom("stable" as const, "unstable" as const)
    .map((outcome): LifecycleCommand => ({ type: "decision", kind: "stability", outcome, rationale })),
  fc
    .constantFrom(
      "deployment_started" as const,
      "deployment_completed" as const,
      "deployment_failed" as const,
    )
    .map((report): LifecycleCommand => ({ type: "execution_report", report })),
  fc
    .record({
      stage: fc.constantFrom<TestStage>("staging", "smoke", "verification", "uat"),
      suite: fc.constantFrom("e2e", "smoke", "synthetic", "client-uat", "extra"),
      status: fc.constantFrom(
        "passed" as const,
        "passed" as const,
        "failed" as const,
        "running" as const,
        "skipped" as const,
      ),
    })
    .map((r): LifecycleCommand => ({ type: "test_result", ...r })),
  fc
    .record({
      position: fc.integer({ min: 1, max: 3 }),
      outcome: fc.constantFrom("done" as const, "done" as const, "failed" as const),
    })
    .map((r): LifecycleCommand => ({ type: "rollback_step", ...r })),
  fc.constant<LifecycleCommand>({ type: "cancel", reason: "Client changed plans" }),
  fc.constant<LifecycleCommand>({ type: "reattempt", reason: "Fixed" }),
  fc.constantFrom<LifecycleCommand>({ type: "window_opened" }, { type: "window_missed" }),
);

const actorArb = fc.constantFrom<ActorName>(
  "releaseManager",
  "releaseManager",
  "releaseManager",
  "owner",
  "otherReleaseManager",
  "engineer",
  "viewer",
  "ci",
  "scheduler",
);

const factArb = fc.constantFrom<FactChange>(
  "satisfy_everything",
  "satisfy_everything",
  "clear_scope",
  "drop_window",
  "window_closes",
  "window_opens",
  "uncheck_checklist",
  "approver_rejects",
  "go_high_risk",
  "flag_pricing",
  "open_critical_issue",
  "close_issues",
  "unpublish_notes",
  "pending_notifications",
  "open_investigation",
  "drop_rollback_procedure",
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("command" as const), actor: actorArb, command: commandArb }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), variant: fc.integer({ min: 0, max: 7 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fact" as const), change: factArb }) },
);

// --- the model: the facts the app would hold after persisting each accepted command ---------

interface Model {
  snapshot: ReleaseSnapshot;
  clock: number;
  /** A go accepted in this attempt and not withdrawn since (by halt, missed window or failed re-check). */
  goInForce: boolean;
}

function instant(model: Model): string {
  return new Date(Date.UTC(2026, 2, 14, 0, 0, model.clock)).toISOString();
}

function applyFact(model: Model, change: FactChange): void {
  const s = model.snapshot;
  const full = completeSnapshot();
  switch (change) {
    case "satisfy_everything":
      Object.assign(s.release, {
        scope: full.release.scope,
        change_log: full.release.change_log,
        risk: "low",
        compliance: full.release.compliance,
      });
      Object.assign(s, {
        window: full.window,
        window_open_now: true,
        team: full.team,
        checklist: full.checklist,
        test_plan: full.test_plan,
        monitoring: full.monitoring,
        sign_offs: full.sign_offs,
        rollback_procedure: full.rollback_procedure,
        release_notes: full.release_notes,
        notifications: full.notifications,
        investigation: full.investigation,
      });
      s.issues = s.issues.map((issue) => ({ ...issue, status: "closed" }));
      return;
    case "clear_scope":
      s.release.scope = "";
      return;
    case "drop_window":
      s.window = null;
      return;
    case "window_closes":
      s.window_open_now = false;
      return;
    case "window_opens":
      s.window_open_now = true;
      return;
    case "uncheck_checklist":
      s.checklist = s.checklist.map((item) => ({ ...item, status: "open" }));
      return;
    case "approver_rejects":
      s.sign_offs = [...s.sign_offs, { signer_id: APPROVER, decision: "rejected", at: instant(model) }];
      return;
    case "go_high_risk":
      s.release.risk = "high";
      return;
    case "flag_pricing":
      s.release.compliance = { ...s.release.compliance, touches_pricing_promotions_or_claims: true };
      return;
    case "open_critical_issue":
      s.issues = [
        ...s.issues,
        { id: `i${model.clock}`, severity: "critical", status: "open", description: "Down", link: null },
      ];
      return;
    case "close_issues":
      s.issues = s.issues.map((issue) => ({ ...issue, status: "closed" }));
      return;
    case "unpublish_notes":
      s.release_notes = { published: false };
      return;
    case "pending_notifications":
      s.notifications = { ...s.notifications, pending: 2 };
      return;
    case "open_investigation":
      s.investigation = { status: "open", corrective_actions: [{ id: "a", status: "open" }] };
      return;
    case "drop_rollback_procedure":
      s.rollback_procedure = [];
      return;
  }
}

/** What the app does with the events: record facts, and start a fresh attempt on re-attempt. */
function applyEvents(model: Model, events: readonly LifecycleEvent[]): void {
  const s = model.snapshot;
  for (const event of events) {
    if (event.type === "test_result_recorded")
      s.test_results = [
        ...s.test_results,
        { stage: event.data.stage, suite: event.data.suite, status: event.data.status, at: instant(model) },
      ];
    if (event.type === "deployment_reported") {
      const report = event.data.report;
      s.deployment = {
        started: true,
        completed: s.deployment.completed || report === "deployment_completed",
        failed: s.deployment.failed || report === "deployment_failed",
      };
    }
    if (event.type === "rollback_step_recorded")
      s.rollback_steps = [
        ...s.rollback_steps,
        { position: event.data.position, outcome: event.data.outcome, recorded_by: "m", at: instant(model) },
      ];
    if (event.type === "go_withdrawn") model.goInForce = false;
    if (event.type === "go_no_go_decided" && event.data.outcome === "go") model.goInForce = true;
    if (event.type === "release_reattempted") {
      // Facts of the failed attempt stay in the database as history; the new attempt's snapshot starts clean.
      s.release.attempt = event.data.attempt;
      Object.assign(s, {
        test_results: [],
        deployment: { started: false, completed: false, failed: false },
        rollback_steps: [],
        monitoring: null,
        issues: [],
        investigation: null,
      });
      model.goInForce = false;
    }
  }
}

/** The command an eager team would issue next, so random runs also reach the late stages and detours. */
function advance(model: Model, variant: number): { actor: ActorName; command: LifecycleCommand } {
  const snapshot = model.snapshot;
  const { stage, status } = snapshot.release;
  const rm = "releaseManager" as const;
  const detour = variant === 6;
  const otherDetour = variant === 7;
  const decision = (
    command: Omit<Extract<LifecycleCommand, { type: "decision" }>, "type" | "rationale">,
  ) => ({
    actor: rm,
    command: { type: "decision", rationale, ...command } as LifecycleCommand,
  });
  const passed = (stage: TestStage, suite: string) => ({
    actor: "ci" as const,
    command: { type: "test_result", stage, suite, status: "passed" } as LifecycleCommand,
  });
  if (status === "halted") return decision({ kind: "resume" });
  if (status === "scheduled") {
    if (detour) return { actor: "scheduler", command: { type: "window_missed" } };
    snapshot.window_open_now = true;
    return { actor: "scheduler", command: { type: "window_opened" } };
  }
  if (status === "rolling_back")
    return {
      actor: "engineer",
      command: {
        type: "rollback_step",
        position: snapshot.rollback_steps.length + 1,
        outcome: otherDetour ? "failed" : "done",
      },
    };
  if (status === "rolled_back" || status === "failed")
    return { actor: rm, command: { type: "reattempt", reason: "Fixed" } };
  switch (stage) {
    case "planning":
      return { actor: rm, command: { type: "transition", to: "pre_deployment_verification" } };
    case "pre_deployment_verification":
      if (!evaluateTestStage(snapshot, "staging").ok) return passed("staging", "e2e");
      if (otherDetour) return decision({ kind: "go_no_go", outcome: "no_go" });
      snapshot.window_open_now = !detour;
      return decision({ kind: "go_no_go", outcome: "go" });
    case "deployment_execution":
      if (otherDetour) return decision({ kind: "rollback" });
      if (!snapshot.deployment.completed)
        return { actor: "ci", command: { type: "execution_report", report: "deployment_completed" } };
      if (!evaluateTestStage(snapshot, "smoke").ok) return passed("smoke", "smoke");
      return { actor: rm, command: { type: "transition", to: "post_deployment_verification" } };
    case "post_deployment_verification":
      if (detour) return decision({ kind: "stability", outcome: "unstable" });
      if (otherDetour) return decision({ kind: "rollback" });
      if (!evaluateTestStage(snapshot, "verification").ok) return passed("verification", "synthetic");
      if (!evaluateTestStage(snapshot, "uat").ok) return passed("uat", "client-uat");
      return decision({ kind: "stability", outcome: "stable" });
    default:
      if (otherDetour) return decision({ kind: "halt" });
      return { actor: rm, command: { type: "transition", to: "closed" } };
  }
}

// --- invariants --------------------------------------------------------------------------------

const DECISION_KEYS: readonly CommandKey[] = [
  "transition",
  "go",
  "no_go",
  "halt",
  "resume",
  "stable",
  "unstable",
  "rollback",
  "cancel",
  "reattempt",
];
const EXCLUSIVE_KEYS: readonly CommandKey[] = ["go", "stable", "unstable", "rollback"];

function checkStateInvariants(model: Model): void {
  const { stage, status } = model.snapshot.release;
  expect(status === "closed").toBe(stage === "closed");
  if (status === "scheduled") {
    expect(stage).toBe("pre_deployment_verification");
    expect(model.goInForce).toBe(true);
  }
  if (status === "rolling_back" || status === "rolled_back" || status === "failed")
    expect(["deployment_execution", "post_deployment_verification"]).toContain(stage);
  if (status === "cancelled") expect(["planning", "pre_deployment_verification"]).toContain(stage);
  if (stageIndex(stage) >= stageIndex("deployment_execution") && status !== "closed" && stage !== "closed")
    expect(model.goInForce).toBe(true);
}

/** DESIGN §7, written out: what must be true of the facts when a release enters each stage going forward. */
function checkForwardMove(before: ReleaseSnapshot, to: Stage): void {
  const s = before;
  const openBlocking = s.issues.some(
    (i) => i.status === "open" && (i.severity === "critical" || i.severity === "high"),
  );
  const pre = s.checklist.filter((i) => i.stage === "pre_deployment_verification");
  switch (to) {
    case "pre_deployment_verification":
      expect(s.release.scope.trim()).not.toBe("");
      expect(s.release.change_log.length).toBeGreaterThan(0);
      expect(s.team.release_manager_id).not.toBeNull();
      expect(s.team.members.some((m) => m.role === "engineer")).toBe(true);
      expect(s.window?.confirmed && s.window.policy_ok).toBe(true);
      return;
    case "deployment_execution":
      expect(evaluateTestStage(s, "staging").ok).toBe(true);
      expect(pre.length > 0 && pre.every((i) => !i.required || i.status !== "open")).toBe(true);
      expect(s.rollback_procedure.length).toBeGreaterThan(0);
      expect(s.window_open_now).toBe(true);
      return;
    case "post_deployment_verification":
      expect(s.deployment.completed && !s.deployment.failed).toBe(true);
      expect(evaluateTestStage(s, "smoke").ok).toBe(true);
      return;
    case "communication_closure":
      expect(evaluateTestStage(s, "verification").ok && evaluateTestStage(s, "uat").ok).toBe(true);
      expect(s.monitoring).not.toBeNull();
      expect(openBlocking).toBe(false);
      return;
    case "closed":
      expect(s.release_notes.published).toBe(true);
      expect(s.notifications.prepared && s.notifications.pending === 0).toBe(true);
      return;
    default:
      return;
  }
}

function runCommand(
  model: Model,
  actorName: ActorName,
  command: LifecycleCommand,
  reached: Map<string, number>,
): void {
  const actor: Actor = actors[actorName];
  const before = clone(model.snapshot);
  const from = { stage: before.release.stage, status: before.release.status };
  const key = commandKey(command);
  const result = decide(model.snapshot, command, actor, context);
  expect(model.snapshot).toEqual(before);

  if (!result.ok) {
    expect(LIFECYCLE_ERROR_CODES).toContain(result.error.code);
    if (result.error.code === "gates_unmet") {
      expect(result.error.unmet_gates?.length).toBeGreaterThan(0);
      expect(result.error.unmet_gates?.every((gate) => !gate.ok)).toBe(true);
    }
    return;
  }

  // Only what the table allows, by whom the issue allows.
  expect(isAllowedMove(key, from, result.next)).toBe(true);
  if (DECISION_KEYS.includes(key)) expect(["releaseManager", "owner"]).toContain(actorName);
  expect(actorName).not.toBe("viewer");
  if (actorName === "scheduler") expect(["window_opened", "window_missed"]).toContain(key);

  const changes = result.events.filter((event) => event.type === "release_state_changed");
  const changed = from.stage !== result.next.stage || from.status !== result.next.status;
  expect(changes).toHaveLength(changed ? 1 : 0);
  if (stageIndex(result.next.stage) > stageIndex(from.stage)) checkForwardMove(before, result.next.stage);

  model.clock += 1;
  model.snapshot.release = {
    ...model.snapshot.release,
    stage: result.next.stage,
    status: result.next.status,
  };
  applyEvents(model, result.events);
  const state = `${result.next.stage}/${result.next.status}`;
  reached.set(state, (reached.get(state) ?? 0) + 1);

  if (result.next.status === "rolled_back") {
    const steps = model.snapshot.rollback_steps;
    expect(steps.map((step) => step.position)).toEqual(
      model.snapshot.rollback_procedure.map((step) => step.position),
    );
    expect(steps.every((step) => step.outcome === "done")).toBe(true);
  }
  // An exclusive decision can only be applied once: replaying it on the new state is refused.
  if (EXCLUSIVE_KEYS.includes(key) && changed) {
    expect(decide(model.snapshot, command, actor, context).ok).toBe(false);
  }
}

describe("lifecycle model", () => {
  it("no sequence of commands reaches a state the rules forbid", () => {
    const reached = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 120, size: "max" }),
        fc.boolean(),
        (steps, startEmpty) => {
          const start = startEmpty ? emptySnapshot() : completeSnapshot();
          start.test_results = [];
          start.deployment = { started: false, completed: false, failed: false };
          start.investigation = null;
          const model: Model = { snapshot: start, clock: 0, goInForce: false };
          for (const step of steps) {
            if (step.kind === "fact") applyFact(model, step.change);
            else if (step.kind === "command") runCommand(model, step.actor, step.command, reached);
            else {
              const next = advance(model, step.variant);
              runCommand(model, next.actor, next.command, reached);
            }
            checkStateInvariants(model);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The runs must actually explore the lifecycle, or the property above proves little.
    const mustReach: Array<`${Stage}/${Status}`> = [
      "pre_deployment_verification/scheduled",
      "deployment_execution/active",
      "post_deployment_verification/active",
      "closed/closed",
      "planning/cancelled",
      "deployment_execution/rolled_back",
      "post_deployment_verification/rolling_back",
      "deployment_execution/failed",
      "communication_closure/halted",
    ];
    for (const state of mustReach) expect(reached.get(state) ?? 0, state).toBeGreaterThan(0);
  });
});
