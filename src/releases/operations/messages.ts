import { and, eq, inArray } from "drizzle-orm";
import { outboxMessages } from "../../db/schema";
import { ApiError } from "../../lib/problem";
import { memberIdOf, type OperationContext, recordEvent, writeRelease } from "../operation-context";

const UNSETTLED = ["queued", "retrying"];

export interface CancelMessagesInput {
  /** The messages to cancel; omitted: every unsettled message of the release. */
  message_ids?: string[] | undefined;
  reason: string;
}

/**
 * Cancels unsent stakeholder messages of the release, so closure need not wait for an email
 * provider that is down or not configured. Only the release's manager or an owner may (checked
 * here: the route admits both roles, but a release manager only for their own release). A message
 * a drain is sending at this moment stays as the drain settles it if it was in fact sent. Audited
 * with message ids, events and the reason: never an address.
 */
export async function cancelMessages(ctx: OperationContext, input: CancelMessagesInput) {
  const { actor } = ctx;
  const ownRelease = actor.kind === "member" && actor.member_id === ctx.state.release_manager_id;
  if (
    actor.kind !== "member" ||
    !(actor.role === "owner" || (actor.role === "release_manager" && ownRelease))
  ) {
    throw new ApiError(
      "forbidden",
      "Only the release's release manager or an owner may cancel its messages.",
    );
  }
  const named = input.message_ids ? [...new Set(input.message_ids)] : null;
  const scope = and(eq(outboxMessages.tenantId, ctx.tenantId), eq(outboxMessages.releaseId, ctx.state.id));
  const targets = await ctx.tx
    .select({ id: outboxMessages.id, status: outboxMessages.status, event: outboxMessages.event })
    .from(outboxMessages)
    .where(and(scope, named ? inArray(outboxMessages.id, named) : inArray(outboxMessages.status, UNSETTLED)))
    .orderBy(outboxMessages.createdAt, outboxMessages.id)
    .for("update");
  // Conditional on the status: a drain settles only messages still queued or retrying, so the two
  // can never both win.
  const cancelledIds = new Set(
    (
      await ctx.tx
        .update(outboxMessages)
        .set({
          status: "cancelled",
          cancelledBy: memberIdOf(actor),
          cancelReason: input.reason,
          updatedAt: ctx.now,
        })
        .where(
          and(
            scope,
            inArray(
              outboxMessages.id,
              targets.map((row) => row.id),
            ),
            inArray(outboxMessages.status, UNSETTLED),
          ),
        )
        .returning({ id: outboxMessages.id })
    ).map((row) => row.id),
  );
  const rows = targets.map((row) => ({ ...row, cancelled: cancelledIds.has(row.id) }));
  if (named) {
    const found = new Set(rows.map((row) => row.id));
    const unknown = named.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      throw new ApiError("unprocessable", `No message ${unknown.join(", ")} belongs to this release.`, {
        errors: unknown.map((id) => ({
          path: "body.message_ids",
          message: `no message ${id} on this release`,
        })),
      });
    }
    const settled = rows.filter((row) => !row.cancelled);
    if (settled.length > 0) {
      throw new ApiError(
        "conflict",
        `Only unsent messages can be cancelled; ${settled.map((row) => `${row.id} is ${row.status}`).join(", ")}.`,
        { messages: settled.map((row) => ({ id: row.id, status: row.status })) },
      );
    }
  }
  const cancelled = rows.filter((row) => row.cancelled);
  if (cancelled.length === 0) return { cancelled: [] };
  await writeRelease(ctx, {});
  await recordEvent(ctx, "notifications_cancelled", {
    reason: input.reason,
    messages: cancelled.map((row) => ({ id: row.id, event: row.event })),
  });
  return { cancelled: cancelled.map((row) => row.id) };
}
