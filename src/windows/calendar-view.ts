/**
 * What GET /v1/calendar and the .ics feed show: the concrete occurrences of the windows that apply (and
 * the public-holiday freezes) between two instants, and which releases are booked where.
 */

import { sql } from "drizzle-orm";
import type { Tx } from "../db/scope";
import { buildCalendar, type Occurrence, type ScopedWindow } from "../domain/windows";
import { type CalendarContext, loadCalendarContext } from "./stored-windows";

export interface BookedRelease {
  id: string;
  version: string;
  title: string;
  status: string;
  stage: string;
  project_id: string;
  project_name: string;
  client_id: string;
  client_name: string;
  window_id: string | null;
  starts_at: string;
  ends_at: string;
}

export interface CalendarOccurrenceView extends Occurrence {
  scope: "agency" | "client" | "project" | null;
  client_id: string | null;
  project_id: string | null;
  freeze: boolean;
  releases: { id: string; version: string; status: string; stage: string; project_id: string }[];
}

export interface CalendarView {
  context: CalendarContext;
  occurrences: CalendarOccurrenceView[];
  releases: BookedRelease[];
  holiday_years_missing: number[];
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** At most this many booked releases per calendar; a 93-day range of one agency stays far below it. */
const RELEASE_LIMIT = 1000;

async function bookedReleases(
  tx: Tx,
  tenantId: string,
  context: CalendarContext,
  from: Date,
  to: Date,
): Promise<BookedRelease[]> {
  const narrowed = context.projectId
    ? sql`and r.project_id = ${context.projectId}`
    : context.client
      ? sql`and r.project_id in (select id from projects where tenant_id = ${tenantId} and client_id = ${context.client.id})`
      : sql``;
  const result = await tx.execute(sql`
    select r.id, r.version, r.title, r.status, r.stage, r.project_id, p.name as project_name,
      p.client_id, c.name as client_name, r.window_source_id as window_id,
      ${iso("r.window_starts_at")} as starts_at, ${iso("r.window_ends_at")} as ends_at
    from releases r
    join projects p on p.tenant_id = r.tenant_id and p.id = r.project_id
    join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
    where r.tenant_id = ${tenantId} and r.window_starts_at is not null
      and r.window_starts_at < ${to.toISOString()} and r.window_ends_at > ${from.toISOString()}
      and r.status <> 'cancelled' ${narrowed}
    order by r.window_starts_at, r.id
    limit ${RELEASE_LIMIT}`);
  return result.rows as unknown as BookedRelease[];
}

export async function loadCalendarView(
  tx: Tx,
  tenantId: string,
  filter: { clientId?: string | undefined; projectId?: string | undefined },
  range: (context: CalendarContext) => { from: Date; to: Date },
): Promise<CalendarView & { from: Date; to: Date }> {
  const context = await loadCalendarContext(tx, tenantId, filter);
  const { from, to } = range(context);
  const calendar = buildCalendar({
    windows: context.windows,
    holidays: context.holidays,
    fromUtc: from,
    toUtc: to,
  });
  const releases = await bookedReleases(tx, tenantId, context, from, to);
  const byId = new Map<string, ScopedWindow>(context.windows.map((w) => [w.id, w]));
  const occurrences = calendar.occurrences.map((o): CalendarOccurrenceView => {
    const window = byId.get(o.window_id);
    const start = Date.parse(o.starts_at);
    const end = Date.parse(o.ends_at);
    return {
      ...o,
      scope: window?.scope ?? null,
      client_id: window?.client_id ?? null,
      project_id: window?.project_id ?? null,
      freeze: o.kind === "freeze",
      releases: releases
        .filter(
          (r) =>
            o.source === "window" &&
            r.window_id === o.window_id &&
            Date.parse(r.starts_at) >= start &&
            Date.parse(r.starts_at) < end,
        )
        .map((r) => ({
          id: r.id,
          version: r.version,
          status: r.status,
          stage: r.stage,
          project_id: r.project_id,
        })),
    };
  });
  return { context, from, to, occurrences, releases, holiday_years_missing: calendar.holiday_years_missing };
}
