import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withTenant } from "../../app/request-scope";
import { findClient } from "../../db/repositories/clients";
import {
  deleteReportLink as deleteReportLinkRow,
  findReportLink,
  insertReportLink,
  listReportLinks as listReportLinkRows,
} from "../../db/repositories/report-links";
import { findTenant } from "../../db/repositories/tenants";
import { inTenantScope, type Tx } from "../../db/scope";
import { currentMonth, monthRange } from "../../domain/metrics";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { publicBaseUrl } from "../../lib/public-base-url";
import { type ClientReport, loadClientReport } from "../../metrics/client-report";
import { signReportLink, verifyReportLink } from "../../metrics/report-link-token";
import { renderClientReportPage } from "../../metrics/report-page";
import { PAGE_HEADERS, page } from "../../notifications/pages";
import { linkKeysOf } from "../../notifications/unsubscribe-token";
import {
  type createReportLink,
  type deleteReportLink,
  type getClientReport,
  type getReportLink,
  type listReportLinks,
  REPORT_LINK_WRITE_ROLES,
  type showSharedReport,
} from "./routes";
import { presentReportLink } from "./schemas";

const DAY_MS = 86_400_000;

/** The agency and one of its clients; another agency's client is a 404. */
async function agencyAndClient(tx: Tx, tenantId: string, clientId: string) {
  const tenant = await findTenant(tx, tenantId);
  const client = await findClient(tx, tenantId, clientId);
  if (!tenant || !client) throw notFound("The client");
  return { tenant, client };
}

/** A month that has begun, YYYY-MM in the agency's zone: 422 naming `field` otherwise. */
function reportMonth(month: string, timeZone: string, now: Date, field: string) {
  const range = monthRange(month, timeZone);
  const problem = !range
    ? "must be a month from 2000-01, YYYY-MM"
    : month > currentMonth(timeZone, now)
      ? `must not be after the current month (${currentMonth(timeZone, now)})`
      : null;
  if (problem || !range) {
    throw new ApiError("unprocessable", `The report cannot be made: ${field} ${problem}.`, {
      errors: [{ path: field, message: problem ?? "" }],
    });
  }
  return range;
}

/** The client's report for `month`, or for the month under way in the agency's zone. */
async function reportFor(tx: Tx, tenantId: string, clientId: string, month: string | undefined, now: Date) {
  const { tenant, client } = await agencyAndClient(tx, tenantId, clientId);
  const chosen = month ?? currentMonth(tenant.timezone, now);
  const range = reportMonth(chosen, tenant.timezone, now, "query.month");
  return loadClientReport(tx, tenant, client, chosen, range);
}

const wantsHtml = (c: AppContext) => (c.req.header("Accept") ?? "").includes("text/html");

export const getClientReportHandler: AppRouteHandler<typeof getClientReport> = async (c) => {
  const { id } = c.req.valid("param");
  const { month } = c.req.valid("query");
  const now = new Date();
  const report: ClientReport = await withTenant(c, ({ tx, actor }) =>
    reportFor(tx, actor.tenantId, id, month, now),
  );
  if (wantsHtml(c)) return c.html(renderClientReportPage(report), 200, PAGE_HEADERS) as never;
  return c.json(report, 200);
};

/** The URL embeds a working link: shown once, never stored with an idempotency key. */
const REPORT_URL_SHOWN_ONCE = {
  fields: ["url"],
  instead: "issue another link with POST /v1/clients/{id}/report-links",
};

export const createReportLinkHandler: AppRouteHandler<typeof createReportLink> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const origin = publicBaseUrl(c.get("config"));
  const keys = linkKeysOf(c.get("config"));
  const now = new Date();
  const result = await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, REPORT_LINK_WRITE_ROLES, "Sharing a client's report");
    const { tenant } = await agencyAndClient(tx, actor.tenantId, id);
    reportMonth(body.month, tenant.timezone, now, "body.month");
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        const row = await insertReportLink(tx, {
          id: uuidv7(),
          tenantId: actor.tenantId,
          clientId: id,
          month: body.month,
          expiresAt: new Date(now.getTime() + body.expires_in_days * DAY_MS),
          createdBy: actor.memberId,
        });
        const token = await signReportLink(keys, { tenantId: actor.tenantId, linkId: row.id }, row.expiresAt);
        return { status: 201 as const, body: { ...presentReportLink(row), url: `${origin}/s/${token}` } };
      },
      REPORT_URL_SHOWN_ONCE,
    );
  });
  return respondCreated(c, `/v1/clients/${id}/report-links/${result.body.id}`, result.body);
};

export const listReportLinksHandler: AppRouteHandler<typeof listReportLinks> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, async ({ tx, actor }) => {
    await agencyAndClient(tx, actor.tenantId, id);
    return listReportLinkRows(tx, actor.tenantId, id, after, limit);
  });
  return c.json(toPage(rows, limit, presentReportLink), 200);
};

export const getReportLinkHandler: AppRouteHandler<typeof getReportLink> = async (c) => {
  const { id, link_id: linkId } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findReportLink(tx, actor.tenantId, linkId));
  if (!row || row.clientId !== id) throw notFound("The share link");
  return c.json(presentReportLink(row), 200);
};

export const deleteReportLinkHandler: AppRouteHandler<typeof deleteReportLink> = async (c) => {
  const { id, link_id: linkId } = c.req.valid("param");
  const deleted = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, REPORT_LINK_WRITE_ROLES, "Withdrawing a report share link");
    return deleteReportLinkRow(tx, actor.tenantId, id, linkId);
  });
  if (!deleted) throw notFound("The share link");
  return c.body(null, 204);
};

export function invalidReportLink(c: AppContext) {
  return c.html(
    page({
      title: "Link not valid",
      noindex: true,
      body: "<h1>This report link is not valid</h1><p>It may have been altered, have expired, or been withdrawn by the agency. Ask the agency for a new link.</p>",
    }),
    404,
    PAGE_HEADERS,
  );
}

export const showSharedReportHandler: AppRouteHandler<typeof showSharedReport> = async (c) => {
  const now = new Date();
  const link = await verifyReportLink(linkKeysOf(c.get("config")), c.req.valid("param").token, now);
  if (!link) return invalidReportLink(c) as never;
  const shown = await inTenantScope(c.get("database"), link.tenantId, async (tx) => {
    const row = await findReportLink(tx, link.tenantId, link.linkId);
    // The row bounds the link: deleted is withdrawn, and its own expiry holds whatever the token says.
    if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
    const { tenant, client } = await agencyAndClient(tx, link.tenantId, row.clientId);
    const range = monthRange(row.month, tenant.timezone);
    if (!range) return null;
    return { report: await loadClientReport(tx, tenant, client, row.month, range), expiresAt: row.expiresAt };
  });
  if (!shown) return invalidReportLink(c) as never;
  return c.html(
    renderClientReportPage(shown.report, { expiresAt: shown.expiresAt }),
    200,
    PAGE_HEADERS,
  ) as never;
};
