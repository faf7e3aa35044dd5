import { and, eq, isNull } from "drizzle-orm";
import { requireRole } from "../../app/actor";
import type { AppContext, AppRouteHandler } from "../../app/context";
import { respondCreated } from "../../app/created";
import { idempotent, withSystem, withTenant } from "../../app/request-scope";
import { findClient } from "../../db/repositories/clients";
import {
  findFeedToken,
  findProjectClient,
  insertFeedToken,
  listFeedTokens as listFeedTokenRows,
  revokeFeedToken as revokeFeedTokenRow,
} from "../../db/repositories/windows";
import { calendarFeedTokens, members } from "../../db/schema";
import { inTenantScope, type Tx } from "../../db/scope";
import { localToUtc, parseLocalDate } from "../../domain/windows";
import { addDays } from "../../domain/windows/zoned-time";
import { newFeedToken } from "../../lib/auth/feed-token";
import { unauthorized } from "../../lib/auth/tokens";
import { sha256Hex } from "../../lib/crypto";
import { uuidv7 } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { ApiError, notFound } from "../../lib/problem";
import { publicBaseUrl } from "../../lib/public-base-url";
import { type CalendarView, loadCalendarView } from "../../windows/calendar-view";
import { formatUtc, type IcsEvent, renderCalendar } from "../../windows/ics";
import {
  type createFeedToken,
  FEED_TOKEN_WRITE_ROLES,
  type getCalendar,
  type getCalendarFeed,
  type getFeedToken,
  type listFeedTokens,
  type revokeFeedToken,
} from "./routes";
import { type CalendarKind, MAX_CALENDAR_DAYS, presentFeedToken } from "./schemas";

const DAY_MS = 86_400_000;
/** The feed's range: recent history and a year ahead, enough for calendar apps that refresh daily. */
const FEED_PAST_DAYS = 31;
const FEED_FUTURE_DAYS = 366;

/** A date means midnight in the calendar's zone (for `to`, the end of that day); an instant is taken as is. */
function parseBound(text: string, timezone: string, endOfDay: boolean): Date {
  const date = text.length === 10 ? parseLocalDate(text) : null;
  if (date) {
    const day = endOfDay ? addDays(date, 1) : date;
    return new Date(localToUtc(timezone, { ...day, hour: 0, minute: 0 }).epochMs);
  }
  return new Date(text);
}

export const getCalendarHandler: AppRouteHandler<typeof getCalendar> = async (c) => {
  const query = c.req.valid("query");
  const view = await withTenant(c, ({ tx, actor }) =>
    loadCalendarView(
      tx,
      actor.tenantId,
      { clientId: query.client_id, projectId: query.project_id },
      (context) => {
        const from = parseBound(query.from, context.timezone, false);
        const to = parseBound(query.to, context.timezone, true);
        const errors: { path: string; message: string }[] = [];
        if (Number.isNaN(from.getTime()))
          errors.push({ path: "query.from", message: "not a real date or time" });
        if (Number.isNaN(to.getTime())) errors.push({ path: "query.to", message: "not a real date or time" });
        else if (!(to > from)) errors.push({ path: "query.to", message: "must be after from" });
        else if (to.getTime() - from.getTime() > MAX_CALENDAR_DAYS * DAY_MS) {
          errors.push({ path: "query.to", message: `at most ${MAX_CALENDAR_DAYS} days after from` });
        }
        if (errors.length > 0) {
          throw new ApiError(
            "validation_failed",
            `${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}. Ask for at most ${MAX_CALENDAR_DAYS} days at a time (page through longer spans), or subscribe to /v1/calendar.ics.`,
            { errors },
          );
        }
        return { from, to };
      },
    ),
  );
  const shown = onlyKinds(view, query.kinds);
  return c.json(
    {
      from: view.from.toISOString(),
      to: view.to.toISOString(),
      timezone: view.context.timezone,
      holidays: view.context.holidays,
      holiday_years_missing: view.holiday_years_missing,
      occurrences: shown.occurrences,
      releases: shown.releases,
    },
    200,
  );
};

/** The `kinds=` filter: occurrences of those kinds (holidays are freezes), releases when asked for. */
function onlyKinds<V extends Pick<CalendarView, "occurrences" | "releases">>(
  view: V,
  kinds: ReadonlySet<CalendarKind> | undefined,
): V {
  if (kinds === undefined) return view;
  return {
    ...view,
    occurrences: view.occurrences.filter((o) => kinds.has(o.kind)),
    releases: kinds.has("release") ? view.releases : [],
  };
}

