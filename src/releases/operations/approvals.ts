import { and, eq, inArray, sql } from "drizzle-orm";
import { type ApprovalRequestRow, approvalRequests, outboxMessages, signOffs } from "../../db/schema";
import { decideSend, subjectFor } from "../../domain/notifications";
import { uuidv7 } from "../../lib/ids";
import { ApiError, notFound } from "../../lib/problem";
import { memberIdOf, type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertNotTerminal } from "./guards";
import { applyLifecycleCommand } from "./lifecycle";

export type ApprovalKind = "sign_off" | "uat";
export type ApprovalDecision = "approved" | "changes_requested" | "passed" | "failed";

/** The decisions each kind offers the client: sign-off approves or asks for changes, UAT passes or fails. */
export const DECISIONS_BY_KIND: Readonly<Record<ApprovalKind, readonly ApprovalDecision[]>> = {
  sign_off: ["approved", "changes_requested"],
  uat: ["passed", "failed"],
};

/** What a client's UAT verdict is recorded as: a result of the UAT test stage under this suite. */
export const CLIENT_UAT_SUITE = "Client acceptance";

export interface ApprovalRequestInput {
  contact_id: string;
  kind: ApprovalKind;
  message?: string | undefined;
  expires_in_hours: number;
}

export interface ApprovalEmail {
  status: "queued" | "not_sent";
  /** Why no email goes out (the contact unsubscribed, bounced, has no address); share the URL another way. */
  reason: string | null;
}

const STAGES_FOR: Readonly<Record<ApprovalKind, readonly string[]>> = {
  sign_off: ["planning", "pre_deployment_verification"],
  uat: ["deployment_execution", "post_deployment_verification"],
};

const STAGE_WORDS: Readonly<Record<ApprovalKind, string>> = {
  sign_off: "before the go decision (planning or pre-deployment verification)",
  uat: "once the release is deploying or deployed (deployment execution or post-deployment verification)",
};

/** The release's own release manager, or an owner: the people who may ask a client and withdraw. */
function requireOwnerOrReleaseManager(ctx: OperationContext, what: string): string {
  const { actor } = ctx;
  if (
    actor.kind !== "member" ||
    !(actor.role === "owner" || actor.member_id === ctx.state.release_manager_id)
  ) {
    throw new ApiError("forbidden", `Only the release's release manager or an owner may ${what}.`);
  }
  return actor.member_id;
}

interface ContactForRequest {
  id: string;
  client_id: string | null;
  email: string | null;
  consent_basis: "express" | "inferred" | "none";
  unsubscribed: boolean;
  suppressed: boolean;
  erased: boolean;
}

async function contactFor(ctx: OperationContext, contactId: string): Promise<ContactForRequest> {
  const result = await ctx.tx.execute(sql`
    select c.id, c.client_id, c.email, c.consent_basis, (c.unsubscribed_at is not null) as unsubscribed,
      (c.suppressed_at is not null) as suppressed, (c.erased_at is not null) as erased
    from contacts c where c.tenant_id = ${ctx.tenantId} and c.id = ${contactId}`);
  const contact = result.rows[0] as ContactForRequest | undefined;
  const refuse = (message: string) =>
    new ApiError("unprocessable", `The approval cannot be requested: contact_id ${message}.`, {
      errors: [{ path: "body.contact_id", message }],
    });
  if (!contact) throw refuse("is not a contact of this agency");
  if (contact.erased) throw refuse("names a contact whose personal data was erased");
  if (contact.client_id !== ctx.state.client_id) {
    throw refuse(`must be a contact of this release's client (${ctx.state.client_name})`);
  }
  return contact;
}

/**
 * Asks a client contact to sign a release off, or to give their UAT verdict, by signed link. One
 * pending request per contact, kind and attempt: a second is refused with the first's id, so a
 * link in someone's inbox is never silently replaced. The email is queued in this transaction
 * (factual, with the agency's identification) unless the contact cannot receive it; the caller
 * gets the URL once either way to share it another way.
 */
