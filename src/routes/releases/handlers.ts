import { and, eq, inArray } from "drizzle-orm";
import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import type { JsonObject } from "../../app/json-value-schema";
import { idempotent, withTenant } from "../../app/request-scope";
import { findProject } from "../../db/repositories/clients";
import { findMember } from "../../db/repositories/members";
import {
  insertChecklistItems,
  insertRelease,
  listDeploymentLogRows,
  listEventRows,
  listReleaseRows,
  listTestResultRows,
  releaseExists,
} from "../../db/repositories/releases";
import { members, releaseEvents, releaseTeamMembers } from "../../db/schema";
import type { Tx } from "../../db/scope";
import {
  buildReleasePlan,
  checklistForRelease,
  type LifecycleCommand,
  recommendGoNoGo,
  renderReleasePlanMarkdown,
  type Stage,
  type Status,
} from "../../domain/lifecycle";
import type { ActorRef } from "../../domain/lifecycle/events";
import { isPublicChange } from "../../domain/notifications";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, decodeSequenceCursor, toPage, toSequencePage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { loadCommunicationList } from "../../notifications/communication-list";
import { loadChecklistTemplate } from "../../releases/checklist-template";
import { RELEASE_MANAGER_ROLES } from "../../releases/operation-roles";
import type { ReleaseOperation } from "../../releases/operations";
import { etagOf, parseIfMatch, presentRelease } from "../../releases/present";
import { loadReleaseState, toSnapshot } from "../../releases/release-state";
import { kickEndpointDeliveries } from "../../webhooks/kick";
import { queueReleaseEvents, summaryOf } from "../../webhooks/outbox";
import type { AuditSnapshot } from "./audit-snapshot";
import { sendReleaseCommand } from "./command-route";
import type * as routes from "./routes";
import { RELEASE_CREATE_ROLES } from "./routes";

const iso = (value: Date | null) => value?.toISOString() ?? null;

export const createReleaseHandler: AppRouteHandler<typeof routes.createRelease> = async (c) => {
  const body = c.req.valid("json");
  let queuedWebhooks = 0;
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, RELEASE_CREATE_ROLES, "Planning releases");
    return idempotent(c, tx, actor.tenantId, async () => {
      if (!(await findProject(tx, actor.tenantId, body.project_id))) {
        throw new ApiError("unprocessable", "project_id names no project in your agency.", {
          errors: [{ path: "body.project_id", message: "no such project" }],
        });
      }
      const managerId =
        body.release_manager_id !== undefined
          ? body.release_manager_id
          : actor.role === "release_manager"
            ? actor.memberId
            : null;
      if (managerId !== null && managerId !== actor.memberId) {
        const manager = await findMember(tx, actor.tenantId, managerId);
        if (
          !manager ||
          manager.deactivatedAt ||
          !(RELEASE_MANAGER_ROLES as readonly string[]).includes(manager.role)
        ) {
          throw new ApiError(
            "unprocessable",
            "release_manager_id must name an active member of your agency with the owner or release_manager role.",
            {
              errors: [
                {
                  path: "body.release_manager_id",
                  message: "not an owner or release manager of your agency",
                },
              ],
            },
          );
        }
      }
      const now = new Date();
      const compliance = {
        touches_pricing_promotions_or_claims: body.compliance?.touches_pricing_promotions_or_claims ?? false,
        touches_personal_data: body.compliance?.touches_personal_data ?? false,
        sends_commercial_email: body.compliance?.sends_commercial_email ?? false,
      };
      const release = await insertRelease(tx, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        projectId: body.project_id,
        version: body.version,
        title: body.title,
        scope: body.scope,
        changeLog: body.change_log,
        risk: body.risk,
        gitRef: body.git_ref ?? null,
        commitSha: body.commit_sha?.toLowerCase() ?? null,
        compliance,
        createdBy: actor.memberId,
      });
      if (managerId !== null) {
        await tx.insert(releaseTeamMembers).values({
          tenantId: actor.tenantId,
          releaseId: release.id,
          memberId: managerId,
          role: "release_manager",
        });
      }
      const template = await loadChecklistTemplate(tx, actor.tenantId);
      await insertChecklistItems(
        tx,
        checklistForRelease(template, compliance).map((item, position) => ({
          id: uuidv7(),
          tenantId: actor.tenantId,
          releaseId: release.id,
          attempt: 1,
          position,
          key: item.key,
          title: item.title,
          description: item.guidance,
          stage: item.stage,
          category: item.category,
          required: item.required,
        })),
      );
      await tx.insert(releaseEvents).values({
        id: uuidv7(),
        tenantId: actor.tenantId,
        releaseId: release.id,
        attempt: 1,
        type: "release_created",
        actor: { kind: "member", member_id: actor.memberId },
        data: { version: release.version, risk: release.risk, compliance, release_manager_id: managerId },
        after: { stage: release.stage, status: release.status },
        requestId: c.get("requestId"),
      });
      const state = await loadReleaseState(tx, actor.tenantId, release.id);
      if (!state) throw notFound("The release");
      queuedWebhooks = await queueReleaseEvents(
        tx,
        actor.tenantId,
        summaryOf(state),
        [{ type: "release_created", data: {} }],
        now,
      );
      return {
        status: 201 as const,
        body: presentRelease(state, now),
      };
    });
  });
  const claims = c.get("claims");
  if (queuedWebhooks > 0 && claims && !result.replayed) kickEndpointDeliveries(c, claims.tenantId);
  c.header("ETag", etagOf(result.body.row_version));
  return respondCreated(c, `/v1/releases/${result.body.id}`, result.body);
};

