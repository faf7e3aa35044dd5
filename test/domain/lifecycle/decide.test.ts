import { describe, expect, it } from "vitest";
import {
  type DecideResult,
  decide,
  type LifecycleCommand,
  type LifecycleEvent,
  type ReleaseSnapshot,
} from "../../../src/domain/lifecycle";
import {
  APPROVER,
  actors,
  at,
  completeSnapshot,
  context,
  deepFreeze,
  eventTypes,
  lenientContext,
  nth,
  RM,
} from "./fixtures";

const rationale = "Reviewed with the team.";
const go: LifecycleCommand = { type: "decision", kind: "go_no_go", outcome: "go", rationale };

function accepted(result: DecideResult) {
  if (!result.ok) throw new Error(`refused: ${result.error.code}: ${result.error.message}`);
  return result;
}

function refused(result: DecideResult) {
  if (result.ok) throw new Error(`accepted by ${result.rule}`);
  return result.error;
}

/** The snapshot after the app persisted `result` (state only; enough for these scenarios). */
function persisted(snapshot: ReleaseSnapshot, result: DecideResult): ReleaseSnapshot {
  const { next } = accepted(result);
  return at(snapshot, next.stage, next.status);
}

function eventOf<T extends LifecycleEvent["type"]>(events: LifecycleEvent[], type: T) {
  const event = events.find((e): e is Extract<LifecycleEvent, { type: T }> => e.type === type);
  if (event === undefined) throw new Error(`no ${type} event in ${eventTypes(events).join(", ")}`);
  return event;
}

describe("go / no-go", () => {
  const ready = at(completeSnapshot(), "pre_deployment_verification", "active");

  it("go inside the window moves to execution and records the recommendation it followed", () => {
    const result = accepted(decide(ready, go, actors.releaseManager, context));
    expect(eventTypes(result.events)).toEqual(["go_no_go_decided", "release_state_changed"]);
    expect(eventOf(result.events, "go_no_go_decided").data).toMatchObject({
      outcome: "go",
      recommendation: "go",
      followed_recommendation: true,
      capacity: "release_manager",
      rationale,
    });
    expect(eventOf(result.events, "release_state_changed").data).toMatchObject({
      from: { stage: "pre_deployment_verification", status: "active" },
      to: { stage: "deployment_execution", status: "active" },
      rule: "go_in_window",
      reason: rationale,
    });
  });

  it("go outside the window schedules the release for its window", () => {
    const closed = { ...ready, window_open_now: false };
    const result = accepted(decide(closed, go, actors.releaseManager, context));
    expect(result.next).toEqual({ stage: "pre_deployment_verification", status: "scheduled" });
    expect(eventOf(result.events, "release_scheduled").data).toEqual({
      window_starts_at: "2026-03-14T10:00:00Z",
      window_ends_at: "2026-03-14T14:00:00Z",
    });
  });

  it("applies only one of two racing decisions: the second finds the state moved on", () => {
    const closed = { ...ready, window_open_now: false };
    const first = decide(closed, go, actors.releaseManager, context);
    const state = persisted(closed, first);
    expect(refused(decide(state, go, actors.releaseManager, context)).code).toBe("decision_conflict");
    const noGo: LifecycleCommand = { ...go, outcome: "no_go" };
    expect(refused(decide(state, noGo, actors.owner, context)).code).toBe("decision_conflict");
  });

  it("records a go against the recommendation as not followed", () => {
    const risky = at(completeSnapshot(), "pre_deployment_verification", "active");
    risky.release.risk = "high";
    risky.test_results.push({
      stage: "staging",
      suite: "visual",
      status: "skipped",
      at: "2026-03-14T08:00:00Z",
    });
    const result = accepted(decide(risky, go, actors.releaseManager, context));
    expect(eventOf(result.events, "go_no_go_decided").data).toMatchObject({
      recommendation: "no_go",
      followed_recommendation: false,
    });
  });

  it("records a no-go with its reasons and where the manager sent the release", () => {
    const noGo: LifecycleCommand = {
      ...go,
      outcome: "no_go",
      rationale: "Client asked to wait",
      return_to: "planning",
    };
    const result = accepted(decide(ready, noGo, actors.releaseManager, context));
    expect(result.next).toEqual({ stage: "planning", status: "active" });
    expect(eventOf(result.events, "go_no_go_decided").data).toMatchObject({
      outcome: "no_go",
      rationale: "Client asked to wait",
      return_to: "planning",
      followed_recommendation: false,
    });
  });

  it("refuses self-approval when the agency asks for a second approver on high-risk releases", () => {
    const snapshot = at(completeSnapshot(), "pre_deployment_verification", "active");
    snapshot.release.risk = "high";
    snapshot.team.members = snapshot.team.members.map((m) =>
      m.member_id === APPROVER ? { ...m, member_id: RM } : m,
    );
    snapshot.sign_offs = [{ signer_id: RM, decision: "approved", at: "2026-03-14T09:00:00Z" }];
    const error = refused(decide(snapshot, go, actors.releaseManager, context));
    expect(error.unmet_gates?.map((gate) => gate.id)).toEqual(["second_approver_signed_off"]);
    // An owner standing in is a different person from the approving manager.
    expect(accepted(decide(snapshot, go, actors.owner, context)).capacity).toBe("owner_as_release_manager");
    // Without the policy, the manager's own sign-off is enough.
    expect(decide(snapshot, go, actors.releaseManager, lenientContext).ok).toBe(true);
  });
});

