import { and, eq } from "drizzle-orm";
import type { DashboardJson, RollbackStepJson, TestPlanEntryJson } from "../../db/schema";
import { issueReports, signOffs } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import { definedOnly } from "../../lib/objects";
import { ApiError, notFound } from "../../lib/problem";
import { type OperationContext, recordEvent, writeRelease } from "../operation-context";
import { assertCurrentAttempt, assertNotTerminal, requireMember } from "./guards";
import { presentIssue, presentMonitoring, presentSignOff } from "./views";

const STAGE_WORDS: Record<string, string> = {
  planning: "release planning",
  pre_deployment_verification: "pre-deployment verification",
  deployment_execution: "deployment execution",
  post_deployment_verification: "post-deployment verification",
  communication_closure: "communication and closure",
  closed: "closed",
};
const where = (ctx: OperationContext) => `${ctx.state.status} in ${STAGE_WORDS[ctx.state.stage]}`;

export interface TestPlanInput {
  entries: { stage: TestPlanEntryJson["stage"]; suite: string; description?: string | null | undefined }[];
}

/**
 * The test plan is what verification is judged against (planned suites without
 * a passing result hold the gates), so it is set while the release is planned
 * or verified, not once a go is in force or the deployment has begun.
 */
export async function setTestPlan(ctx: OperationContext, input: TestPlanInput) {
  assertNotTerminal(ctx, "its test plan");
  const { stage, status } = ctx.state;
  const planningStage = stage === "planning" || stage === "pre_deployment_verification";
  if (!planningStage || (status !== "active" && status !== "halted")) {
    throw new ApiError(
      "conflict",
      status === "scheduled"
        ? "The release is scheduled on a go decision that relied on this test plan; halt it before changing the plan."
        : `The test plan is set during planning or pre-deployment verification; the release is ${where(ctx)}.`,
    );
  }
  const entries: TestPlanEntryJson[] = input.entries.map((e) => ({
    stage: e.stage,
    suite: e.suite,
    description: e.description ?? null,
  }));
  await writeRelease(ctx, { testPlan: entries });
  await recordEvent(
    ctx,
    "test_plan_set",
    { entries: entries.length },
    { before: ctx.state.test_plan, after: entries },
  );
  return null;
}

export interface RollbackProcedureInput {
  steps: { title: string; details?: string | null | undefined }[];
}

/** The steps a rollback runs, numbered 1..n in the order given; fixed while a rollback runs them. */
export async function setRollbackProcedure(ctx: OperationContext, input: RollbackProcedureInput) {
  assertNotTerminal(ctx, "its rollback procedure");
  if (ctx.state.status === "rolling_back") {
    throw new ApiError(
      "conflict",
      "A rollback is running this procedure; record its steps (POST rollback-steps) and change the procedure once it has finished.",
    );
  }
  const steps: RollbackStepJson[] = input.steps.map((s, index) => ({
    position: index + 1,
    title: s.title,
    details: s.details ?? null,
  }));
  await writeRelease(ctx, { rollbackProcedure: steps });
  await recordEvent(
    ctx,
    "rollback_procedure_set",
    { steps: steps.length },
    { before: ctx.state.rollback_procedure, after: steps },
  );
  return null;
}

export interface DashboardsInput {
  dashboards: DashboardJson[];
}

export async function setMonitoringDashboards(ctx: OperationContext, input: DashboardsInput) {
  assertNotTerminal(ctx, "its monitoring dashboards");
  await writeRelease(ctx, { monitoringDashboards: input.dashboards });
  await recordEvent(
    ctx,
    "monitoring_dashboards_set",
    { dashboards: input.dashboards.length },
    { before: ctx.state.monitoring_dashboards, after: input.dashboards },
  );
  return presentMonitoring({
    dashboards: input.dashboards,
    confirmedBy: ctx.state.monitoring_confirmed_by,
    confirmedAt: ctx.state.monitoring_confirmed_at,
  });
}

export interface MonitoringConfirmationInput {
  note?: string | undefined;
}

/**
 * A named member confirms the dashboards look healthy in production (the
 * monitoring_confirmed gate), only during post-deployment verification.
 * Naming the dashboards first is good practice but not required: smaller
 * sites are watched in the host's own console. Confirming again replaces who
 * and when; the audit trail keeps every confirmation.
 */
export async function confirmMonitoring(ctx: OperationContext, input: MonitoringConfirmationInput) {
  const member = requireMember(ctx);
  const { stage, status } = ctx.state;
  if (stage !== "post_deployment_verification" || (status !== "active" && status !== "halted")) {
    throw new ApiError(
      "conflict",
      `Monitoring is confirmed during post-deployment verification; the release is ${where(ctx)}.`,
    );
  }
  await writeRelease(ctx, { monitoringConfirmedBy: member.memberId, monitoringConfirmedAt: ctx.now });
  await recordEvent(
    ctx,
    "monitoring_confirmed",
    { confirmed_by: member.memberId, note: input.note ?? null },
    {
      before: {
        confirmed_by: ctx.state.monitoring_confirmed_by,
        confirmed_at: ctx.state.monitoring_confirmed_at,
      },
      after: { confirmed_by: member.memberId, confirmed_at: ctx.now.toISOString() },
    },
  );
  return presentMonitoring({
    dashboards: ctx.state.monitoring_dashboards,
    confirmedBy: member.memberId,
    confirmedAt: ctx.now,
  });
}

