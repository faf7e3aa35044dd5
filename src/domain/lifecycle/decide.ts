/**
 * The one function every lifecycle change goes through. It reads a snapshot, a command and who
 * issued it, and answers with the next state and the events to record, or a refusal. It does no
 * I/O, so the release's Durable Object can call it inside its serial queue and write the result
 * in one transaction (checking the row version it read), and tests can call it directly.
 *
 * Exclusive decisions are settled by state, not by flags: a go moves the release out of
 * pre-deployment/active at once, so a second go (or a racing no-go) finds no row for it and gets
 * `decision_conflict`; the same holds for a second stability decision or a second rollback.
 */

import { authorize, type Capacity } from "./authority";
import { type CommandKey, commandKey, commandProblem, type LifecycleCommand } from "./commands";
import type { LifecycleError, LifecycleErrorCode } from "./errors";
import { type ActorRef, actorRef, type LifecycleEvent } from "./events";
import { type GateInput, unmetGates } from "./gates";
import { recommendGoNoGo } from "./recommendation";
import type { Actor, IssueSeverity, LifecycleContext, ReleaseSnapshot, TestStage } from "./snapshot";
import { isTerminal, type LifecycleState, ROLLBACK_STAGES, STAGE_LABELS, type Stage } from "./stages";
import {
  GO_GATES,
  type RuleInput,
  resolveTarget,
  ruleAppliesFrom,
  START_DEPLOYMENT_GATES,
  TRANSITION_RULES,
  type TransitionRule,
} from "./transitions";

export type DecideResult =
  | {
      ok: true;
      /** The transition-table row that applied. */
      rule: string;
      /** The capacity the actor acted in, e.g. `owner_as_release_manager`. */
      capacity: Capacity;
      next: LifecycleState;
      events: LifecycleEvent[];
    }
  | { ok: false; error: LifecycleError };

function refuse(
  code: LifecycleErrorCode,
  message: string,
  extra: Partial<LifecycleError> = {},
): DecideResult {
  return { ok: false, error: { code, message, ...extra } };
}

function label(stage: Stage): string {
  return STAGE_LABELS[stage].toLowerCase();
}