describe("halt, resume and the scheduler", () => {
  const scheduled = at(completeSnapshot(), "pre_deployment_verification", "scheduled");
  const halt: LifecycleCommand = { type: "decision", kind: "halt", rationale: "Client launch moved" };
  const resume: LifecycleCommand = { type: "decision", kind: "resume", rationale: "Back on" };

  it("halting a scheduled release withdraws its go, so resuming needs a new go", () => {
    const halted = decide(scheduled, halt, actors.releaseManager, context);
    expect(eventTypes(accepted(halted).events)).toEqual([
      "release_halted",
      "release_state_changed",
      "go_withdrawn",
    ]);
    const resumed = persisted(
      persisted(scheduled, halted),
      decide(persisted(scheduled, halted), resume, actors.releaseManager, context),
    );
    expect(resumed.release.status).toBe("active");
    const start = refused(
      decide(resumed, { type: "transition", to: "deployment_execution" }, actors.releaseManager, context),
    );
    expect(start.unmet_gates?.map((gate) => gate.id)).toEqual(["go_decision"]);
    expect(decide(resumed, go, actors.releaseManager, context).ok).toBe(true);
  });

  it("withdraws a go whose facts broke before the window opened, loudly", () => {
    const broken = at(completeSnapshot(), "pre_deployment_verification", "scheduled");
    broken.checklist[0] = { ...nth(broken.checklist, 0), status: "open" };
    const result = accepted(decide(broken, { type: "window_opened" }, actors.scheduler, context));
    expect(result.next).toEqual({ stage: "pre_deployment_verification", status: "active" });
    expect(eventOf(result.events, "go_withdrawn").data).toMatchObject({
      cause: "gates_no_longer_hold",
      unmet_gates: [expect.objectContaining({ id: "checklist_complete", ok: false })],
    });
  });

  it("treats a second cron tick for the same window as already applied", () => {
    const first = decide(scheduled, { type: "window_opened" }, actors.scheduler, context);
    const second = decide(persisted(scheduled, first), { type: "window_opened" }, actors.scheduler, context);
    expect(refused(second).code).toBe("decision_conflict");
  });
});

describe("execution reports", () => {
  const executing = at(completeSnapshot(), "deployment_execution", "active");
  executing.deployment = { started: true, completed: false, failed: false };

  it("a failed deployment opens the rollback decision and blocks further deployment reports", () => {
    const failed: LifecycleCommand = {
      type: "execution_report",
      report: "deployment_failed",
      detail: "exit 1",
    };
    const result = accepted(decide(executing, failed, actors.ci, context));
    expect(result.next).toEqual({ stage: "deployment_execution", status: "active" });
    expect(eventTypes(result.events)).toEqual(["deployment_reported", "rollback_decision_required"]);
    expect(eventOf(result.events, "deployment_reported").data).toEqual({
      reported_by: { kind: "system", name: "ci" },
      capacity: "ci",
      report: "deployment_failed",
      detail: "exit 1",
    });
    const afterFailure = { ...executing, deployment: { started: true, completed: false, failed: true } };
    const retry: LifecycleCommand = { type: "execution_report", report: "deployment_started" };
    expect(refused(decide(afterFailure, retry, actors.ci, context)).code).toBe("invalid_state");
  });

  it("a failed smoke test opens the rollback decision", () => {
    const smoke: LifecycleCommand = {
      type: "test_result",
      stage: "smoke",
      suite: "homepage",
      status: "failed",
    };
    const result = accepted(decide(executing, smoke, actors.engineer, context));
    expect(eventOf(result.events, "rollback_decision_required").data).toEqual({
      cause: "smoke_test_failed",
      suite: "homepage",
    });
  });
});

