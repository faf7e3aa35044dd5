import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { withTenant } from "../../app/request-scope";
import {
  type ApprovalPageData,
  findApprovalRequest,
  listApprovalRequestRows,
  loadApprovalPage,
} from "../../db/repositories/approval-requests";
import { findReleaseFacts } from "../../db/repositories/release-facts";
import { inTenantScope } from "../../db/scope";
import { localTime } from "../../domain/notifications";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { publicBaseUrl } from "../../lib/public-base-url";
import { kickOutbox } from "../../notifications/kick";
import { PAGE_HEADERS } from "../../notifications/pages";
import { linkKeysOf } from "../../notifications/unsubscribe-token";
import { signApprovalLink, verifyApprovalLink } from "../../releases/approval-link-token";
import { renderAnsweredPage, renderApprovalPage, renderClosedLinkPage } from "../../releases/approval-page";
import { commandFailure, releaseCoordinator } from "../../releases/coordinator-client";
import type { ApprovalEmail } from "../../releases/operations/approvals";
import { presentApprovalRequest } from "../../releases/operations/approvals";
import { kickEndpointDeliveries } from "../../webhooks/kick";
import { sendReleaseCommand } from "../releases/command-route";
import type * as routes from "./routes";

type PresentedRequest = ReturnType<typeof presentApprovalRequest>;

function tenantOf(c: AppContext): string {
  const claims = c.get("claims");
  if (!claims) throw new ApiError("unauthorized", "Send an API token as `Authorization: Bearer <token>`.");
  return claims.tenantId;
}

export const createApprovalRequestHandler: AppRouteHandler<typeof routes.createApprovalRequest> = async (
  c,
) => {
  const { id } = c.req.valid("param");
  const outcome = await sendReleaseCommand(c, id, { name: "request_approval", input: c.req.valid("json") });
  const { request, email } = (outcome.body as { result: { request: PresentedRequest; email: ApprovalEmail } })
    .result;
  if (outcome.replayed) {
    // The link is a credential shown once: a replay names what was created, never the link again.
    throw new ApiError(
      "conflict",
      "This Idempotency-Key's request was already applied. Its url was shown once, in that response, and is not kept; withdraw the request (DELETE /v1/releases/{id}/approval-requests/{request_id}) and send a new one.",
      { applied: request },
    );
  }
  const token = await signApprovalLink(
    linkKeysOf(c.get("config")),
    { tenantId: tenantOf(c), requestId: request.id },
    new Date(request.expires_at),
  );
  const url = `${publicBaseUrl(c.get("config"))}/a/${token}`;
  return respondCreated(c, `/v1/releases/${id}/approval-requests/${request.id}`, { ...request, url, email });
};

export const listApprovalRequestsHandler: AppRouteHandler<typeof routes.listApprovalRequests> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const now = new Date();
  const rows = await withTenant(c, async ({ tx, actor }) => {
    if (!(await findReleaseFacts(tx, actor.tenantId, id))) throw notFound("The release");
    return listApprovalRequestRows(tx, actor.tenantId, id, after, limit);
  });
  return c.json(
    toPage(rows, limit, (row) => presentApprovalRequest(row, now)),
    200,
  );
};

export const getApprovalRequestHandler: AppRouteHandler<typeof routes.getApprovalRequest> = async (c) => {
  const { id, request_id: requestId } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findApprovalRequest(tx, actor.tenantId, requestId));
  if (!row || row.releaseId !== id) throw notFound("The approval request");
  return c.json(presentApprovalRequest(row, new Date()), 200);
};

export const withdrawApprovalRequestHandler: AppRouteHandler<typeof routes.withdrawApprovalRequest> = async (
  c,
) => {
  const { id, request_id: requestId } = c.req.valid("param");
  await sendReleaseCommand(c, id, {
    name: "withdraw_approval_request",
    input: { approval_request_id: requestId },
  });
  return c.body(null, 204);
};

// The client's page. Every answer is HTML, never a problem document or a stack trace.

const html = (c: AppContext, body: string, status: 200 | 404 | 409 | 410 | 422 | 503) =>
  c.html(body, status, PAGE_HEADERS) as never;

export function invalidApprovalLink(c: AppContext) {
  return html(
    c,
    renderClosedLinkPage(
      null,
      "This link is not valid",
      "It may be incomplete or have been altered. Open the link from the email again, or ask the agency for a new one.",
    ),
    404,
  );
}

export function unofferedAnswer(c: AppContext) {
  return html(
    c,
    renderClosedLinkPage(
      null,
      "That answer is not one this page offers",
      "Go back to the page and choose one of its buttons.",
    ),
    422,
  );
}

/**
 * The link's agency and request with what its page shows, or null for a forged, altered or unknown
 * link. The signature is checked before any database work.
 */