export const listReleasesHandler: AppRouteHandler<typeof routes.listReleases> = async (c) => {
  const { limit, cursor, project_id, client_id, stage, status } = c.req.valid("query");
  const before = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) =>
    listReleaseRows(
      tx,
      actor.tenantId,
      { projectId: project_id, clientId: client_id, stage, status },
      before,
      limit,
    ),
  );
  return c.json(
    toPage(rows, limit, (r) => ({
      id: r.id,
      project_id: r.projectId,
      version: r.version,
      title: r.title,
      risk: r.risk as "low" | "high",
      stage: r.stage as Stage,
      status: r.status as Status,
      attempt: r.attempt,
      window_starts_at: iso(r.windowStartsAt),
      window_ends_at: iso(r.windowEndsAt),
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    })),
    200,
  );
};

export const getReleaseHandler: AppRouteHandler<typeof routes.getRelease> = async (c) => {
  const { id } = c.req.valid("param");
  const body = await withTenant(c, async ({ tx, actor }) => {
    const state = await loadReleaseState(tx, actor.tenantId, id);
    if (!state) throw notFound("The release");
    return presentRelease(state, new Date());
  });
  c.header("ETag", etagOf(body.row_version));
  return c.json(body, 200);
};

export const patchReleaseHandler: AppRouteHandler<typeof routes.patchRelease> = async (c) => {
  const { id } = c.req.valid("param");
  const ifMatch = parseIfMatch(c.req.header("If-Match"));
  if (Number.isNaN(ifMatch)) {
    throw new ApiError("bad_request", 'If-Match must be the ETag from GET /v1/releases/{id}, e.g. "3".');
  }
  const outcome = await sendReleaseCommand(c, id, {
    name: "patch",
    input: { ...c.req.valid("json"), if_match: ifMatch },
  });
  return c.json(outcome.body as never, 200);
};

export const putTeamHandler: AppRouteHandler<typeof routes.putTeam> = async (c) => {
  const outcome = await sendReleaseCommand(c, c.req.valid("param").id, {
    name: "set_team",
    input: c.req.valid("json"),
  });
  return c.json(outcome.body as never, 200);
};