describe("rollback", () => {
  const live = at(completeSnapshot(), "post_deployment_verification", "active");
  const step = (position: number, outcome: "done" | "failed"): LifecycleCommand => ({
    type: "rollback_step",
    position,
    outcome,
    note: outcome === "failed" ? "CDN API timed out" : null,
  });
  const recorded = (position: number) => ({
    position,
    outcome: "done" as const,
    recorded_by: "x",
    at: "2026-03-14T11:00:00Z",
  });

  it("unstable starts the rollback at once and every step is recorded until rolled back", () => {
    const unstable: LifecycleCommand = {
      type: "decision",
      kind: "stability",
      outcome: "unstable",
      rationale: "5xx",
    };
    const started = accepted(decide(live, unstable, actors.releaseManager, context));
    expect(eventTypes(started.events)).toEqual([
      "stability_decided",
      "rollback_started",
      "release_state_changed",
    ]);
    expect(eventOf(started.events, "rollback_started").data).toMatchObject({
      trigger: "unstable_decision",
      steps: 2,
    });

    const rolling = persisted(live, started);
    const first = accepted(decide(rolling, step(1, "done"), actors.engineer, context));
    expect(first.next.status).toBe("rolling_back");
    expect(eventOf(first.events, "rollback_step_recorded").data).toMatchObject({
      position: 1,
      title: "Re-point the CDN to the previous build",
      outcome: "done",
    });

    const last = accepted(
      decide({ ...rolling, rollback_steps: [recorded(1)] }, step(2, "done"), actors.engineer, context),
    );
    expect(last.next.status).toBe("rolled_back");
    expect(eventTypes(last.events)).toEqual([
      "rollback_step_recorded",
      "release_state_changed",
      "rollback_completed",
    ]);
  });

  it("a failed rollback step fails the release with a critical event", () => {
    const rolling = at(completeSnapshot(), "deployment_execution", "rolling_back");
    const result = accepted(decide(rolling, step(1, "failed"), actors.engineer, context));
    expect(result.next.status).toBe("failed");
    expect(eventOf(result.events, "rollback_failed").data).toEqual({
      severity: "critical",
      position: 1,
      title: "Re-point the CDN to the previous build",
      note: "CDN API timed out",
    });
  });

  it("re-attempts only after the investigation, starting a new attempt in planning", () => {
    const rolledBack = at(completeSnapshot(), "deployment_execution", "rolled_back");
    const reattempt: LifecycleCommand = { type: "reattempt", reason: "Cache key fixed" };
    const result = accepted(decide(rolledBack, reattempt, actors.releaseManager, context));
    expect(result.next).toEqual({ stage: "planning", status: "active" });
    expect(eventOf(result.events, "release_reattempted").data).toMatchObject({
      previous_attempt: 1,
      attempt: 2,
      from: { stage: "deployment_execution", status: "rolled_back" },
    });
  });
});

describe("closing", () => {
  it("closes the record with a release_closed event", () => {
    const closing = at(completeSnapshot(), "communication_closure", "active");
    const result = accepted(
      decide(closing, { type: "transition", to: "closed" }, actors.releaseManager, context),
    );
    expect(result.next).toEqual({ stage: "closed", status: "closed" });
    expect(eventTypes(result.events)).toEqual(["release_state_changed", "release_closed"]);
  });

  it("moves a stable release to communication and closure, counting the open issues", () => {
    const live = at(completeSnapshot(), "post_deployment_verification", "active");
    live.issues = [{ id: "i", severity: "low", status: "open", description: "Alt text", link: null }];
    const stable: LifecycleCommand = {
      type: "decision",
      kind: "stability",
      outcome: "stable",
      rationale: "Quiet",
    };
    const result = accepted(decide(live, stable, actors.releaseManager, context));
    expect(result.next).toEqual({ stage: "communication_closure", status: "active" });
    expect(eventOf(result.events, "stability_decided").data.open_issues).toEqual({
      critical: 0,
      high: 0,
      medium: 0,
      low: 1,
    });
  });
});

describe("command validation", () => {
  const ready = at(completeSnapshot(), "pre_deployment_verification", "active");

  it.each<[string, LifecycleCommand]>([
    ["a decision without rationale", { ...go, rationale: "  " }],
    ["an unknown stage", { type: "transition", to: "production" as never }],
    ["return_to on a go", { ...go, return_to: "planning" }],
    ["an outcome on a halt", { type: "decision", kind: "halt", rationale, outcome: "go" as never }],
    ["a cancel without reason", { type: "cancel", reason: "" }],
    ["a rollback step at position 0", { type: "rollback_step", position: 0, outcome: "done" }],
    ["a test result without suite", { type: "test_result", stage: "staging", suite: "", status: "passed" }],
    [
      "a test result with an unknown status",
      { type: "test_result", stage: "staging", suite: "a", status: "green" as never },
    ],
  ])("refuses %s as invalid_command", (_name, command) => {
    expect(refused(decide(ready, command, actors.releaseManager, context)).code).toBe("invalid_command");
  });

  it("never mutates the snapshot it is given", () => {
    const frozen = deepFreeze(at(completeSnapshot(), "pre_deployment_verification", "active"));
    expect(() => decide(frozen, go, actors.releaseManager, context)).not.toThrow();
    expect(frozen.release.status).toBe("active");
  });
});
