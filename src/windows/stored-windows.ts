/**
 * The bridge between stored windows (rows) and the pure window domain: conversion, the next occurrence
 * kept on each row for the cron, and the calendar context (which windows and which holidays apply to an
 * agency, a client or a project).
 */

import { and, eq } from "drizzle-orm";
import {
  findProjectClient,
  setNextOccurrences,
  type WindowRecord,
  windowsInScope,
} from "../db/repositories/windows";
import { clients, type RecurrenceJson, tenants } from "../db/schema";
import type { Tx } from "../db/scope";
import {
  type AuState,
  type HolidayCalendar,
  isAuState,
  nextOccurrence,
  type Recurrence,
  resolveHolidayCalendar,
  type ScopedWindow,
  selectWindowsForRelease,
  type WindowKind,
} from "../domain/windows";
import { ApiError } from "../lib/problem";

export function toRecurrenceJson(recurrence: Recurrence | null | undefined): RecurrenceJson | null {
  if (!recurrence) return null;
  return {
    freq: recurrence.freq,
    ...(recurrence.by_day ? { by_day: [...recurrence.by_day] } : {}),
    until: recurrence.until ?? null,
  };
}

export function scopeOf(row: { clientId: string | null; projectId: string | null }) {
  return row.projectId ? ("project" as const) : row.clientId ? ("client" as const) : ("agency" as const);
}

export function toScopedWindow(record: WindowRecord): ScopedWindow {
  return {
    id: record.id,
    kind: record.kind as WindowKind,
    name: record.name,
    timezone: record.effectiveTimezone,
    start: record.startLocal,
    duration_minutes: record.durationMinutes,
    recurrence: record.recurrence ?? null,
    scope: scopeOf(record),
    client_id: record.clientId,
    project_id: record.projectId,
  };
}

/**
 * next_starts_at/next_ends_at for a window written now: the first occurrence that has not ended yet, so an
 * occurrence already under way is still opened by the next tick (opening is idempotent per occurrence).
 */
export function scheduleFrom(
  window: Omit<ScopedWindow, "scope">,
  now: Date,
): { nextStartsAt: Date | null; nextEndsAt: Date | null } {
  const next = nextOccurrence(window, now, { includeInProgress: true });
  return next
    ? { nextStartsAt: new Date(next.starts_at), nextEndsAt: new Date(next.ends_at) }
    : { nextStartsAt: null, nextEndsAt: null };
}

/**
 * Recomputes next_* for windows that follow a zone that just changed (the agency's, or one client's), so
 * the cron opens them at the new instants.
 */
export async function refreshFollowingSchedules(
  tx: Tx,
  tenantId: string,
  changed: { clientId?: string },
  now: Date = new Date(),
): Promise<void> {
  const records = (await windowsInScope(tx, tenantId, {})).filter(
    (r) => r.timezone === null && (changed.clientId === undefined || r.clientId === changed.clientId),
  );
  await setNextOccurrences(
    tx,
    tenantId,
    records.map((r) => ({ id: r.id, ...scheduleFrom(toScopedWindow(r), now) })),
  );
}

export interface HolidaySettingsRow {
  timezone: string | null;
  state: string | null;
  holidaysEnabled: boolean | null;
}

export interface CalendarContext {
  agency: { timezone: string; state: string; holidaysEnabled: boolean };
  client: (HolidaySettingsRow & { id: string }) | null;
  projectId: string | null;
  /** The windows that apply: for a project or client the winners per kind; for the agency all of them. */
  windows: ScopedWindow[];
  holidays: HolidayCalendar | null;
  /** The zone the calendar is read in: the client's when it has one, else the agency's. */
  timezone: string;
}

function holidaySettings(row: HolidaySettingsRow | null) {
  if (!row) return null;
  return {
    state: row.state && isAuState(row.state) ? (row.state as AuState) : null,
    timezone: row.timezone,
    holidays_enabled: row.holidaysEnabled,
  };
}

/**
 * Loads what constrains deployments for the agency, one client or one project. A client or project of
 * another agency is "not found" (404), never revealed.
 */
export async function loadCalendarContext(
  tx: Tx,
  tenantId: string,
  filter: { clientId?: string | undefined; projectId?: string | undefined },
): Promise<CalendarContext> {
  let clientId = filter.clientId ?? null;
  const projectId = filter.projectId ?? null;
  if (projectId) {
    const project = await findProjectClient(tx, tenantId, projectId);
    if (!project) throw new ApiError("not_found", "The project was not found.");
    if (clientId && clientId !== project.clientId) {
      throw new ApiError(
        "bad_request",
        "project_id belongs to another client than client_id; pass one of them.",
        {
          errors: [{ path: "query.client_id", message: "does not own project_id" }],
        },
      );
    }
    clientId = project.clientId;
  }
  const [agency] = await tx
    .select({ timezone: tenants.timezone, state: tenants.state, holidaysEnabled: tenants.holidaysEnabled })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!agency) throw new ApiError("not_found", "The agency was not found.");
  let client: CalendarContext["client"] = null;
  if (clientId) {
    const [row] = await tx
      .select({
        id: clients.id,
        timezone: clients.timezone,
        state: clients.state,
        holidaysEnabled: clients.holidaysEnabled,
      })
      .from(clients)
      .where(and(eq(clients.tenantId, tenantId), eq(clients.id, clientId)));
    if (!row) throw new ApiError("not_found", "The client was not found.");
    client = row;
  }
  const records = await windowsInScope(tx, tenantId, { clientId, projectId });
  const scoped = records.map(toScopedWindow);
  const windows = client
    ? selectWindowsForRelease(scoped, { client_id: client.id, project_id: projectId ?? "" })
    : scoped;
  const agencySettings = {
    ...holidaySettings({ ...agency, holidaysEnabled: agency.holidaysEnabled }),
    timezone: agency.timezone,
  };
  return {
    agency,
    client,
    projectId,
    windows,
    // A client's null switch follows the agency's.
    holidays: resolveHolidayCalendar(
      agencySettings,
      holidaySettings(
        client ? { ...client, holidaysEnabled: client.holidaysEnabled ?? agency.holidaysEnabled } : null,
      ),
    ),
    timezone: client?.timezone ?? agency.timezone,
  };
}