export async function requestApproval(ctx: OperationContext, input: ApprovalRequestInput) {
  assertNotTerminal(ctx, "its approval requests");
  const memberId = requireOwnerOrReleaseManager(ctx, "ask the client for approval");
  if (!STAGES_FOR[input.kind].includes(ctx.state.stage)) {
    throw new ApiError(
      "conflict",
      `A ${input.kind === "uat" ? "UAT" : "sign-off"} request is sent ${STAGE_WORDS[input.kind]}; the release is ${ctx.state.status} in ${ctx.state.stage.replaceAll("_", " ")}.`,
    );
  }
  const contact = await contactFor(ctx, input.contact_id);
  const [pending] = await ctx.tx
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.tenantId, ctx.tenantId),
        eq(approvalRequests.releaseId, ctx.state.id),
        eq(approvalRequests.attempt, ctx.state.attempt),
        eq(approvalRequests.contactId, contact.id),
        eq(approvalRequests.kind, input.kind),
        eq(approvalRequests.status, "pending"),
        sql`${approvalRequests.expiresAt} > ${ctx.now}`,
      ),
    );
  if (pending) {
    throw new ApiError(
      "conflict",
      `This contact already has a pending ${input.kind} request (${pending.id}); withdraw it (DELETE /v1/releases/{id}/approval-requests/${pending.id}) before sending another.`,
      { approval_request_id: pending.id },
    );
  }
  const [row] = await ctx.tx
    .insert(approvalRequests)
    .values({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: ctx.state.attempt,
      contactId: contact.id,
      kind: input.kind,
      message: input.message ?? null,
      expiresAt: new Date(ctx.now.getTime() + input.expires_in_hours * 3_600_000),
      createdBy: memberId,
      createdAt: ctx.now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  // Factual: it asks for the contact's decision on work done for them, and promotes nothing.
  const decision = decideSend("factual", contact);
  await ctx.tx.insert(outboxMessages).values({
    id: uuidv7(ctx.now.getTime()),
    tenantId: ctx.tenantId,
    releaseId: ctx.state.id,
    contactId: contact.id,
    approvalRequestId: row.id,
    event: "approval_requested",
    classification: "factual",
    subject: subjectFor("approval_requested", ctx.state.project_name, ctx.state.version),
    status: decision.send ? "queued" : "skipped",
    skipReason: decision.send ? null : decision.reason,
    nextAttemptAt: ctx.now,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  if (decision.send) ctx.queuedMessages = (ctx.queuedMessages ?? 0) + 1;
  await writeRelease(ctx, {});
  await recordEvent(ctx, "approval_requested", {
    approval_request_id: row.id,
    contact_id: contact.id,
    kind: input.kind,
    expires_at: row.expiresAt.toISOString(),
  });
  const email: ApprovalEmail = decision.send
    ? { status: "queued", reason: null }
    : { status: "not_sent", reason: decision.reason };
  return { request: presentApprovalRequest(row, ctx.now), email };
}

async function lockedRequest(ctx: OperationContext, requestId: string): Promise<ApprovalRequestRow> {
  const [row] = await ctx.tx
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.tenantId, ctx.tenantId),
        eq(approvalRequests.releaseId, ctx.state.id),
        eq(approvalRequests.id, requestId),
      ),
    )
    .for("update");
  if (!row) throw notFound("The approval request");
  return row;
}

/** Withdraws a pending request: its link stops working at once and its unsent email is cancelled. */
export async function withdrawApprovalRequest(ctx: OperationContext, input: { approval_request_id: string }) {
  const memberId = requireOwnerOrReleaseManager(ctx, "withdraw an approval request");
  const row = await lockedRequest(ctx, input.approval_request_id);
  if (row.status !== "pending") {
    throw new ApiError(
      "conflict",
      `The approval request is already ${row.status}; only a pending request can be withdrawn.`,
    );
  }
  const [withdrawn] = await ctx.tx
    .update(approvalRequests)
    .set({ status: "withdrawn", withdrawnAt: ctx.now, withdrawnBy: memberId })
    .where(and(eq(approvalRequests.tenantId, ctx.tenantId), eq(approvalRequests.id, row.id)))
    .returning();
  if (!withdrawn) throw notFound("The approval request");
  await ctx.tx
    .update(outboxMessages)
    .set({
      status: "cancelled",
      cancelledBy: memberIdOf(ctx.actor),
      cancelReason: "approval request withdrawn",
      updatedAt: ctx.now,
    })
    .where(
      and(
        eq(outboxMessages.tenantId, ctx.tenantId),
        eq(outboxMessages.approvalRequestId, row.id),
        inArray(outboxMessages.status, ["queued", "retrying"]),
      ),
    );
  await writeRelease(ctx, {});
  await recordEvent(ctx, "approval_request_withdrawn", {
    approval_request_id: row.id,
    contact_id: row.contactId,
  });
  return presentApprovalRequest(withdrawn, ctx.now);
}

export interface ApprovalAnswer {
  approval_request_id: string;
  decision: ApprovalDecision;
  note?: string | undefined;
}

