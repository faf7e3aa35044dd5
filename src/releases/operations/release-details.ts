import { and, eq, inArray, sql } from "drizzle-orm";
import { findWindow } from "../../db/repositories/windows";
import type { ChangeLogEntryJson, ComplianceFlagsJson } from "../../db/schema";
import { checklistItems, members, releaseTeamMembers } from "../../db/schema";
import { complianceChecklistItems } from "../../domain/lifecycle/default-checklist";
import { checkSlotBounds, expandWindow, type Occurrence } from "../../domain/windows";
import { uuidv7 } from "../../lib/ids";
import { definedOnly } from "../../lib/objects";
import { ApiError } from "../../lib/problem";
import { toScopedWindow } from "../../windows/stored-windows";
import { memberIdOf, type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { evaluateReleaseWindow, findNextAllowedSlot } from "../window-policy";

export interface ReleasePatch {
  title?: string | undefined;
  version?: string | undefined;
  scope?: string | undefined;
  change_log?: ChangeLogEntryJson[] | undefined;
  risk?: "low" | "high" | undefined;
  git_ref?: string | null | undefined;
  commit_sha?: string | null | undefined;
  compliance?: Partial<ComplianceFlagsJson> | undefined;
  if_match?: number | undefined;
}

// What planning settles is frozen once planning is over: the approved plan is what gets verified.
const PLANNING_FIELDS = ["version", "scope", "change_log", "risk", "compliance"] as const;
// The release candidate itself may still be pinned during verification, not once it deploys.
const CANDIDATE_FIELDS = ["git_ref", "commit_sha"] as const;

function assertEditable(ctx: OperationContext, patch: ReleasePatch): void {
  const { stage, status } = ctx.state;
  if (status === "closed" || status === "cancelled") {
    throw new ApiError("conflict", `The release is ${status}; it can no longer be edited.`);
  }
  const frozenPlanning = stage !== "planning" ? PLANNING_FIELDS.filter((f) => patch[f] !== undefined) : [];
  const frozenCandidate =
    stage !== "planning" && stage !== "pre_deployment_verification"
      ? CANDIDATE_FIELDS.filter((f) => patch[f] !== undefined)
      : [];
  const frozen = [...frozenPlanning, ...frozenCandidate];
  if (frozen.length > 0) {
    throw new ApiError(
      "conflict",
      `${frozen.join(", ")} ${frozen.length > 1 ? "are" : "is"} frozen once the release has left ${
        frozenCandidate.length > 0 ? "pre-deployment verification" : "planning"
      }; move it back to planning (or start a new release) to change ${frozen.length > 1 ? "them" : "it"}.`,
      { errors: frozen.map((f) => ({ path: `body.${f}`, message: "frozen in this stage" })) },
    );
  }
}

export async function patchRelease(ctx: OperationContext, patch: ReleasePatch) {
  if (patch.if_match !== undefined && patch.if_match !== ctx.state.row_version) {
    throw new ApiError(
      "precondition_failed",
      `The release has changed since you read it (your If-Match is version ${patch.if_match}, it is now ${ctx.state.row_version}); GET it again and reapply your change.`,
    );
  }
  assertEditable(ctx, patch);
  const before = {
    title: ctx.state.title,
    version: ctx.state.version,
    scope: ctx.state.scope,
    change_log: ctx.state.change_log,
    risk: ctx.state.risk,
    git_ref: ctx.state.git_ref,
    commit_sha: ctx.state.commit_sha,
    compliance: ctx.state.compliance,
  };
  const compliance = patch.compliance ? { ...ctx.state.compliance, ...patch.compliance } : undefined;
  const risk = patch.risk ?? ctx.state.risk;
  const windowChanges =
    patch.risk !== undefined && patch.risk !== ctx.state.risk ? await recheckWindow(ctx, risk) : {};
  await writeRelease(ctx, {
    ...definedOnly({
      title: patch.title,
      version: patch.version,
      scope: patch.scope,
      changeLog: patch.change_log,
      risk: patch.risk,
      gitRef: patch.git_ref,
      commitSha: patch.commit_sha,
      compliance,
    }),
    ...windowChanges,
  });
  if (compliance) await addComplianceItems(ctx, compliance);
  const after = { ...before, ...definedOnly(patch), compliance: compliance ?? before.compliance };
  delete (after as { if_match?: number }).if_match;
  await recordEvent(
    ctx,
    "release_updated",
    { fields: Object.keys(definedOnly({ ...patch, if_match: undefined })) },
    { before, after },
  );
}

/**
 * The booked slot judged again against the windows stored now (a changed risk level, a freeze added since
 * booking, a holiday switched back on). Returns the columns to write; an owner's recorded override still
 * stands. Used when the risk changes and at go time.
 */
export async function recheckWindow(ctx: OperationContext, risk: "low" | "high" = ctx.state.risk) {
  const { window_starts_at: startsAt, window_ends_at: endsAt } = ctx.state;
  if (!startsAt || !endsAt) return {};
  const verdict = await evaluateReleaseWindow(ctx.tx, ctx.tenantId, ctx.state.project_id, {
    risk,
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    override: ctx.state.window_override_reason
      ? { role: "owner", reason: ctx.state.window_override_reason }
      : null,
  });
  return {
    windowPolicyOk: verdict.evaluation.allowed,
    windowPolicyDetail: verdict.evaluation.allowed
      ? verdict.evaluation.overridden
        ? `Owner override: ${ctx.state.window_override_reason}`
        : null
      : (verdict.evaluation.reasons[0]?.message ?? null),
  };
}

/** Flags switched on during planning add their compliance items; items already there are kept. */
async function addComplianceItems(ctx: OperationContext, flags: ComplianceFlagsJson): Promise<void> {
  const wanted = complianceChecklistItems(flags);
  const existing = new Set(ctx.state.checklist.map((item) => item.key));
  const missing = wanted.filter((item) => !existing.has(item.key));
  if (missing.length === 0) return;
  const start = ctx.state.checklist.length;
  await ctx.tx.insert(checklistItems).values(
    missing.map((item, index) => ({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: ctx.state.attempt,
      position: start + index,
      key: item.key,
      title: item.title,
      description: item.guidance,
      stage: item.stage,
      category: item.category,
      required: item.required,
    })),
  );
}

export interface TeamAssignment {
  release_manager_id: string;
  members: { member_id: string; role: "engineer" | "tester" | "approver" }[];
}

export async function setTeam(ctx: OperationContext, team: TeamAssignment) {
  if (ctx.state.status === "closed" || ctx.state.status === "cancelled") {
    throw new ApiError("conflict", `The release is ${ctx.state.status}; its team can no longer change.`);
  }
  const ids = [...new Set([team.release_manager_id, ...team.members.map((m) => m.member_id)])];
  const found = await ctx.tx
    .select({ id: members.id, role: members.role, deactivatedAt: members.deactivatedAt })
    .from(members)
    .where(and(eq(members.tenantId, ctx.tenantId), inArray(members.id, ids)));
  const byId = new Map(found.map((m) => [m.id, m]));
  const errors: { path: string; message: string }[] = [];
  const check = (memberId: string, path: string) => {
    const member = byId.get(memberId);
    if (!member) errors.push({ path, message: "no such member in your agency" });
    else if (member.deactivatedAt) errors.push({ path, message: "this member has been removed" });
    return member;
  };
  const manager = check(team.release_manager_id, "body.release_manager_id");
  if (manager && manager.role !== "owner" && manager.role !== "release_manager") {
    errors.push({
      path: "body.release_manager_id",
      message: "the release manager must have the owner or release_manager role",
    });
  }
  team.members.forEach((m, i) => {
    const member = check(m.member_id, `body.members.${i}.member_id`);
    if (member && member.role === "viewer" && m.role !== "approver") {
      errors.push({ path: `body.members.${i}.role`, message: "a viewer can only be an approver" });
    }
  });
  if (errors.length > 0) {
    throw new ApiError("unprocessable", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { errors });
  }
  const before = {
    release_manager_id: ctx.state.release_manager_id,
    members: ctx.state.team.map((member) => ({ member_id: member.member_id, role: member.role })),
  };
  await ctx.tx.delete(releaseTeamMembers).where(eq(releaseTeamMembers.releaseId, ctx.state.id));
  const rows = [
    { memberId: team.release_manager_id, role: "release_manager" },
    ...team.members.map((m) => ({ memberId: m.member_id, role: m.role })),
  ];
  const unique = [...new Map(rows.map((r) => [`${r.memberId}:${r.role}`, r])).values()];
  await ctx.tx
    .insert(releaseTeamMembers)
    .values(unique.map((r) => ({ tenantId: ctx.tenantId, releaseId: ctx.state.id, ...r })));
  await writeRelease(ctx, {});
  await recordEvent(
    ctx,
    "team_assigned",
    { assigned_by: memberIdOf(ctx.actor) },
    {
      before,
      // The trail speaks the API's names (member_id), not the column mapping's (memberId).
      after: {
        release_manager_id: team.release_manager_id,
        members: unique.map((row) => ({ member_id: row.memberId, role: row.role })),
      },
    },
  );
}

export interface WindowBooking {
  starts_at?: string | undefined;
  ends_at?: string | undefined;
  /** Alternatively: an occurrence of a stored window, named by the window and the occurrence's start. */
  window_id?: string | undefined;
  occurrence_starts_at?: string | undefined;
  override_reason?: string | undefined;
  /** Alternatively: the earliest slot the policy allows, from `after`, lasting `duration_minutes`. */
  next_allowed?: true | undefined;
  after?: string | undefined;
  duration_minutes?: number | undefined;
}

const DAY_MS = 86_400_000;
/** How long a deployment slot booked with next_allowed lasts unless the caller says. */
const DEFAULT_SLOT_MINUTES = 60;
/**
 * What a refusal without any slot suggests: a weekly maintenance window from next Tuesday night,
 * which the agency can adapt and POST as it is. New agencies get business hours only: when
 * high-risk work may happen out of hours is the agency's call, not a default of ours.
 */
function maintenanceWindowExample(now: Date) {
  const day = new Date(now.getTime() + DAY_MS);
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return {
    kind: "maintenance",
    name: "Tuesday night maintenance",
    start: `${day.toISOString().slice(0, 10)}T22:00`,
    duration_minutes: 240,
    recurrence: { freq: "weekly", by_day: ["TU"] },
  };
}

/**
 * Finds the occurrence of a stored window that starts at `occurrenceStartsAt`. The window must be one
 * that can hold a deployment for this release's project (not a freeze, not another client's).
 */
async function resolveOccurrence(
  ctx: OperationContext,
  windowId: string,
  occurrenceStartsAt: string,
): Promise<Occurrence> {
  const record = await findWindow(ctx.tx, ctx.tenantId, windowId);
  const fail = (path: string, message: string, detail: string, extras: Record<string, unknown> = {}) =>
    new ApiError("unprocessable", detail, { errors: [{ path, message }], ...extras });
  if (!record)
    throw fail(
      "body.window_id",
      "no such window in your agency",
      "window_id names no window in your agency.",
    );
  if (record.kind === "freeze") {
    throw fail(
      "body.window_id",
      "a freeze cannot be booked",
      "The window is a freeze; nothing deploys in a freeze. Book a maintenance window or business hours.",
    );
  }
  if (record.projectId ? record.projectId !== ctx.state.project_id : false) {
    throw fail(
      "body.window_id",
      "belongs to another project",
      "The window belongs to another project; book one of this project's windows.",
    );
  }
  if (!record.projectId && record.clientId) {
    const client = await ctx.tx.execute(
      sql`select client_id from projects where tenant_id = ${ctx.tenantId} and id = ${ctx.state.project_id}`,
    );
    if ((client.rows[0] as { client_id?: string } | undefined)?.client_id !== record.clientId) {
      throw fail(
        "body.window_id",
        "belongs to another client",
        "The window belongs to another client; book one of this client's windows.",
      );
    }
  }
  const at = Date.parse(occurrenceStartsAt);
  const window = toScopedWindow(record);
  const around = expandWindow(window, new Date(at - 8 * DAY_MS), new Date(at + 8 * DAY_MS));
  const match = around.find((o) => Date.parse(o.starts_at) === at);
  if (!match) {
    const nearby = around
      .filter((o) => Date.parse(o.ends_at) > ctx.now.getTime())
      .slice(0, 3)
      .map((o) => ({ starts_at: o.starts_at, ends_at: o.ends_at, local_start: o.local_start }));
    throw fail(
      "body.occurrence_starts_at",
      "no occurrence of the window starts then",
      `The window "${record.name}" has no occurrence starting at ${new Date(at).toISOString()}.${
        nearby.length > 0 ? ` Nearby: ${nearby.map((o) => o.starts_at).join(", ")}.` : ""
      }`,
      { occurrences: nearby },
    );
  }
  return match;
}

export async function setWindow(ctx: OperationContext, booking: WindowBooking) {
  const { stage, status } = ctx.state;
  if (
    !(stage === "planning" || (stage === "pre_deployment_verification" && status === "active")) ||
    status === "cancelled"
  ) {
    throw new ApiError(
      "conflict",
      status === "scheduled"
        ? "The release is scheduled for its window; halt it before moving the window."
        : `The deployment window is confirmed during planning or pre-deployment verification; the release is ${status} in ${stage}.`,
    );
  }
  let startsAt: Date;
  let endsAt: Date;
  let sourceId: string | null = null;
  let nextAllowed: { starts_at: string; stretch_ends_at: string; window_names: string[] } | null = null;
  if (booking.next_allowed) {
    const requested = booking.after ? new Date(booking.after) : ctx.now;
    const after = new Date(Math.max(requested.getTime(), ctx.now.getTime()));
    const minutes = booking.duration_minutes ?? DEFAULT_SLOT_MINUTES;
    const slot = await findNextAllowedSlot(ctx.tx, ctx.tenantId, ctx.state.project_id, {
      risk: ctx.state.risk,
      after,
      durationMinutes: minutes,
    });
    if (!slot) {
      const needs =
        ctx.state.risk === "high" ? "a maintenance window" : "business hours or a maintenance window";
      throw new ApiError(
        "unprocessable",
        `No slot of ${minutes} minutes is allowed in the four weeks after ${after.toISOString()}: a ${ctx.state.risk}-risk release needs ${needs}, outside freezes and public holidays. Create a maintenance window with POST /v1/windows (example in \`example_window\`), or an owner may book a slot with override_reason.`,
        {
          errors: [{ path: "body.next_allowed", message: "no allowed slot in four weeks" }],
          example_window: maintenanceWindowExample(ctx.now),
        },
      );
    }
    startsAt = new Date(slot.starts_at);
    endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    sourceId = slot.occurrences.find((o) => Date.parse(o.starts_at) <= startsAt.getTime())?.window_id ?? null;
    nextAllowed = {
      starts_at: slot.starts_at,
      stretch_ends_at: slot.ends_at,
      window_names: [...new Set(slot.occurrences.map((o) => o.name))],
    };
  } else if (booking.window_id !== undefined && booking.occurrence_starts_at !== undefined) {
    const occurrence = await resolveOccurrence(ctx, booking.window_id, booking.occurrence_starts_at);
    startsAt = new Date(occurrence.starts_at);
    endsAt = new Date(occurrence.ends_at);
    sourceId = booking.window_id;
  } else if (booking.starts_at !== undefined && booking.ends_at !== undefined) {
    startsAt = new Date(booking.starts_at);
    endsAt = new Date(booking.ends_at);
  } else {
    throw new ApiError(
      "validation_failed",
      "Send {starts_at, ends_at} or {window_id, occurrence_starts_at}.",
    );
  }
  // Bounds first: the policy check expands the calendar over the slot, so a slot of decades would
  // be a failure of ours instead of a refusal the caller can act on.
  const problems = checkSlotBounds(
    {
      startsAt,
      endsAt,
      startField: booking.next_allowed ? "after" : sourceId ? "occurrence_starts_at" : "starts_at",
    },
    ctx.now,
  );
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ path: `body.${p.field}`, message: p.message }));
    throw new ApiError(
      "unprocessable",
      `The slot cannot be booked: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}.`,
      { errors },
    );
  }
  const role = ctx.actor.kind === "member" ? ctx.actor.role : "system";
  if (booking.override_reason !== undefined && role !== "owner") {
    throw new ApiError("forbidden", "Only an owner may override the window policy.");
  }
  const verdict = await evaluateReleaseWindow(ctx.tx, ctx.tenantId, ctx.state.project_id, {
    risk: ctx.state.risk,
    startsAt,
    endsAt,
    override: booking.override_reason ? { role, reason: booking.override_reason } : null,
  });
  if (!verdict.evaluation.allowed) {
    const first = verdict.evaluation.reasons[0];
    throw new ApiError(
      "unprocessable",
      `${first?.message ?? "The window breaks the deployment policy."} ${
        verdict.suggestions.length > 0
          ? `Next allowed: ${verdict.suggestions.map((s) => s.starts_at).join(", ")}.`
          : "No allowed slot in the next four weeks: create a maintenance window with POST /v1/windows (example in `example_window`), or an owner may override with a reason."
      }`,
      {
        policy: { rule: verdict.evaluation.rule, reasons: verdict.evaluation.reasons },
        suggestions: verdict.suggestions,
        ...(verdict.suggestions.length === 0 ? { example_window: maintenanceWindowExample(ctx.now) } : {}),
      },
    );
  }
  const before = {
    starts_at: ctx.state.window_starts_at,
    ends_at: ctx.state.window_ends_at,
    window_id: ctx.state.window_source_id,
  };
  await writeRelease(ctx, {
    windowSourceId: sourceId,
    windowStartsAt: startsAt,
    windowEndsAt: endsAt,
    windowConfirmed: true,
    windowPolicyOk: true,
    windowPolicyDetail: verdict.evaluation.overridden ? `Owner override: ${booking.override_reason}` : null,
    windowOverrideReason: verdict.evaluation.overridden ? (booking.override_reason ?? null) : null,
  });
  await recordEvent(
    ctx,
    verdict.evaluation.overridden ? "window_confirmed_with_override" : "window_confirmed",
    {
      rule: verdict.evaluation.rule,
      override_reason: verdict.evaluation.overridden ? booking.override_reason : null,
      broken_rules: verdict.evaluation.overridden ? verdict.evaluation.reasons.map((r) => r.code) : [],
      matched: verdict.evaluation.matched,
      ...(nextAllowed ? { booked_by: "next_allowed" } : {}),
    },
    {
      before,
      after: { starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), window_id: sourceId },
    },
  );
  // Which slot next_allowed chose, and inside which windows: the answer says so.
  return nextAllowed
    ? {
        booked: {
          starts_at: startsAt.toISOString(),
          ends_at: endsAt.toISOString(),
          window_id: sourceId,
          windows: nextAllowed.window_names,
          allowed_until: nextAllowed.stretch_ends_at,
        },
      }
    : null;
}
