import type { AppContext, AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import {
  findLatestInvestigation,
  findReleaseFacts,
  listChecklistRows,
  listIssueRows,
  listSignOffRows,
} from "../../db/repositories/release-facts";
import type { Tx } from "../../db/scope";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import type { ReleaseOperation } from "../../releases/operations";
import {
  presentChecklistItem,
  presentInvestigation,
  presentIssue,
  presentMonitoring,
  presentNotes,
  presentSignOff,
} from "../../releases/operations/views";
import { sendReleaseCommand } from "../releases/command-route";
import type * as routes from "./routes";

/** Sends the operation to the release's Durable Object and answers with what it returned. */
async function commandResult(c: AppContext, releaseId: string, operation: ReleaseOperation) {
  const outcome = await sendReleaseCommand(c, releaseId, operation);
  return (outcome.body as { result: unknown }).result as never;
}

/** Sends the operation and answers with the release after it (for facts the release representation shows). */
async function commandRelease(c: AppContext, releaseId: string, operation: ReleaseOperation) {
  const outcome = await sendReleaseCommand(c, releaseId, operation);
  return outcome.body as never;
}

async function releaseFactsOrNotFound(tx: Tx, tenantId: string, releaseId: string) {
  const release = await findReleaseFacts(tx, tenantId, releaseId);
  if (!release) throw notFound("The release");
  return release;
}

function attemptOf(release: { attempt: number }, requested: number | undefined): number {
  if (requested !== undefined && requested > release.attempt) {
    throw new ApiError(
      "bad_request",
      `The release is on attempt ${release.attempt}; ask for attempt 1 to ${release.attempt}.`,
      { errors: [{ path: "query.attempt", message: `at most ${release.attempt}` }] },
    );
  }
  return requested ?? release.attempt;
}

// Checklist

export const getChecklistHandler: AppRouteHandler<typeof routes.getChecklist> = async (c) => {
  const { id } = c.req.valid("param");
  const { attempt: requested } = c.req.valid("query");
  const body = await withTenant(c, async ({ tx, actor }) => {
    const release = await releaseFactsOrNotFound(tx, actor.tenantId, id);
    const attempt = attemptOf(release, requested);
    const rows = await listChecklistRows(tx, actor.tenantId, id, attempt);
    return { release_id: id, attempt, items: rows.map(presentChecklistItem) };
  });
  return c.json(body as never, 200);
};

export const patchChecklistHandler: AppRouteHandler<typeof routes.patchChecklist> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await commandResult(c, id, { name: "update_checklist", input: c.req.valid("json") }), 200);
};

export const patchChecklistItemHandler: AppRouteHandler<typeof routes.patchChecklistItem> = async (c) => {
  const { id, item_id } = c.req.valid("param");
  const body = c.req.valid("json");
  return c.json(
    await commandResult(c, id, { name: "update_checklist_item", input: { item_id, ...body } }),
    200,
  );
};

// Test plan and rollback procedure

export const putTestPlanHandler: AppRouteHandler<typeof routes.putTestPlan> = async (c) =>
  c.json(
    await commandRelease(c, c.req.valid("param").id, { name: "set_test_plan", input: c.req.valid("json") }),
    200,
  );

export const putRollbackProcedureHandler: AppRouteHandler<typeof routes.putRollbackProcedure> = async (c) =>
  c.json(
    await commandRelease(c, c.req.valid("param").id, {
      name: "set_rollback_procedure",
      input: c.req.valid("json"),
    }),
    200,
  );

// Monitoring

export const getMonitoringHandler: AppRouteHandler<typeof routes.getMonitoring> = async (c) => {
  const { id } = c.req.valid("param");
  const release = await withTenant(c, ({ tx, actor }) => releaseFactsOrNotFound(tx, actor.tenantId, id));
  return c.json(
    presentMonitoring({
      dashboards: release.monitoringDashboards,
      confirmedBy: release.monitoringConfirmedBy,
      confirmedAt: release.monitoringConfirmedAt,
    }),
    200,
  );
};

export const putMonitoringDashboardsHandler: AppRouteHandler<typeof routes.putMonitoringDashboards> = async (
  c,
) =>
  c.json(
    await commandRelease(c, c.req.valid("param").id, {
      name: "set_monitoring_dashboards",
      input: c.req.valid("json"),
    }),
    200,
  );