/**
 * The client's answer through their link, applied as that contact: a sign-off (approved, or
 * rejected for "changes requested") that the client gate reads, or a UAT result under the
 * "Client acceptance" suite that the UAT gate reads. Once: the request is decided in the same
 * transaction, so a second submission (another tab, a replay) finds it used.
 */
export async function answerApprovalRequest(ctx: OperationContext, input: ApprovalAnswer) {
  if (ctx.actor.kind !== "contact") {
    throw new ApiError("forbidden", "Only the client contact the link was sent to can answer it.");
  }
  const row = await lockedRequest(ctx, input.approval_request_id);
  if (row.contactId !== ctx.actor.contact_id) throw notFound("The approval request");
  if (row.status !== "pending") {
    throw new ApiError(
      "conflict",
      `This link was already ${row.status === "decided" ? "used" : "withdrawn"}.`,
      {
        approval_status: row.status,
      },
    );
  }
  if (row.expiresAt.getTime() <= ctx.now.getTime()) {
    throw new ApiError("conflict", "This link has expired.", { approval_status: "expired" });
  }
  if (row.attempt !== ctx.state.attempt) {
    throw new ApiError(
      "conflict",
      "The release was rolled back and is being re-attempted since this link was sent; the agency will send a new one.",
      { approval_status: "superseded" },
    );
  }
  const kind = row.kind as ApprovalKind;
  if (!DECISIONS_BY_KIND[kind].includes(input.decision)) {
    throw new ApiError("unprocessable", `A ${kind} answer is ${DECISIONS_BY_KIND[kind].join(" or ")}.`, {
      errors: [{ path: "body.decision", message: `must be ${DECISIONS_BY_KIND[kind].join(" or ")}` }],
    });
  }
  assertNotTerminal(ctx, "its approvals");
  const note = input.note?.trim() ? input.note.trim() : null;
  if (kind === "sign_off") {
    if (!STAGES_FOR.sign_off.includes(ctx.state.stage)) {
      throw new ApiError(
        "conflict",
        "The go decision for this release has already been taken, so a sign-off can no longer change it.",
        { approval_status: "too_late" },
      );
    }
    await ctx.tx.insert(signOffs).values({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: ctx.state.attempt,
      contactId: row.contactId,
      decision: input.decision === "approved" ? "approved" : "rejected",
      note,
      createdAt: ctx.now,
    });
    await writeRelease(ctx, {});
  } else {
    if (ctx.state.stage !== "post_deployment_verification") {
      throw new ApiError(
        "conflict",
        ctx.state.stage === "deployment_execution"
          ? "The release is still being deployed; open the link again once it is live."
          : "The release is no longer in verification, so a UAT result can no longer be recorded.",
        { approval_status: ctx.state.stage === "deployment_execution" ? "not_yet" : "too_late" },
      );
    }
    await applyLifecycleCommand(ctx, {
      type: "test_result",
      stage: "uat",
      suite: CLIENT_UAT_SUITE,
      status: input.decision === "passed" ? "passed" : "failed",
    });
  }
  const [decided] = await ctx.tx
    .update(approvalRequests)
    .set({ status: "decided", decision: input.decision, decisionNote: note, decidedAt: ctx.now })
    .where(and(eq(approvalRequests.tenantId, ctx.tenantId), eq(approvalRequests.id, row.id)))
    .returning();
  if (!decided) throw notFound("The approval request");
  await recordEvent(ctx, "approval_recorded", {
    approval_request_id: row.id,
    contact_id: row.contactId,
    kind,
    decision: input.decision,
  });
  return presentApprovalRequest(decided, ctx.now);
}

export type ApprovalStatus = "pending" | "decided" | "withdrawn" | "expired";

/** A request as the API shows it: a pending one past its expiry reads `expired`; never its URL. */
export function presentApprovalRequest(row: ApprovalRequestRow, now: Date) {
  const expired = row.status === "pending" && row.expiresAt.getTime() <= now.getTime();
  return {
    id: row.id,
    release_id: row.releaseId,
    attempt: row.attempt,
    contact_id: row.contactId,
    kind: row.kind as ApprovalKind,
    status: (expired ? "expired" : row.status) as ApprovalStatus,
    message: row.message,
    expires_at: row.expiresAt.toISOString(),
    decision: row.decision as ApprovalDecision | null,
    decision_note: row.decisionNote,
    decided_at: row.decidedAt?.toISOString() ?? null,
    withdrawn_at: row.withdrawnAt?.toISOString() ?? null,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}
