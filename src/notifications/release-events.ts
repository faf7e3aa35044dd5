import type { LifecycleEvent } from "../domain/lifecycle/events";
import type { LifecycleState } from "../domain/lifecycle/stages";
import type { NotificationEvent } from "../domain/notifications";
import type { OperationContext } from "../releases/operation-context";
import { type QueueReport, queueMemberAlert, queueReleaseNotifications } from "./queue";

/** Queues one event's stakeholder messages in the command's transaction and tells the caller to kick the outbox. */
export async function queueForRelease(ctx: OperationContext, event: NotificationEvent): Promise<QueueReport> {
  const report = await queueReleaseNotifications(ctx.tx, ctx.tenantId, ctx.state, event, ctx.now);
  ctx.queuedMessages = (ctx.queuedMessages ?? 0) + report.queued;
  return report;
}

/**
 * The lifecycle changes stakeholders hear about: scheduled (go outside the
 * window), the window opening on a scheduled release, deployed (into
 * post-deployment verification), rolled back, and a failed rollback.
 */
export function notificationEventsOf(
  before: LifecycleState,
  after: LifecycleState,
  events: readonly LifecycleEvent[],
): NotificationEvent[] {
  const out: NotificationEvent[] = [];
  const types = new Set(events.map((event) => event.type));
  if (types.has("release_scheduled")) out.push("release_scheduled");
  if (before.status === "scheduled" && after.stage === "deployment_execution") out.push("window_opened");
  if (before.stage === "deployment_execution" && after.stage === "post_deployment_verification") {
    out.push("deployed");
  }
  if (after.status === "rolled_back" && before.status !== "rolled_back") out.push("rolled_back");
  if (types.has("rollback_failed")) out.push("rollback_failed");
  return out;
}

/**
 * A failure waiting on a rollback decision: the release's release manager and every active owner
 * hear at once, whatever the communication list says (they are the people who decide).
 */
export async function queueFailureAlert(ctx: OperationContext): Promise<QueueReport> {
  const report = await queueMemberAlert(
    ctx.tx,
    ctx.tenantId,
    ctx.state,
    "rollback_decision_required",
    ctx.now,
  );
  ctx.queuedMessages = (ctx.queuedMessages ?? 0) + report.queued;
  return report;
}
