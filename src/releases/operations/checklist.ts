import { and, eq } from "drizzle-orm";
import { checklistItems } from "../../db/schema";
import { ApiError, notFound } from "../../lib/problem";
import { type AuditEntry, type OperationContext, recordEvents, writeRelease } from "../operation-context";
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

type ChecklistRow = typeof checklistItems.$inferSelect;

/** One change in a bulk update: the item named by its id, or by its key in the current checklist. */
export interface ChecklistBulkEntry {
  item_id?: string | undefined;
  key?: string | undefined;
  status: "done" | "n_a" | "open";
  evidence_url?: string | null | undefined;
  note?: string | undefined;
}

export interface ChecklistBulkUpdate {
  items: ChecklistBulkEntry[];
}

function currentItems(ctx: OperationContext): Promise<ChecklistRow[]> {
  return ctx.tx
    .select()
    .from(checklistItems)
    .where(
      and(
        eq(checklistItems.tenantId, ctx.tenantId),
        eq(checklistItems.releaseId, ctx.state.id),
        eq(checklistItems.attempt, ctx.state.attempt),
      ),
    )
    .orderBy(checklistItems.position)
    .for("update");
}

/** Why `role` may not change `item`, or null when it may. */
function signOffRefusal(item: ChecklistRow, role: string): string | null {
  return item.category !== "general" && !(COMPLIANCE_SIGNERS as readonly string[]).includes(role)
    ? `'${item.title}' is a compliance item (${item.category}); only an owner or a release manager may sign it off or reopen it.`
    : null;
}

/** Writes one item and returns its audit entry. Done and n/a record who and when; open clears both. */
async function applyChange(
  ctx: OperationContext,
  memberId: string,
  item: ChecklistRow,
  change: {
    status: "done" | "n_a" | "open";
    evidence_url?: string | null | undefined;
    note?: string | undefined;
  },
) {
  const settled = change.status !== "open";
  const [row] = await ctx.tx
    .update(checklistItems)
    .set({
      status: change.status,
      completedBy: settled ? memberId : null,
      completedAt: settled ? ctx.now : null,
      evidenceUrl: change.evidence_url === undefined ? item.evidenceUrl : change.evidence_url,
      updatedAt: ctx.now,
    })
    .where(and(eq(checklistItems.tenantId, ctx.tenantId), eq(checklistItems.id, item.id)))
    .returning();
  if (!row) throw notFound("The checklist item");
  const audit: AuditEntry = {
    type: "checklist_item_updated",
    data: {
      item_id: item.id,
      key: item.key,
      category: item.category,
      status: change.status,
      // The checklist has no note column; the note lives in the audit trail.
      note: change.note ?? null,
    },
    before: { status: item.status, completed_by: item.completedBy, evidence_url: item.evidenceUrl },
    after: { status: row.status, completed_by: row.completedBy, evidence_url: row.evidenceUrl },
  };
  return { row, audit };
}

/**
 * Marks one item of the current attempt's checklist done, n/a or open again.
 * Any stage is fine while the release is not closed or cancelled: the gates
 * judge whether the checklist is complete when it matters.
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
  const refusal = signOffRefusal(item, member.role);
  if (refusal) throw new ApiError("forbidden", refusal);
  const { row, audit } = await applyChange(ctx, member.memberId, item, input);
  await writeRelease(ctx, {});
  await recordEvents(ctx, [audit]);
  return presentChecklistItem(row);
}

/**
 * Several items in one command, all or nothing: every entry is checked first (the item exists in
 * the current attempt, named once, and the caller may sign it), and a refusal lists every entry
 * at fault by its index, so nothing is half-applied. One audit entry per item, in one insert.
 */
export async function updateChecklist(ctx: OperationContext, input: ChecklistBulkUpdate) {
  assertNotTerminal(ctx, "its checklist");
  const member = requireMember(ctx);
  const items = await currentItems(ctx);
  const byId = new Map(items.map((item) => [item.id, item]));
  const byKey = new Map(items.filter((item) => item.key).map((item) => [item.key as string, item]));
  const errors: { path: string; message: string }[] = [];
  const forbidden: string[] = [];
  const seen = new Set<string>();
  const resolved: { item: ChecklistRow; entry: ChecklistBulkEntry }[] = [];
  input.items.forEach((entry, index) => {
    const path = `body.items.${index}`;
    const item = entry.item_id !== undefined ? byId.get(entry.item_id) : byKey.get(entry.key ?? "");
    if (!item) {
      errors.push({
        path: `${path}.${entry.item_id !== undefined ? "item_id" : "key"}`,
        message: `no item ${entry.item_id ?? entry.key} in the current checklist (GET /v1/releases/{id}/checklist lists ids and keys)`,
      });
      return;
    }
    if (seen.has(item.id)) {
      errors.push({ path, message: "names an item already changed in this request" });
      return;
    }
    seen.add(item.id);
    const refusal = signOffRefusal(item, member.role);
    if (refusal) {
      forbidden.push(refusal);
      errors.push({ path, message: "a compliance item: an owner or a release manager signs it" });
      return;
    }
    resolved.push({ item, entry });
  });
  if (errors.length > 0) {
    const onlyForbidden = forbidden.length === errors.length;
    throw new ApiError(
      onlyForbidden ? "forbidden" : "unprocessable",
      `Nothing was changed: ${errors.length} of ${input.items.length} item(s) cannot be applied. ${forbidden.join(" ")}`.trim(),
      { errors },
    );
  }
  const audits: AuditEntry[] = [];
  const rows: ChecklistRow[] = [];
  for (const { item, entry } of resolved) {
    const { row, audit } = await applyChange(ctx, member.memberId, item, entry);
    rows.push(row);
    audits.push(audit);
  }
  await writeRelease(ctx, {});
  await recordEvents(ctx, audits);
  return { updated: rows.map(presentChecklistItem) };
}