/** Why no row of the table takes `key` from the release's current state, as a clear refusal. */
function refuseByState(key: CommandKey, command: LifecycleCommand, gates: GateInput): DecideResult {
  const { stage, status } = gates.snapshot.release;
  if (isTerminal(status))
    return refuse("release_terminal", `The release is ${status}; nothing more can change.`);
  const pastPre = stage !== "planning" && stage !== "pre_deployment_verification";
  const inRollback = status === "rolling_back" || status === "rolled_back" || status === "failed";

  switch (key) {
    case "go":
    case "no_go":
      if (status === "scheduled" || pastPre)
        return refuse(
          "decision_conflict",
          status === "scheduled"
            ? "A go decision was already given; the release is scheduled for its window. Halt it to withdraw the go."
            : `A go decision was already given; the release is in ${label(stage)}.`,
        );
      break;
    case "stable":
    case "unstable":
      if (stage === "communication_closure" || inRollback)
        return refuse("decision_conflict", "The stability of this deployment was already decided.");
      break;
    case "rollback":
      if (status === "rolling_back") return refuse("decision_conflict", "A rollback is already in progress.");
      if (status === "rolled_back" || status === "failed")
        return refuse("decision_conflict", `The release was already rolled back (status ${status}).`);
      if (!(ROLLBACK_STAGES as readonly Stage[]).includes(stage))
        return refuse(
          "invalid_state",
          `Nothing has been deployed in ${label(stage)}; halt or cancel the release instead of rolling back.`,
        );
      break;
    case "halt":
      if (status === "halted") return refuse("decision_conflict", "The release is already halted.");
      if (inRollback)
        return refuse(
          "invalid_state",
          status === "rolling_back"
            ? "A rollback is running and cannot be halted; record its steps."
            : `The release is ${status}; there is nothing to halt.`,
        );
      break;
    case "resume":
      return refuse("invalid_state", `The release is ${status}, not halted; there is nothing to resume.`);
    case "cancel":
      return refuse(
        "invalid_state",
        pastPre
          ? `A release can only be cancelled before deployment execution; it is in ${label(stage)}. Roll back instead.`
          : `The release is ${status} and cannot be cancelled now.`,
      );
    case "reattempt":
      return refuse("invalid_state", "Only a rolled-back or failed release can be re-attempted.");
    case "window_opened":
    case "window_missed":
      return refuse(
        pastPre ? "decision_conflict" : "invalid_state",
        pastPre
          ? "The release already left its scheduled state."
          : `The release is ${status}, not scheduled.`,
      );
    case "rollback_step":
      return refuse("invalid_state", "No rollback is in progress.");
    case "transition": {
      if (command.type !== "transition") break;
      if (status === "rolling_back")
        return refuse("invalid_state", "A rollback is in progress; record its steps.");
      if (status === "rolled_back" || status === "failed")
        return refuse("invalid_state", `The release is ${status}; close its investigation and re-attempt.`);
      if (status === "halted") break;
      // (scheduled → deployment_execution has its own row, so only other targets get here.)
      if (status === "scheduled")
        return refuse(
          "invalid_state",
          "The release is scheduled and moves to deployment when its window opens; halt it to change course.",
        );
      if (stage === "pre_deployment_verification" && command.to === "deployment_execution") {
        const unmet = unmetGates(START_DEPLOYMENT_GATES, gates);
        return refuse("gates_unmet", "The release cannot start deployment yet.", { unmet_gates: unmet });
      }
      if (command.to === stage)
        return refuse("invalid_transition", `The release is already in ${label(stage)}.`);
      return refuse(
        "invalid_transition",
        `A release cannot move from ${label(stage)} to ${label(command.to)}` +
          (command.to === "communication_closure"
            ? "; the stable decision does that."
            : "; stages are taken in order (going back is only allowed from pre-deployment verification to planning)."),
      );
    }
    default:
      if (status === "rolling_back" || status === "rolled_back" || status === "failed")
        return refuse("invalid_state", `The release is ${status}; reports for the deployment are closed.`);
  }
  if (command.type === "test_result")
    return refuse(
      "invalid_state",
      `A ${command.stage} result is accepted during ${TEST_RESULT_STAGES[command.stage]}; the release is in ${label(stage)}.`,
    );
  if (command.type === "execution_report")
    return refuse(
      "invalid_state",
      `Deployment reports are accepted during deployment execution, not ${label(stage)}.`,
    );
  if (status === "halted") return refuse("release_halted", "The release is halted; resume it first.");
  if (key === "go" || key === "no_go")
    return refuse(
      "invalid_state",
      `Go/no-go is decided in pre-deployment verification; the release is in ${label(stage)}.`,
    );
  if (key === "stable" || key === "unstable")
    return refuse(
      "invalid_state",
      `Stability is decided in post-deployment verification; the release is in ${label(stage)}.`,
    );
  return refuse(
    "invalid_state",
    `'${key}' is not possible while the release is ${status} in ${label(stage)}.`,
  );
}

const TEST_RESULT_STAGES: Record<TestStage, string> = {
  staging: "planning or pre-deployment verification",
  smoke: "deployment execution",
  verification: "post-deployment verification",
  uat: "post-deployment verification",
};

/** Checks a rule row cannot express: facts that must not be recorded twice, and rollback step order. */
function factProblem(command: LifecycleCommand, snapshot: ReleaseSnapshot): DecideResult | null {
  if (command.type === "execution_report") {
    const { started, completed, failed } = snapshot.deployment;
    if (failed)
      return refuse(
        command.report === "deployment_failed" ? "duplicate_report" : "invalid_state",
        "The deployment already failed; roll back, investigate and re-attempt.",
      );
    if (command.report === "deployment_started" && (started || completed))
      return refuse("duplicate_report", "The deployment was already reported as started.");
    if (command.report === "deployment_completed" && completed)
      return refuse("duplicate_report", "The deployment was already reported as complete.");
  }
  if (command.type === "rollback_step") {
    const total = snapshot.rollback_procedure.length;
    const expected = snapshot.rollback_steps.length + 1;
    if (command.position > total)
      return refuse(
        "invalid_command",
        `The rollback procedure has ${total} step(s); there is no step ${command.position}.`,
      );
    if (command.position < expected)
      return refuse("duplicate_report", `Rollback step ${command.position} is already recorded.`);
    if (command.position > expected)
      return refuse(
        "rollback_step_out_of_order",
        `Rollback steps run in order; record step ${expected} first.`,
      );
  }
  return null;
}