export const putWindowHandler: AppRouteHandler<typeof routes.putWindow> = async (c) => {
  const outcome = await sendReleaseCommand(c, c.req.valid("param").id, {
    name: "set_window",
    input: c.req.valid("json"),
  });
  return c.json(outcome.body as never, 200);
};

export const getPlanHandler: AppRouteHandler<typeof routes.getPlan> = async (c) => {
  const { id } = c.req.valid("param");
  const { format } = c.req.valid("query");
  const plan = await withTenant(c, async ({ tx, actor }) => {
    const state = await loadReleaseState(tx, actor.tenantId, id);
    if (!state) throw notFound("The release");
    const formatter = new Intl.DateTimeFormat("en-AU", {
      timeZone: state.timezone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
      timeZoneName: "short",
    });
    const snapshot = toSnapshot(state, new Date());
    const decisionDue = state.stage === "pre_deployment_verification" && state.status === "active";
    const communication = await loadCommunicationList(tx, actor.tenantId, id);
    return buildReleasePlan(
      snapshot,
      {
        timezone: state.timezone,
        formatLocal: (instant) => formatter.format(new Date(instant)),
        recommendation: decisionDue ? recommendGoNoGo(snapshot, { policy: state.policy }) : null,
      },
      {
        client: { id: state.client_id, name: state.client_name },
        project: { id: state.project_id, name: state.project_name },
        monitoring_dashboards: state.monitoring_dashboards,
        // Names and roles only: the plan is a document that gets shared and exported.
        communication: communication.map((entry) => ({
          kind: entry.kind,
          role: entry.role,
          name: entry.name,
          will_receive: { factual: entry.will_receive.factual, commercial: entry.will_receive.commercial },
        })),
        isPublic: isPublicChange,
      },
    );
  });
  const wantsMarkdown =
    format === "markdown" || (format === undefined && /text\/markdown/.test(c.req.header("Accept") ?? ""));
  if (wantsMarkdown) {
    return c.body(renderReleasePlanMarkdown(plan), 200, { "Content-Type": "text/markdown; charset=utf-8" });
  }
  return c.json(plan, 200);
};

async function respondWithCommand(c: AppContext, releaseId: string, operation: ReleaseOperation) {
  const outcome = await sendReleaseCommand(c, releaseId, operation);
  return c.json(outcome.body as never, 200);
}

export const postTransitionHandler: AppRouteHandler<typeof routes.postTransition> = (c) => {
  const body = c.req.valid("json");
  return respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: { type: "transition", to: body.to, reason: body.reason ?? null },
  });
};

export const postDecisionHandler: AppRouteHandler<typeof routes.postDecision> = (c) => {
  const body = c.req.valid("json");
  const input: LifecycleCommand =
    body.kind === "go_no_go"
      ? {
          type: "decision",
          kind: "go_no_go",
          outcome: body.outcome,
          rationale: body.rationale,
          return_to: body.return_to ?? null,
        }
      : body.kind === "stability"
        ? { type: "decision", kind: "stability", outcome: body.outcome, rationale: body.rationale }
        : { type: "decision", kind: body.kind, outcome: null, rationale: body.rationale };
  return respondWithCommand(c, c.req.valid("param").id, { name: "lifecycle", input });
};

export const postCancelHandler: AppRouteHandler<typeof routes.postCancel> = (c) =>
  respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: { type: "cancel", reason: c.req.valid("json").reason },
  });

export const postReattemptHandler: AppRouteHandler<typeof routes.postReattempt> = (c) =>
  respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: { type: "reattempt", reason: c.req.valid("json").reason },
  });

export const postTestResultHandler: AppRouteHandler<typeof routes.postTestResult> = (c) => {
  const body = c.req.valid("json");
  return respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: {
      type: "test_result",
      stage: body.stage,
      suite: body.suite,
      status: body.status,
      url: body.url ?? null,
    },
  });
};

export const postDeploymentReportHandler: AppRouteHandler<typeof routes.postDeploymentReport> = (c) => {
  const body = c.req.valid("json");
  return respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: { type: "execution_report", report: body.kind, detail: body.detail ?? null },
  });
};