async function linkedRequest(
  c: AppContext,
  token: string,
  now: Date,
): Promise<{ tenantId: string; data: ApprovalPageData } | null> {
  const link = await verifyApprovalLink(linkKeysOf(c.get("config")), token, now);
  if (!link) return null;
  const data = await inTenantScope(c.get("database"), link.tenantId, (tx) =>
    loadApprovalPage(tx, link.tenantId, link.requestId),
  );
  return data ? { tenantId: link.tenantId, data } : null;
}

/** The page for a link that no longer takes an answer, or null while it does. */
function closedLinkPage(c: AppContext, data: ApprovalPageData, now: Date) {
  if (data.status === "decided" && data.decision && data.decided_at) {
    return html(c, renderAnsweredPage(data, data.decision, data.decided_at), 200);
  }
  if (data.status === "withdrawn") {
    return html(
      c,
      renderClosedLinkPage(
        data,
        "This link was withdrawn",
        `${data.agency_name} withdrew this request, so it no longer takes an answer. They can send a new link if they still need one.`,
      ),
      410,
    );
  }
  if (Date.parse(data.expires_at) <= now.getTime()) {
    return html(
      c,
      renderClosedLinkPage(
        data,
        "This link has expired",
        `Ask ${data.agency_name} for a new link if they still need your answer.`,
      ),
      410,
    );
  }
  return null;
}

export const showApprovalPageHandler: AppRouteHandler<typeof routes.showApprovalPage> = async (c) => {
  const now = new Date();
  const linked = await linkedRequest(c, c.req.valid("param").token, now);
  if (!linked) return invalidApprovalLink(c);
  return closedLinkPage(c, linked.data, now) ?? html(c, renderApprovalPage(linked.data), 200);
};

const REFUSAL_HEADLINES: Readonly<Record<string, string>> = {
  expired: "This link has expired",
  superseded: "This link is out of date",
  too_late: "This release has moved on",
  not_yet: "Not ready for your verdict yet",
};

export const answerApprovalPageHandler: AppRouteHandler<typeof routes.answerApprovalPage> = async (c) => {
  const now = new Date();
  const linked = await linkedRequest(c, c.req.valid("param").token, now);
  if (!linked) return invalidApprovalLink(c);
  const { data } = linked;
  const closed = closedLinkPage(c, data, now);
  if (closed) return data.status === "decided" ? alreadyAnswered(c, data) : closed;
  const { decision, note } = c.req.valid("form");
  const outcome = await releaseCoordinator(c.env)
    .execute({
      tenantId: linked.tenantId,
      releaseId: data.release_id,
      principal: { kind: "approval_link", contactId: data.contact_id },
      requestId: c.get("requestId"),
      operation: { name: "answer_approval_request", input: { approval_request_id: data.id, decision, note } },
    })
    // The coordinator restarted or is unreachable: nothing to show but a retry.
    .catch(() => null);
  if (!outcome || (!outcome.ok && outcome.problem.code === "coordinator_unavailable")) {
    return html(
      c,
      renderClosedLinkPage(
        data,
        "Please try again",
        "Your answer could not be recorded just now. Go back and send it again.",
      ),
      503,
    );
  }
  if (!outcome.ok) {
    const { problem } = outcome;
    if (problem.code === "conflict") {
      const reason = String(problem.extras.approval_status ?? "");
      if (reason === "decided") return alreadyAnswered(c, { ...data, decided_at: null });
      const status = reason === "expired" || reason === "withdrawn" ? 410 : 409;
      return html(
        c,
        renderClosedLinkPage(
          data,
          REFUSAL_HEADLINES[reason] ?? "This link cannot take an answer",
          problem.detail,
        ),
        status,
      );
    }
    if (problem.code === "unprocessable") {
      return html(
        c,
        renderClosedLinkPage(data, "That answer is not one this page offers", problem.detail),
        422,
      );
    }
    // Anything else is our fault: answered and logged as any unexpected failure is.
    throw commandFailure(problem);
  }
  if (outcome.queuedMessages) kickOutbox(c, data.release_id);
  if (outcome.queuedWebhooks) kickEndpointDeliveries(c, linked.tenantId);
  const answered = (outcome.body as { result: PresentedRequest }).result;
  return html(
    c,
    renderAnsweredPage(data, answered.decision ?? decision, answered.decided_at ?? now.toISOString()),
    200,
  );
};

/** A second answer (another tab, the back button, a replay): the first one stands. */
function alreadyAnswered(c: AppContext, data: ApprovalPageData) {
  return html(
    c,
    renderClosedLinkPage(
      data,
      "You have already answered",
      `This link was used${data.decided_at ? ` on ${localTime(data.decided_at, data.timezone)}` : ""}; the first answer stands. Contact ${data.agency_name} to change it.`,
    ),
    409,
  );
}
