import { and, desc, eq, gt, inArray } from "drizzle-orm";
import { checklistItems, deploymentLogEntries, investigations, testResults } from "../../db/schema";
import {
  decide,
  LIFECYCLE_ERROR_HTTP_STATUS,
  type LifecycleCommand,
  type LifecycleEvent,
} from "../../domain/lifecycle";
import { checklistForRelease } from "../../domain/lifecycle/default-checklist";
import { uuidv7 } from "../../lib/ids";
import { ApiError, type ProblemCode } from "../../lib/problem";
import { notificationEventsOf, queueFailureAlert, queueForRelease } from "../../notifications/release-events";
import { loadChecklistTemplate } from "../checklist-template";
import { memberIdOf, type OperationContext, recordEvents, writeRelease } from "../operation-context";
import { loadReleaseState, toSnapshot } from "../release-state";
import { recheckWindow } from "./release-details";

/** Go, and the cron's "window opened", judge the booked slot against the windows stored now. */
function rechecksWindow(command: LifecycleCommand): boolean {
  return (
    (command.type === "decision" && command.kind === "go_no_go" && command.outcome === "go") ||
    command.type === "window_opened"
  );
}

function problemCodeFor(status: number, code: string): ProblemCode {
  if (code === "gates_unmet") return "gates_unmet";
  if (status === 403) return "forbidden";
  if (status === 422) return "unprocessable";
  return "conflict";
}

/**
 * The one path for every lifecycle command (transitions, decisions, reports,
 * rollback steps, cancel, re-attempt, window ticks): ask the pure rules, then
 * write the new state, the facts the events carry and the events themselves
 * in this transaction.
 */
export interface LifecycleOutcome {
  rule: string;
  capacity: string;
  next: { stage: string; status: string; attempt: number };
  events: string[];
  /** Where the failure left the release before the agency's policy rolled it back. */
  failure_state?: { stage: string; status: string; attempt: number };
  auto_rollback?: { rule: string; capacity: string };
}

export async function applyLifecycleCommand(
  ctx: OperationContext,
  command: LifecycleCommand,
): Promise<LifecycleOutcome> {
  await refuseLateRunningReport(ctx, command);
  await refuseOlderReport(ctx, command);
  // A freeze added (or a window removed) since the slot was booked must stop the go; one extra read.
  const windowChanges = rechecksWindow(command) ? await recheckWindow(ctx) : {};
  if (windowChanges.windowPolicyOk !== undefined) {
    ctx.state = {
      ...ctx.state,
      window_policy_ok: windowChanges.windowPolicyOk,
      window_policy_detail: windowChanges.windowPolicyDetail ?? null,
    };
  }
  const snapshot = toSnapshot(ctx.state, ctx.now);
  const result = decide(snapshot, command, ctx.actor, { policy: ctx.policy });
  if (!result.ok) {
    const status = LIFECYCLE_ERROR_HTTP_STATUS[result.error.code];
    throw new ApiError(problemCodeFor(status, result.error.code), result.error.message, {
      lifecycle_code: result.error.code,
      ...(result.error.unmet_gates ? { unmet_gates: result.error.unmet_gates } : {}),
    });
  }
  const before = { stage: ctx.state.stage, status: ctx.state.status, attempt: ctx.state.attempt };
  const reattempt = result.events.find((event) => event.type === "release_reattempted");
  const attempt = reattempt ? reattempt.data.attempt : ctx.state.attempt;
  const after = { stage: result.next.stage, status: result.next.status, attempt };

  for (const event of result.events) await recordFact(ctx, event);
  await writeRelease(ctx, {
    stage: result.next.stage,
    status: result.next.status,
    attempt,
    ...windowChanges,
  });
  await recordEvents(
    ctx,
    result.events.map((event) => ({
      type: event.type,
      data: { ...event.data, rule: result.rule, capacity: result.capacity },
      before,
      after,
      attempt: event.type === "release_reattempted" ? attempt : before.attempt,
    })),
  );
  if (reattempt) await startAttempt(ctx, attempt);
  // Stakeholders hear about the changes that matter, queued in this transaction with the events.
  for (const notification of notificationEventsOf(before, after, result.events)) {
    await queueForRelease(ctx, notification);
  }
  if ((after.status === "rolled_back" || after.status === "failed") && before.status !== after.status) {
    // A failed attempt is investigated before it may be re-attempted.
    await ctx.tx
      .insert(investigations)
      .values({ tenantId: ctx.tenantId, releaseId: ctx.state.id, attempt: before.attempt })
      .onConflictDoNothing();
  }
  const failure = result.events.find((event) => event.type === "rollback_decision_required");
  if (failure && after.status === "active" && after.stage === "deployment_execution") {
    if (ctx.policy.auto_rollback_on_failure) return autoRollback(ctx, result, after);
    // Nobody may miss it: the release manager and the owners hear at once.
    await queueFailureAlert(ctx);
  }
  return {
    rule: result.rule,
    capacity: result.capacity,
    next: after,
    events: result.events.map((e) => e.type),
  };
}