export const postRollbackStepHandler: AppRouteHandler<typeof routes.postRollbackStep> = (c) => {
  const body = c.req.valid("json");
  return respondWithCommand(c, c.req.valid("param").id, {
    name: "lifecycle",
    input: { type: "rollback_step", position: body.position, outcome: body.outcome, note: body.note ?? null },
  });
};

export const listTestResultsHandler: AppRouteHandler<typeof routes.listTestResults> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    if (!(await releaseExists(tx, actor.tenantId, id))) throw notFound("The release");
    return listTestResultRows(tx, actor.tenantId, id, after, limit);
  });
  return c.json(
    toPage(rows, limit, (r) => ({
      id: r.id,
      attempt: r.attempt,
      stage: r.stage,
      suite: r.suite,
      status: r.status,
      url: r.url,
      source: r.source,
      reported_by: r.reportedBy,
      created_at: r.createdAt.toISOString(),
    })),
    200,
  );
};

export const listDeploymentLogHandler: AppRouteHandler<typeof routes.listDeploymentLog> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    if (!(await releaseExists(tx, actor.tenantId, id))) throw notFound("The release");
    return listDeploymentLogRows(tx, actor.tenantId, id, after, limit);
  });
  return c.json(
    toPage(rows, limit, (r) => ({
      id: r.id,
      attempt: r.attempt,
      kind: r.kind,
      detail: r.detail,
      url: r.url,
      rollback_position: r.rollbackPosition,
      rollback_outcome: r.rollbackOutcome,
      source: r.source,
      recorded_by: r.recordedBy,
      created_at: r.createdAt.toISOString(),
    })),
    200,
  );
};

type ActingMember = { name: string; role: string; deactivated: boolean };

/** The members who acted in these events, as they are now (names and roles, never addresses). */
async function membersActingIn(
  tx: Tx,
  tenantId: string,
  rows: ReadonlyArray<{ actor: unknown }>,
): Promise<Map<string, ActingMember>> {
  const ids = [
    ...new Set(
      rows.flatMap((row) => {
        const ref = row.actor as ActorRef;
        return ref.kind === "member" ? [ref.member_id] : [];
      }),
    ),
  ];
  if (ids.length === 0) return new Map();
  const found = await tx
    .select({ id: members.id, name: members.name, role: members.role, deactivatedAt: members.deactivatedAt })
    .from(members)
    .where(and(eq(members.tenantId, tenantId), inArray(members.id, ids)));
  return new Map(
    found.map((m) => [m.id, { name: m.name, role: m.role, deactivated: m.deactivatedAt !== null }]),
  );
}

function expandActor(ref: ActorRef, people: Map<string, ActingMember>) {
  if (ref.kind !== "member") return ref;
  const person = people.get(ref.member_id);
  return person ? { ...ref, ...person } : ref;
}

export const listEventsHandler: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, expand } = c.req.valid("query");
  const after = decodeSequenceCursor(cursor);
  const { rows, people } = await withTenant(c, async ({ tx, actor }) => {
    if (!(await releaseExists(tx, actor.tenantId, id))) throw notFound("The release");
    const rows = await listEventRows(tx, actor.tenantId, id, after, limit);
    const people = expand === "actor" ? await membersActingIn(tx, actor.tenantId, rows) : null;
    return { rows, people };
  });
  return c.json(
    toSequencePage(rows, limit, (r) => ({
      id: r.id,
      seq: r.seq,
      attempt: r.attempt,
      type: r.type,
      actor: people ? expandActor(r.actor as ActorRef, people) : (r.actor as ActorRef),
      // Stored as JSON objects by recordEvents (src/releases/operation-context.ts).
      data: r.data as JsonObject,
      before: r.before as AuditSnapshot | null,
      after: r.after as AuditSnapshot | null,
      request_id: r.requestId,
      created_at: iso(r.createdAt) ?? "",
    })),
    200,
  );
};