export interface IssueReportInput {
  severity: "critical" | "high" | "medium" | "low";
  description: string;
  link?: string | undefined;
}

/** Issues are raised while the deployment is verified in production; open critical/high ones hold the stable decision. */
export async function reportIssue(ctx: OperationContext, input: IssueReportInput) {
  const member = requireMember(ctx);
  const { stage, status } = ctx.state;
  if (stage !== "post_deployment_verification" || (status !== "active" && status !== "halted")) {
    throw new ApiError(
      "conflict",
      `Issue reports are raised during post-deployment verification; the release is ${where(ctx)}.`,
    );
  }
  const [row] = await ctx.tx
    .insert(issueReports)
    .values({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: ctx.state.attempt,
      severity: input.severity,
      description: input.description,
      link: input.link ?? null,
      raisedBy: member.memberId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await writeRelease(ctx, {});
  await recordEvent(ctx, "issue_reported", { issue_id: row.id, severity: row.severity });
  return presentIssue(row);
}

export interface IssueUpdateInput {
  issue_id: string;
  status?: "open" | "closed" | undefined;
  severity?: IssueReportInput["severity"] | undefined;
}

/** Triage (severity) and closing or reopening; closing records who and when. */
export async function updateIssue(ctx: OperationContext, input: IssueUpdateInput) {
  assertNotTerminal(ctx, "its issue reports");
  const member = requireMember(ctx);
  const [issue] = await ctx.tx
    .select()
    .from(issueReports)
    .where(
      and(
        eq(issueReports.tenantId, ctx.tenantId),
        eq(issueReports.releaseId, ctx.state.id),
        eq(issueReports.id, input.issue_id),
      ),
    );
  if (!issue) throw notFound("The issue report");
  assertCurrentAttempt(ctx, issue.attempt, "This issue report");
  const statusChanges =
    input.status === undefined || input.status === issue.status
      ? {}
      : input.status === "closed"
        ? { status: "closed", closedBy: member.memberId, closedAt: ctx.now }
        : { status: "open", closedBy: null, closedAt: null };
  const [row] = await ctx.tx
    .update(issueReports)
    .set({ ...definedOnly({ severity: input.severity }), ...statusChanges, updatedAt: ctx.now })
    .where(and(eq(issueReports.tenantId, ctx.tenantId), eq(issueReports.id, issue.id)))
    .returning();
  if (!row) throw notFound("The issue report");
  await writeRelease(ctx, {});
  await recordEvent(
    ctx,
    "issue_updated",
    { issue_id: issue.id },
    {
      before: { status: issue.status, severity: issue.severity },
      after: { status: row.status, severity: row.severity },
    },
  );
  return presentIssue(row);
}

export interface SignOffInput {
  decision: "approved" | "rejected";
  note?: string | undefined;
}

/**
 * A stakeholder-readiness sign-off by the caller. Only approvers on the
 * release's team count towards the gates, so anyone else is refused (403)
 * rather than recorded to no effect. A later sign-off by the same approver
 * replaces the earlier one in the gates; both stay on record.
 */
export async function signOff(ctx: OperationContext, input: SignOffInput) {
  assertNotTerminal(ctx, "its sign-offs");
  const member = requireMember(ctx);
  const { stage } = ctx.state;
  if (stage !== "planning" && stage !== "pre_deployment_verification") {
    throw new ApiError(
      "conflict",
      `Stakeholders sign off before the go decision (in planning or pre-deployment verification); the release is ${where(ctx)}.`,
    );
  }
  const isApprover = ctx.state.team.some((m) => m.member_id === member.memberId && m.role === "approver");
  if (!isApprover) {
    throw new ApiError(
      "forbidden",
      "Only approvers on this release's team sign off; ask the release manager to add you as an approver (PUT /v1/releases/{id}/team).",
    );
  }
  const [row] = await ctx.tx
    .insert(signOffs)
    .values({
      id: uuidv7(ctx.now.getTime()),
      tenantId: ctx.tenantId,
      releaseId: ctx.state.id,
      attempt: ctx.state.attempt,
      signerId: member.memberId,
      decision: input.decision,
      note: input.note ?? null,
      createdAt: ctx.now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await writeRelease(ctx, {});
  await recordEvent(ctx, "stakeholder_signed_off", {
    sign_off_id: row.id,
    signer_id: member.memberId,
    decision: input.decision,
  });
  return presentSignOff(row);
}