const KIND_LABEL = { maintenance: "Maintenance window", business_hours: "Business hours", freeze: "Freeze" };

function feedEvents(view: CalendarView, stamp: Date): IcsEvent[] {
  const events: IcsEvent[] = view.occurrences.map((o) => {
    const start = new Date(o.starts_at);
    const holiday = o.holiday;
    const description = [
      `${o.local_start} to ${o.local_end} (${o.timezone})`,
      holiday ? `Public holiday (${holiday.state}); source: ${holiday.source}` : null,
      holiday?.subject_to_proclamation ? "Subject to proclamation." : null,
      o.releases.length > 0
        ? `Releases: ${o.releases.map((r) => `${r.version} (${r.status})`).join(", ")}`
        : null,
    ]
      .filter(Boolean)
      .join("\n");
    return {
      uid: holiday
        ? `holiday-${holiday.state}-${holiday.id}@release-pilot`
        : `window-${o.window_id}-${formatUtc(start)}@release-pilot`,
      stamp,
      start,
      end: new Date(o.ends_at),
      summary: holiday ? `Freeze: ${o.name} (public holiday)` : `${KIND_LABEL[o.kind]}: ${o.name}`,
      description,
      categories: holiday ? ["freeze", "holiday"] : [o.kind],
      transparent: true,
    };
  });
  for (const release of view.releases) {
    events.push({
      uid: `release-${release.id}@release-pilot`,
      stamp,
      start: new Date(release.starts_at),
      end: new Date(release.ends_at),
      summary: `Release: ${release.client_name} · ${release.project_name} ${release.version} (${release.title})`,
      description: `Client: ${release.client_name}\nProject: ${release.project_name}\nStatus: ${release.status}, stage: ${release.stage}.`,
      categories: ["release"],
      transparent: false,
    });
  }
  return events;
}

type ScopeFilter = { clientId?: string | undefined; projectId?: string | undefined };

async function renderFeed(
  tx: Tx,
  tenantId: string,
  filter: ScopeFilter,
  kinds: ReadonlySet<CalendarKind> | undefined,
): Promise<string> {
  const now = new Date();
  const loaded = await loadCalendarView(tx, tenantId, filter, () => ({
    from: new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS),
    to: new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS),
  }));
  const view = onlyKinds(loaded, kinds);
  // DTSTAMP to the minute: repeated fetches within a minute are byte-identical.
  const stamp = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return renderCalendar({
    name: view.context.client ? "Deployment windows (client)" : "Deployment windows",
    timezone: view.context.timezone,
    events: feedEvents(view, stamp),
  });
}

interface LiveFeedToken {
  tenantId: string;
  clientId: string | null;
  projectId: string | null;
}

/** The feed token's agency and bound scope, if it is live and its creator still a member. */
async function liveFeedToken(c: AppContext, token: string): Promise<LiveFeedToken> {
  const hash = await sha256Hex(token);
  const row = await withSystem(c, async (tx) => {
    const [found] = await tx
      .select({
        tenantId: calendarFeedTokens.tenantId,
        clientId: calendarFeedTokens.clientId,
        projectId: calendarFeedTokens.projectId,
      })
      .from(calendarFeedTokens)
      .innerJoin(
        members,
        and(eq(members.tenantId, calendarFeedTokens.tenantId), eq(members.id, calendarFeedTokens.createdBy)),
      )
      .where(
        and(
          eq(calendarFeedTokens.tokenHash, hash),
          isNull(calendarFeedTokens.revokedAt),
          isNull(members.deactivatedAt),
        ),
      );
    return found;
  });
  if (!row) throw unauthorized("The calendar feed token is unknown or has been revoked.");
  return row;
}

const outsideScope = (bound: string) =>
  new ApiError(
    "forbidden",
    `This feed token shows one ${bound} only; the URL can narrow a feed, not widen it. Issue a token for the scope you need.`,
  );

/**
 * The filter a feed token allows: the URL's client_id/project_id, inside the scope bound at minting.
 * Asking for anything outside that scope is a 403, never a wider feed.
 */