/**
 * The agency's policy decides the rollback the failure asks for, in the same command and
 * transaction, recorded as the system acting under `auto_rollback_on_failure`.
 */
async function autoRollback(
  ctx: OperationContext,
  failed: { rule: string; capacity: string; events: readonly LifecycleEvent[] },
  after: { stage: string; status: string; attempt: number },
): Promise<LifecycleOutcome> {
  const state = await loadReleaseState(ctx.tx, ctx.tenantId, ctx.state.id);
  if (!state) throw new ApiError("conflict", "The release disappeared while rolling back.");
  const policyCtx: OperationContext = { ...ctx, state, actor: { kind: "system", name: "policy" } };
  const rollback: LifecycleOutcome = await applyLifecycleCommand(policyCtx, {
    type: "decision",
    kind: "rollback",
    rationale:
      "Automatic rollback under the agency's policy (auto_rollback_on_failure): a failed deployment or smoke test rolls back at once.",
  });
  ctx.state = policyCtx.state;
  ctx.queuedMessages = policyCtx.queuedMessages;
  return {
    rule: failed.rule,
    capacity: failed.capacity,
    next: rollback.next,
    events: [...failed.events.map((e) => e.type), ...rollback.events],
    failure_state: after,
    auto_rollback: { rule: rollback.rule, capacity: rollback.capacity },
  };
}

const FINAL_TEST_STATUSES = ["passed", "failed", "skipped"];

/**
 * CI delivers out of order: a run's `in_progress` can arrive after its `completed`. The gates read
 * the latest result per suite, so recording that late "running" would undo a final verdict. The
 * check lives here rather than in the webhook receiver because this runs inside the release's
 * Durable Object queue and its row-locked transaction: two deliveries for one run processed at
 * the same time cannot both pass it. It also runs before `decide`, so a refused report leaves no
 * audit event claiming the run started again. A re-run gets a new external id (the receiver adds
 * the attempt number), so it is not mistaken for a late report.
 */
async function refuseLateRunningReport(ctx: OperationContext, command: LifecycleCommand): Promise<void> {
  if (command.type !== "test_result" || command.status !== "running" || !command.external_id) return;
  const [final] = await ctx.tx
    .select({ status: testResults.status })
    .from(testResults)
    .where(
      and(
        eq(testResults.tenantId, ctx.tenantId),
        eq(testResults.releaseId, ctx.state.id),
        eq(testResults.attempt, ctx.state.attempt),
        eq(testResults.externalId, command.external_id),
        inArray(testResults.status, FINAL_TEST_STATUSES),
      ),
    )
    .limit(1);
  if (final) {
    throw new ApiError(
      "conflict",
      `The final result of ${command.external_id} (${final.status}) is already recorded; a late 'running' report does not replace it.`,
      { lifecycle_code: "stale_report" },
    );
  }
}

const DEPLOYMENT_REPORT_KINDS = ["deployment_started", "deployment_completed", "deployment_failed"];

/**
 * A CI report older than one already recorded for the same suite (or, for deployments, the same
 * attempt's deployment) is refused: the gates read the latest result, so an old body resent under
 * a new delivery id (GitHub and Bitbucket sign only the body, not the delivery id or a time) would
 * otherwise turn a failed gate green. Times are CI's own, from the signed body; reports without
 * one (the API, a payload with no time) are not ordered this way. Like the check above, it runs
 * in the release's queue and row-locked transaction, so two reports cannot both pass it.
 */