function reasonOf(command: LifecycleCommand): string | null {
  switch (command.type) {
    case "transition":
      return command.reason?.trim() || null;
    case "decision":
      return command.rationale;
    case "cancel":
    case "reattempt":
      return command.reason;
    default:
      return null;
  }
}

function countOpenIssues(snapshot: ReleaseSnapshot): Record<IssueSeverity, number> {
  const counts: Record<IssueSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const issue of snapshot.issues) if (issue.status === "open") counts[issue.severity] += 1;
  return counts;
}

interface EventInput {
  rule: TransitionRule;
  command: LifecycleCommand;
  snapshot: ReleaseSnapshot;
  context: LifecycleContext;
  gates: GateInput;
  by: ActorRef;
  capacity: Capacity;
  from: LifecycleState;
  next: LifecycleState;
}

/** The events of the command itself, before the state change. */
function commandEvents(input: EventInput): LifecycleEvent[] {
  const { command, snapshot, by, capacity, rule } = input;
  switch (command.type) {
    case "decision": {
      const decision = { decided_by: by, capacity, rationale: command.rationale };
      if (command.kind === "go_no_go") {
        const advice = recommendGoNoGo(snapshot, input.context, input.gates.decider_id);
        return [
          {
            type: "go_no_go_decided",
            data: {
              ...decision,
              outcome: command.outcome,
              recommendation: advice.recommendation,
              recommendation_reasons: advice.reasons,
              followed_recommendation: advice.recommendation === command.outcome,
              return_to: command.outcome === "no_go" ? input.next.stage : null,
            },
          },
        ];
      }
      if (command.kind === "stability") {
        const stability: LifecycleEvent = {
          type: "stability_decided",
          data: { ...decision, outcome: command.outcome, open_issues: countOpenIssues(snapshot) },
        };
        if (command.outcome === "stable") return [stability];
        const steps = snapshot.rollback_procedure.length;
        return [
          stability,
          { type: "rollback_started", data: { ...decision, trigger: "unstable_decision", steps } },
        ];
      }
      if (command.kind === "rollback") {
        const steps = snapshot.rollback_procedure.length;
        return [{ type: "rollback_started", data: { ...decision, trigger: "rollback_decision", steps } }];
      }
      return [{ type: command.kind === "halt" ? "release_halted" : "release_resumed", data: decision }];
    }
    case "execution_report":
      return [
        {
          type: "deployment_reported",
          data: {
            reported_by: by,
            capacity,
            report: command.report,
            detail: command.detail?.trim() || null,
            ...(command.url ? { url: command.url } : {}),
            ...(command.external_id ? { external_id: command.external_id } : {}),
            ...(command.reported_at ? { reported_at: command.reported_at } : {}),
          },
        },
      ];
    case "test_result":
      return [
        {
          type: "test_result_recorded",
          data: {
            reported_by: by,
            capacity,
            stage: command.stage,
            suite: command.suite,
            status: command.status,
            url: command.url ?? null,
            ...(command.external_id ? { external_id: command.external_id } : {}),
            ...(command.reported_at ? { reported_at: command.reported_at } : {}),
          },
        },
      ];
    case "rollback_step": {
      const step = snapshot.rollback_procedure.find((s) => s.position === command.position);
      return [
        {
          type: "rollback_step_recorded",
          data: {
            reported_by: by,
            capacity,
            position: command.position,
            title: step?.title ?? `Step ${command.position}`,
            outcome: command.outcome,
            note: command.note?.trim() || null,
          },
        },
      ];
    }
    case "cancel":
      return [{ type: "release_cancelled", data: { cancelled_by: by, capacity, reason: command.reason } }];
    case "reattempt":
      return [
        {
          type: "release_reattempted",
          data: {
            decided_by: by,
            capacity,
            reason: command.reason,
            previous_attempt: snapshot.release.attempt,
            attempt: snapshot.release.attempt + 1,
            from: input.from,
          },
        },
      ];
    case "window_opened":
      if (rule.id !== "scheduled_go_invalidated") return [];
      return [
        {
          type: "go_withdrawn",
          data: { cause: "gates_no_longer_hold", unmet_gates: unmetGates(GO_GATES, input.gates) },
        },
      ];
    case "window_missed":
      return [{ type: "go_withdrawn", data: { cause: "window_missed", unmet_gates: [] } }];
    default:
      return [];
  }
}