export const postMonitoringConfirmationHandler: AppRouteHandler<
  typeof routes.postMonitoringConfirmation
> = async (c) =>
  c.json(
    await commandRelease(c, c.req.valid("param").id, {
      name: "confirm_monitoring",
      input: c.req.valid("json"),
    }),
    200,
  );

// Issue reports

export const listIssuesHandler: AppRouteHandler<typeof routes.listIssues> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, attempt: requested } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    const release = await releaseFactsOrNotFound(tx, actor.tenantId, id);
    return listIssueRows(tx, actor.tenantId, id, attemptOf(release, requested), after, limit);
  });
  return c.json(toPage(rows, limit, presentIssue) as never, 200);
};

export const postIssueHandler: AppRouteHandler<typeof routes.postIssue> = async (c) =>
  c.json(
    await commandResult(c, c.req.valid("param").id, { name: "report_issue", input: c.req.valid("json") }),
    201,
  );

export const patchIssueHandler: AppRouteHandler<typeof routes.patchIssue> = async (c) => {
  const { id, issue_id } = c.req.valid("param");
  return c.json(
    await commandResult(c, id, { name: "update_issue", input: { issue_id, ...c.req.valid("json") } }),
    200,
  );
};

// Sign-offs

export const listSignOffsHandler: AppRouteHandler<typeof routes.listSignOffs> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, attempt: requested } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    const release = await releaseFactsOrNotFound(tx, actor.tenantId, id);
    return listSignOffRows(tx, actor.tenantId, id, attemptOf(release, requested), after, limit);
  });
  return c.json(toPage(rows, limit, presentSignOff) as never, 200);
};

export const postSignOffHandler: AppRouteHandler<typeof routes.postSignOff> = async (c) =>
  c.json(
    await commandResult(c, c.req.valid("param").id, { name: "sign_off", input: c.req.valid("json") }),
    201,
  );

// Investigation

export const getInvestigationHandler: AppRouteHandler<typeof routes.getInvestigation> = async (c) => {
  const { id } = c.req.valid("param");
  const found = await withTenant(c, async ({ tx, actor }) => {
    await releaseFactsOrNotFound(tx, actor.tenantId, id);
    return findLatestInvestigation(tx, actor.tenantId, id);
  });
  if (!found) {
    throw new ApiError(
      "not_found",
      "The release has no investigation; one opens when a release is rolled back or its rollback fails.",
    );
  }
  return c.json(presentInvestigation(found.investigation, found.actions) as never, 200);
};

export const patchInvestigationHandler: AppRouteHandler<typeof routes.patchInvestigation> = async (c) =>
  c.json(
    await commandResult(c, c.req.valid("param").id, {
      name: "update_investigation",
      input: c.req.valid("json"),
    }),
    200,
  );

export const postCorrectiveActionHandler: AppRouteHandler<typeof routes.postCorrectiveAction> = async (c) =>
  c.json(
    await commandResult(c, c.req.valid("param").id, {
      name: "add_corrective_action",
      input: c.req.valid("json"),
    }),
    201,
  );

export const patchCorrectiveActionHandler: AppRouteHandler<typeof routes.patchCorrectiveAction> = async (
  c,
) => {
  const { id, action_id } = c.req.valid("param");
  return c.json(
    await commandResult(c, id, {
      name: "update_corrective_action",
      input: { action_id, ...c.req.valid("json") },
    }),
    200,
  );
};

// Release notes

export const getNotesHandler: AppRouteHandler<typeof routes.getNotes> = async (c) => {
  const { id } = c.req.valid("param");
  const release = await withTenant(c, ({ tx, actor }) => releaseFactsOrNotFound(tx, actor.tenantId, id));
  return c.json(
    presentNotes({ markdown: release.notesMarkdown, publishedAt: release.notesPublishedAt }),
    200,
  );
};

export const putNotesHandler: AppRouteHandler<typeof routes.putNotes> = async (c) =>
  c.json(
    await commandResult(c, c.req.valid("param").id, { name: "set_notes", input: c.req.valid("json") }),
    200,
  );

export const postPublishNotesHandler: AppRouteHandler<typeof routes.postPublishNotes> = async (c) =>
  c.json(await commandResult(c, c.req.valid("param").id, { name: "publish_notes", input: {} }), 200);