async function refuseOlderReport(ctx: OperationContext, command: LifecycleCommand): Promise<void> {
  if ((command.type !== "test_result" && command.type !== "execution_report") || !command.reported_at) return;
  const reportedAt = new Date(command.reported_at);
  const newer =
    command.type === "test_result"
      ? await ctx.tx
          .select({ at: testResults.reportedAt, status: testResults.status })
          .from(testResults)
          .where(
            and(
              eq(testResults.tenantId, ctx.tenantId),
              eq(testResults.releaseId, ctx.state.id),
              eq(testResults.attempt, ctx.state.attempt),
              eq(testResults.stage, command.stage),
              eq(testResults.suite, command.suite),
              gt(testResults.reportedAt, reportedAt),
            ),
          )
          .orderBy(desc(testResults.reportedAt))
          .limit(1)
      : await ctx.tx
          .select({ at: deploymentLogEntries.reportedAt, status: deploymentLogEntries.kind })
          .from(deploymentLogEntries)
          .where(
            and(
              eq(deploymentLogEntries.tenantId, ctx.tenantId),
              eq(deploymentLogEntries.releaseId, ctx.state.id),
              eq(deploymentLogEntries.attempt, ctx.state.attempt),
              inArray(deploymentLogEntries.kind, DEPLOYMENT_REPORT_KINDS),
              gt(deploymentLogEntries.reportedAt, reportedAt),
            ),
          )
          .orderBy(desc(deploymentLogEntries.reportedAt))
          .limit(1);
  const [latest] = newer;
  if (latest?.at) {
    const what = command.type === "test_result" ? `'${command.suite}' (${command.stage})` : "the deployment";
    throw new ApiError(
      "conflict",
      `A newer CI report for ${what} is already recorded (${latest.status} at ${latest.at.toISOString()}); this one is from ${reportedAt.toISOString()} and does not replace it.`,
      { lifecycle_code: "stale_report" },
    );
  }
}

/** Events that carry a fact the gates later read are also written to their fact table. */
async function recordFact(ctx: OperationContext, event: LifecycleEvent): Promise<void> {
  const base = {
    tenantId: ctx.tenantId,
    releaseId: ctx.state.id,
    attempt: ctx.state.attempt,
    createdAt: ctx.now,
  };
  const source =
    ctx.actor.kind === "system" ? ctx.actor.name : ctx.actor.kind === "contact" ? "approval_link" : "api";
  switch (event.type) {
    case "test_result_recorded":
      await ctx.tx.insert(testResults).values({
        ...base,
        id: uuidv7(ctx.now.getTime()),
        stage: event.data.stage,
        suite: event.data.suite,
        status: event.data.status,
        url: event.data.url,
        source,
        externalId: event.data.external_id ?? null,
        reportedAt: event.data.reported_at ? new Date(event.data.reported_at) : null,
        reportedBy: memberIdOf(ctx.actor),
      });
      return;
    case "deployment_reported":
      await ctx.tx.insert(deploymentLogEntries).values({
        ...base,
        id: uuidv7(ctx.now.getTime()),
        kind: event.data.report,
        detail: event.data.detail,
        url: event.data.url ?? null,
        source,
        externalId: event.data.external_id ?? null,
        reportedAt: event.data.reported_at ? new Date(event.data.reported_at) : null,
        recordedBy: memberIdOf(ctx.actor),
      });
      return;
    case "rollback_step_recorded":
      await ctx.tx.insert(deploymentLogEntries).values({
        ...base,
        id: uuidv7(ctx.now.getTime()),
        kind: "rollback_step",
        detail: event.data.note ? `${event.data.title}: ${event.data.note}` : event.data.title,
        rollbackPosition: event.data.position,
        rollbackOutcome: event.data.outcome,
        source,
        recordedBy: memberIdOf(ctx.actor),
      });
      return;
    default:
      return;
  }
}

/** A re-attempt starts with a fresh checklist; the earlier attempt's facts stay as history. */
async function startAttempt(ctx: OperationContext, attempt: number): Promise<void> {
  const template = await loadChecklistTemplate(ctx.tx, ctx.tenantId);
  const items = checklistForRelease(template, ctx.state.compliance);
  if (items.length === 0) return;
  await ctx.tx.insert(checklistItems).values(
    items.map((item, position) => ({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt,
      position,
      key: item.key,
      title: item.title,
      description: item.guidance,
      stage: item.stage,
      category: item.category,
      required: item.required,
    })),
  );
}
