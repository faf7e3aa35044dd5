/**
 * Which windows and which holiday calendar apply to a release, given that windows are scoped to the
 * agency, a client or a project.
 *
 * Decisions:
 * - Freezes add up: every freeze of the agency, the release's client and its project applies.
 * - Allowing windows are replaced, per kind, by the most specific scope that defines any: if the project
 *   has maintenance windows, the client's and agency's maintenance windows do not apply to it; if neither
 *   project nor client defines business hours, the agency's do. A client in Sydney can thus keep its own
 *   business hours while a Perth agency's hours apply to its other clients.
 * - A window without its own zone takes the project's, then the client's, then the agency's.
 * - Holidays: the client's state (in the client's zone, else that state's zone) when the client has one, else the agency's; each
 *   can switch holidays off.
 */

import { STATE_TIME_ZONES } from "./holidays";
import type { AuState, ExpandableWindow, WindowDefinition, WindowKind } from "./types";

export type WindowScopeLevel = "agency" | "client" | "project";

export interface ScopedWindow extends ExpandableWindow {
  scope: WindowScopeLevel;
  client_id?: string | null;
  project_id?: string | null;
}

export interface ReleaseTarget {
  client_id: string;
  project_id: string;
}

const SPECIFICITY: Record<WindowScopeLevel, number> = { agency: 0, client: 1, project: 2 };

function appliesTo(window: ScopedWindow, target: ReleaseTarget): boolean {
  if (window.scope === "agency") return true;
  if (window.scope === "client") return window.client_id === target.client_id;
  return window.project_id === target.project_id;
}

export function selectWindowsForRelease<W extends ScopedWindow>(
  windows: readonly W[],
  target: ReleaseTarget,
): W[] {
  const applicable = windows.filter((w) => appliesTo(w, target));
  const mostSpecific = new Map<WindowKind, number>();
  for (const w of applicable) {
    if (w.kind === "freeze") continue;
    mostSpecific.set(w.kind, Math.max(mostSpecific.get(w.kind) ?? -1, SPECIFICITY[w.scope]));
  }
  return applicable.filter((w) => w.kind === "freeze" || SPECIFICITY[w.scope] === mostSpecific.get(w.kind));
}

export function resolveWindowTimeZone(
  window: Pick<WindowDefinition, "timezone">,
  fallbacks: { project?: string | null; client?: string | null; agency: string },
): string {
  return window.timezone || fallbacks.project || fallbacks.client || fallbacks.agency;
}

export interface HolidaySettings {
  state?: AuState | null;
  timezone?: string | null;
  /** false switches public-holiday freezes off for this agency or client. */
  holidays_enabled?: boolean | null;
}

export interface HolidayCalendar {
  state: AuState;
  timezone: string;
}

/** The state and zone whose holidays freeze deployments for a client of an agency, or null for none. */
export function resolveHolidayCalendar(
  agency: HolidaySettings & { timezone: string },
  client?: HolidaySettings | null,
): HolidayCalendar | null {
  if (client?.state) {
    if (client.holidays_enabled === false) return null;
    return { state: client.state, timezone: client.timezone || STATE_TIME_ZONES[client.state] };
  }
  if (client?.holidays_enabled === false || agency.holidays_enabled === false || !agency.state) return null;
  return { state: agency.state, timezone: agency.timezone };
}