/** What follows from the state change: scheduling, withdrawn go, alarms, closure. */
function consequenceEvents(input: EventInput): LifecycleEvent[] {
  const { command, snapshot, rule, from, next, by } = input;
  const events: LifecycleEvent[] = [];
  if (rule.id === "go_outside_window")
    events.push({
      type: "release_scheduled",
      data: {
        window_starts_at: snapshot.window?.starts_at ?? null,
        window_ends_at: snapshot.window?.ends_at ?? null,
      },
    });
  if (rule.id === "halt" && from.status === "scheduled")
    events.push({ type: "go_withdrawn", data: { cause: "halted", unmet_gates: [] } });
  if (command.type === "execution_report" && command.report === "deployment_failed")
    events.push({ type: "rollback_decision_required", data: { cause: "deployment_failed", suite: null } });
  if (command.type === "test_result" && command.stage === "smoke" && command.status === "failed")
    events.push({
      type: "rollback_decision_required",
      data: { cause: "smoke_test_failed", suite: command.suite },
    });
  if (rule.id === "rollback_completed")
    events.push({ type: "rollback_completed", data: { steps: snapshot.rollback_procedure.length } });
  if (rule.id === "rollback_failed" && command.type === "rollback_step") {
    const step = snapshot.rollback_procedure.find((s) => s.position === command.position);
    events.push({
      type: "rollback_failed",
      data: {
        severity: "critical",
        position: command.position,
        title: step?.title ?? `Step ${command.position}`,
        note: command.note?.trim() || null,
      },
    });
  }
  if (next.status === "closed" && from.status !== "closed")
    events.push({ type: "release_closed", data: { closed_by: by } });
  return events;
}

function buildEvents(input: EventInput): LifecycleEvent[] {
  const { from, next, rule, command, by } = input;
  const changed = from.stage !== next.stage || from.status !== next.status;
  const stateChange: LifecycleEvent[] = changed
    ? [
        {
          type: "release_state_changed",
          data: { from, to: next, rule: rule.id, reason: reasonOf(command), by },
        },
      ]
    : [];
  return [...commandEvents(input), ...stateChange, ...consequenceEvents(input)];
}

export function decide(
  snapshot: ReleaseSnapshot,
  command: LifecycleCommand,
  actor: Actor,
  context: LifecycleContext,
): DecideResult {
  const problem = commandProblem(command);
  if (problem !== null) return refuse("invalid_command", problem);

  const key = commandKey(command);
  const authority = authorize(key, actor, snapshot.team);
  if (!authority.ok) return refuse("forbidden", authority.message);

  const from: LifecycleState = { stage: snapshot.release.stage, status: snapshot.release.status };
  const gates: GateInput = {
    snapshot,
    context,
    // Self-approval is judged against whoever is deciding now; the cron re-checks on the manager's behalf.
    decider_id: actor.kind === "member" ? actor.member_id : snapshot.team.release_manager_id,
  };
  const ruleInput: RuleInput = { snapshot, command, gates };

  const applicable = TRANSITION_RULES.filter(
    (rule) =>
      rule.command === key &&
      ruleAppliesFrom(rule, from) &&
      (command.type !== "transition" || rule.to.stage === command.to),
  );
  if (applicable.length === 0) return refuseByState(key, command, gates);

  const factRefusal = factProblem(command, snapshot);
  if (factRefusal !== null) return factRefusal;

  const rule = applicable.find((candidate) => candidate.when === undefined || candidate.when(ruleInput));
  if (rule === undefined) return refuseByState(key, command, gates);

  const unmet = unmetGates(rule.gates, gates);
  if (unmet.length > 0)
    return refuse(
      "gates_unmet",
      `${unmet.length} gate(s) must hold first: ${unmet.map((g) => g.id).join(", ")}.`,
      {
        unmet_gates: unmet,
      },
    );

  const next = resolveTarget(rule, from);
  const by = actorRef(actor);
  const events = buildEvents({
    rule,
    command,
    snapshot,
    context,
    gates,
    by,
    capacity: authority.capacity,
    from,
    next,
  });
  return { ok: true, rule: rule.id, capacity: authority.capacity, next, events };
}