async function filterWithinToken(tx: Tx, token: LiveFeedToken, asked: ScopeFilter): Promise<ScopeFilter> {
  if (token.projectId !== null) {
    if (asked.projectId !== undefined && asked.projectId !== token.projectId) throw outsideScope("project");
    if (asked.clientId !== undefined) {
      const project = await findProjectClient(tx, token.tenantId, token.projectId);
      if (project?.clientId !== asked.clientId) throw outsideScope("project");
    }
    return { projectId: token.projectId };
  }
  if (token.clientId !== null) {
    if (asked.clientId !== undefined && asked.clientId !== token.clientId) throw outsideScope("client");
    if (asked.projectId !== undefined) {
      const project = await findProjectClient(tx, token.tenantId, asked.projectId);
      if (project?.clientId !== token.clientId) throw outsideScope("client");
    }
    return { clientId: token.clientId, projectId: asked.projectId };
  }
  return asked;
}

export const getCalendarFeedHandler: AppRouteHandler<typeof getCalendarFeed> = async (c) => {
  const query = c.req.valid("query");
  const filter = { clientId: query.client_id, projectId: query.project_id };
  let body: string;
  if (c.get("claims")) {
    body = await withTenant(c, ({ tx, actor }) => renderFeed(tx, actor.tenantId, filter, query.kinds));
  } else {
    // authenticate() let this request through without a bearer token only because it carries ?token=.
    if (!query.token) throw unauthorized("Send a bearer token or ?token= with a calendar feed token.");
    const token = await liveFeedToken(c, query.token);
    body = await inTenantScope(c.get("database"), token.tenantId, async (tx) =>
      renderFeed(tx, token.tenantId, await filterWithinToken(tx, token, filter), query.kinds),
    );
  }
  return c.body(body, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": 'inline; filename="deployment-windows.ics"',
    "Cache-Control": "private, max-age=300",
  });
};

/** The feed token (and the URL that embeds it) is shown once. */
const FEED_TOKEN_SHOWN_ONCE = {
  fields: ["token", "feed_url"],
  instead: "revoke it with DELETE /v1/calendar/feed-tokens/{id} and issue a new one",
};

/** A feed bound to a client or project must name one of the agency's (422 names the field). */
async function checkFeedScope(tx: Tx, tenantId: string, body: { client_id?: string; project_id?: string }) {
  const missing =
    body.client_id !== undefined && !(await findClient(tx, tenantId, body.client_id))
      ? "body.client_id"
      : body.project_id !== undefined && !(await findProjectClient(tx, tenantId, body.project_id))
        ? "body.project_id"
        : null;
  if (missing !== null) {
    throw new ApiError("unprocessable", `${missing}: no such ${missing.slice(5, -3)} in your agency.`, {
      errors: [{ path: missing, message: "no such record in your agency" }],
    });
  }
}

export const createFeedTokenHandler: AppRouteHandler<typeof createFeedToken> = async (c) => {
  const body = c.req.valid("json");
  const origin = publicBaseUrl(c.get("config"));
  const result = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, FEED_TOKEN_WRITE_ROLES, "Issuing calendar feed tokens");
    return idempotent(
      c,
      tx,
      actor.tenantId,
      async () => {
        await checkFeedScope(tx, actor.tenantId, body);
        const token = newFeedToken();
        const row = await insertFeedToken(tx, {
          id: uuidv7(),
          tenantId: actor.tenantId,
          tokenHash: await sha256Hex(token),
          name: body.name,
          clientId: body.client_id ?? null,
          projectId: body.project_id ?? null,
          createdBy: actor.memberId,
        });
        return {
          status: 201 as const,
          body: {
            ...presentFeedToken(row),
            token,
            feed_url: `${origin}/v1/calendar.ics?token=${encodeURIComponent(token)}`,
          },
        };
      },
      FEED_TOKEN_SHOWN_ONCE,
    );
  });
  return respondCreated(c, `/v1/calendar/feed-tokens/${result.body.id}`, result.body);
};

export const listFeedTokensHandler: AppRouteHandler<typeof listFeedTokens> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const rows = await withTenant(c, ({ tx, actor }) => listFeedTokenRows(tx, actor.tenantId, after, limit));
  return c.json(toPage(rows, limit, presentFeedToken), 200);
};

export const getFeedTokenHandler: AppRouteHandler<typeof getFeedToken> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await withTenant(c, ({ tx, actor }) => findFeedToken(tx, actor.tenantId, id));
  if (!row) throw notFound("The feed token");
  return c.json(presentFeedToken(row), 200);
};

export const revokeFeedTokenHandler: AppRouteHandler<typeof revokeFeedToken> = async (c) => {
  const { id } = c.req.valid("param");
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, FEED_TOKEN_WRITE_ROLES, "Revoking calendar feed tokens");
    if (!(await revokeFeedTokenRow(tx, actor.tenantId, id))) throw notFound("The feed token");
  });
  return c.body(null, 204);
};
