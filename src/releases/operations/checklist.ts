import { and, eq } from "drizzle-orm";
import { checklistItems } from "../../db/schema";
import { ApiError, notFound } from "../../lib/problem";
import { type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertCurrentAttempt, assertNotTerminal, requireMember } from "./guards";
import { presentChecklistItem } from "./views";

export interface ChecklistItemUpdate {
  item_id: string;
  status: "done" | "n_a" | "open";
  evidence_url?: string | null | undefined;
  note?: string | undefined;
}

/**
 * Compliance items (Australian Consumer Law, Privacy Act, Spam Act) are a
 * named sign-off, not a tick: only an owner or a release manager may mark them
 * done or n/a, or reopen them. General items may be ticked by anyone who
 * writes (owners, release managers, engineers).
 */
const COMPLIANCE_SIGNERS = ["owner", "release_manager"] as const;

/**
 * Marks one item of the current attempt's checklist done, n/a or open again.
 * Done and n/a record who and when (the member is the sign-off); reopening
 * clears both. Any stage is fine while the release is not closed or cancelled:
 * the gates judge whether the checklist is complete when it matters.
 */
export async function updateChecklistItem(ctx: OperationContext, input: ChecklistItemUpdate) {
  assertNotTerminal(ctx, "its checklist");
  const member = requireMember(ctx);
  const [item] = await ctx.tx
    .select()
    .from(checklistItems)
    .where(
      and(
        eq(checklistItems.tenantId, ctx.tenantId),
        eq(checklistItems.releaseId, ctx.state.id),
        eq(checklistItems.id, input.item_id),
      ),
    );
  if (!item) throw notFound("The checklist item");
  assertCurrentAttempt(ctx, item.attempt, "This checklist item");
  if (item.category !== "general" && !(COMPLIANCE_SIGNERS as readonly string[]).includes(member.role)) {
    throw new ApiError(
      "forbidden",
      `'${item.title}' is a compliance item (${item.category}); only an owner or a release manager may sign it off or reopen it.`,
    );
  }
  const settled = input.status !== "open";
  const [row] = await ctx.tx
    .update(checklistItems)
    .set({
      status: input.status,
      completedBy: settled ? member.memberId : null,
      completedAt: settled ? ctx.now : null,
      evidenceUrl: input.evidence_url === undefined ? item.evidenceUrl : input.evidence_url,
      updatedAt: ctx.now,
    })
    .where(and(eq(checklistItems.tenantId, ctx.tenantId), eq(checklistItems.id, item.id)))
    .returning();
  if (!row) throw notFound("The checklist item");
  await writeRelease(ctx, {});
  await recordEvent(
    ctx,
    "checklist_item_updated",
    {
      item_id: item.id,
      key: item.key,
      category: item.category,
      status: input.status,
      // The checklist has no note column; the note lives in the audit trail.
      note: input.note ?? null,
    },
    {
      before: { status: item.status, completed_by: item.completedBy, evidence_url: item.evidenceUrl },
      after: { status: row.status, completed_by: row.completedBy, evidence_url: row.evidenceUrl },
    },
  );
  return presentChecklistItem(row);
}
