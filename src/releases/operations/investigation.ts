import { and, asc, eq, isNull } from "drizzle-orm";
import { correctiveActions, investigations, members } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import { ApiError, notFound } from "../../lib/problem";
import { type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertCurrentAttempt, requireMember } from "./guards";
import { presentCorrectiveAction, presentInvestigation } from "./views";

// Closing the investigation is what lets the release manager re-attempt, so it is theirs (or an owner's);
// engineers write the summary and work through the corrective actions.
const INVESTIGATION_CLOSERS = ["owner", "release_manager"] as const;

/**
 * The investigation of the failed attempt. The executor opens it when the
 * release becomes rolled_back or failed, for that attempt; while the release
 * stays rolled_back/failed the current attempt is the failed one. After a
 * re-attempt the earlier investigation is history and no longer changes.
 */
async function openInvestigation(ctx: OperationContext) {
  const { status, attempt } = ctx.state;
  const scope = and(eq(investigations.tenantId, ctx.tenantId), eq(investigations.releaseId, ctx.state.id));
  if (status !== "rolled_back" && status !== "failed") {
    const [past] = await ctx.tx.select({ attempt: investigations.attempt }).from(investigations).where(scope);
    if (!past) {
      throw new ApiError(
        "not_found",
        "The release has no investigation; one opens when a release is rolled back or its rollback fails.",
      );
    }
    throw new ApiError(
      "conflict",
      `The investigation belongs to a failed attempt that is over; the release is ${status} on attempt ${attempt}.`,
    );
  }
  // Normally inserted by the rollback itself; opened here too so a release that predates that still has one.
  await ctx.tx
    .insert(investigations)
    .values({ tenantId: ctx.tenantId, releaseId: ctx.state.id, attempt })
    .onConflictDoNothing();
  const [row] = await ctx.tx
    .select()
    .from(investigations)
    .where(and(scope, eq(investigations.attempt, attempt)));
  if (!row) throw notFound("The investigation");
  return row;
}

async function actionsOf(ctx: OperationContext, attempt: number) {
  return ctx.tx
    .select()
    .from(correctiveActions)
    .where(
      and(
        eq(correctiveActions.tenantId, ctx.tenantId),
        eq(correctiveActions.releaseId, ctx.state.id),
        eq(correctiveActions.attempt, attempt),
      ),
    )
    .orderBy(asc(correctiveActions.createdAt), asc(correctiveActions.id));
}

function assertInvestigationOpen(status: string): void {
  if (status === "closed") {
    throw new ApiError(
      "conflict",
      'The investigation is closed; reopen it (PATCH /v1/releases/{id}/investigation {"status": "open"}) to change its corrective actions.',
    );
  }
}

export interface InvestigationUpdate {
  summary?: string | null | undefined;
  status?: "open" | "closed" | undefined;
}

export async function updateInvestigation(ctx: OperationContext, input: InvestigationUpdate) {
  const member = requireMember(ctx);
  const investigation = await openInvestigation(ctx);
  const actions = await actionsOf(ctx, investigation.attempt);
  if (input.status !== undefined && input.status !== investigation.status) {
    if (!(INVESTIGATION_CLOSERS as readonly string[]).includes(member.role)) {
      throw new ApiError(
        "forbidden",
        `Only an owner or a release manager may ${input.status === "closed" ? "close" : "reopen"} the investigation; engineers write its summary and corrective actions.`,
      );
    }
    if (input.status === "closed") {
      const open = actions.filter((a) => a.status === "open").length;
      if (actions.length === 0 || open > 0) {
        throw new ApiError(
          "conflict",
          actions.length === 0
            ? "Record at least one corrective action (POST .../investigation/corrective-actions) before closing the investigation."
            : `${open} corrective action(s) are still open; close them before closing the investigation.`,
        );
      }
    }
  }
  const [row] = await ctx.tx
    .update(investigations)
    .set({
      ...(input.summary !== undefined ? { summary: input.summary } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      updatedAt: ctx.now,
    })
    .where(
      and(
        eq(investigations.tenantId, ctx.tenantId),
        eq(investigations.releaseId, ctx.state.id),
        eq(investigations.attempt, investigation.attempt),
      ),
    )
    .returning();
  if (!row) throw notFound("The investigation");
  await writeRelease(ctx, {});
  await recordEvent(
    ctx,
    input.status === "closed" && investigation.status !== "closed"
      ? "investigation_closed"
      : "investigation_updated",
    { attempt: row.attempt, summary_changed: input.summary !== undefined },
    { before: { status: investigation.status }, after: { status: row.status } },
  );
  return presentInvestigation(row, actions);
}

export interface CorrectiveActionInput {
  description: string;
  owner_id?: string | undefined;
}

export async function addCorrectiveAction(ctx: OperationContext, input: CorrectiveActionInput) {
  requireMember(ctx);
  const investigation = await openInvestigation(ctx);
  assertInvestigationOpen(investigation.status);
  if (input.owner_id !== undefined) {
    const [owner] = await ctx.tx
      .select({ id: members.id })
      .from(members)
      .where(
        and(
          eq(members.tenantId, ctx.tenantId),
          eq(members.id, input.owner_id),
          isNull(members.deactivatedAt),
        ),
      );
    if (!owner) {
      throw new ApiError("unprocessable", "owner_id names no active member of your agency.", {
        errors: [{ path: "body.owner_id", message: "no such member" }],
      });
    }
  }
  const [row] = await ctx.tx
    .insert(correctiveActions)
    .values({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: investigation.attempt,
      description: input.description,
      ownerId: input.owner_id ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await writeRelease(ctx, {});
  await recordEvent(ctx, "corrective_action_added", {
    action_id: row.id,
    attempt: row.attempt,
    owner_id: row.ownerId,
  });
  return presentCorrectiveAction(row);
}

export interface CorrectiveActionUpdate {
  action_id: string;
  status: "open" | "closed";
}

export async function updateCorrectiveAction(ctx: OperationContext, input: CorrectiveActionUpdate) {
  requireMember(ctx);
  const [action] = await ctx.tx
    .select()
    .from(correctiveActions)
    .where(
      and(
        eq(correctiveActions.tenantId, ctx.tenantId),
        eq(correctiveActions.releaseId, ctx.state.id),
        eq(correctiveActions.id, input.action_id),
      ),
    );
  if (!action) throw notFound("The corrective action");
  const investigation = await openInvestigation(ctx);
  assertCurrentAttempt(ctx, action.attempt, "This corrective action");
  assertInvestigationOpen(investigation.status);
  const [row] = await ctx.tx
    .update(correctiveActions)
    .set({ status: input.status, updatedAt: ctx.now })
    .where(and(eq(correctiveActions.tenantId, ctx.tenantId), eq(correctiveActions.id, action.id)))
    .returning();
  if (!row) throw notFound("The corrective action");
  await writeRelease(ctx, {});
  await recordEvent(
    ctx,
    "corrective_action_updated",
    { action_id: row.id, attempt: row.attempt },
    { before: { status: action.status }, after: { status: row.status } },
  );
  return presentCorrectiveAction(row);
}
