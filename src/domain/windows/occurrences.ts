/**
 * Expanding windows into concrete occurrences between two UTC instants.
 *
 * Rules, on top of the gap/overlap rules in zoned-time.ts:
 * - Each occurrence starts at the window's local start time on each recurrence date, resolved in the
 *   window's zone (gap → shifted forward, overlap → first instant).
 * - Duration is elapsed real time: ends_at = starts_at + duration_minutes. Across a DST change the wall
 *   clock therefore disagrees with start + duration: a 4-hour window from 01:00 in Sydney on the fall-back
 *   night (5 Apr 2026) runs 01:00 AEDT → 04:00 AEST (14:00Z–18:00Z; the clock shows 3 hours, 4 really pass);
 *   on the spring-forward night (4 Oct 2026) it runs 01:00 AEST → 06:00 AEDT (15:00Z–19:00Z).
 * - An occurrence never overlaps the next occurrence of the same window: if DST makes a day short enough
 *   that it would (e.g. a 24-hour daily freeze across the 23-hour spring-forward day), its end is clipped
 *   to the next start and it carries the "end_clipped_at_next_occurrence" adjustment. Validation caps the
 *   duration at the recurrence gap, so this is the only way an occurrence is shorter than its duration.
 * - The result includes every occurrence that overlaps [fromUtc, toUtc), including one already under way
 *   at fromUtc. Expansion is independent of the range asked for: the same occurrence always has the same
 *   start, end and key.
 */

import { occurrenceDates } from "./recurrence";
import type { ExpandableWindow, Occurrence, OccurrenceAdjustment } from "./types";
import { validateWindow, type WindowProblem } from "./validation";
import {
  addDays,
  DAY_MS,
  formatZoned,
  type LocalDateTime,
  localToUtc,
  parseLocalDate,
  parseLocalDateTime,
  utcToLocal,
} from "./zoned-time";

/** Longest range one call may expand; a calendar feed of a year and a bit fits. Routes should cap `to - from`. */
export const MAX_EXPANSION_DAYS = 800;

export class InvalidWindowError extends Error {
  readonly windowId: string;
  readonly problems: WindowProblem[];
  constructor(windowId: string, problems: WindowProblem[]) {
    super(`Window ${windowId} is invalid: ${problems.map((p) => p.message).join(" ")}`);
    this.name = "InvalidWindowError";
    this.windowId = windowId;
    this.problems = problems;
  }
}

function assertRange(fromUtc: Date, toUtc: Date): void {
  const from = fromUtc.getTime();
  const to = toUtc.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError("from and to must be valid dates");
  if (to - from > MAX_EXPANSION_DAYS * DAY_MS) {
    throw new RangeError(`cannot expand more than ${MAX_EXPANSION_DAYS} days at once`);
  }
}

export function occurrenceKey(windowId: string, startsAt: string): string {
  return `${windowId}@${startsAt}`;
}

interface RawOccurrence {
  start: number;
  end: number;
  adjustments: OccurrenceAdjustment[];
}

/**
 * Occurrences of one window overlapping [fromUtc, toUtc), ascending. Throws InvalidWindowError when the
 * definition does not validate (callers validate on write; this guards against rows that bypassed it).
 */
export function expandWindow(window: ExpandableWindow, fromUtc: Date, toUtc: Date): Occurrence[] {
  assertRange(fromUtc, toUtc);
  const validation = validateWindow(window, { dstWarnings: false });
  if (!validation.ok) throw new InvalidWindowError(window.id, validation.errors);
  const from = fromUtc.getTime();
  const to = toUtc.getTime();
  if (to <= from) return [];

  const zone = window.timezone;
  const start = parseLocalDateTime(window.start) as LocalDateTime;
  const untilText = window.recurrence?.until;
  const untilDate = untilText ? parseLocalDate(untilText) : null;
  const durationMs = window.duration_minutes * 60_000;
  // Margin in local days: enough to catch an occurrence that began before `from` and is still running,
  // and the occurrence after the last one in range (needed to decide clipping).
  const marginDays = Math.ceil(window.duration_minutes / 1440) + 2;
  const dates = occurrenceDates(
    { startDate: start, recurrence: window.recurrence ?? null, untilDate },
    addDays(utcToLocal(zone, from), -marginDays),
    addDays(utcToLocal(zone, to), marginDays),
  );

  const raw: RawOccurrence[] = dates.map((date) => {
    const resolved = localToUtc(zone, { ...date, hour: start.hour, minute: start.minute });
    const adjustments: OccurrenceAdjustment[] = [];
    if (resolved.disambiguation === "gap_shifted_forward") adjustments.push("start_shifted_forward_dst_gap");
    if (resolved.disambiguation === "ambiguous_first_instant")
      adjustments.push("start_ambiguous_first_instant");
    return { start: resolved.epochMs, end: resolved.epochMs + durationMs, adjustments };
  });
  for (let i = 0; i + 1 < raw.length; i++) {
    const current = raw[i] as RawOccurrence;
    const next = raw[i + 1] as RawOccurrence;
    if (current.end > next.start) {
      current.end = next.start;
      current.adjustments.push("end_clipped_at_next_occurrence");
    }
  }

  return raw
    .filter((o) => o.start < to && o.end > from)
    .map((o) => {
      const startsAt = new Date(o.start).toISOString();
      return {
        window_id: window.id,
        occurrence_key: occurrenceKey(window.id, startsAt),
        kind: window.kind,
        name: window.name,
        source: "window" as const,
        starts_at: startsAt,
        ends_at: new Date(o.end).toISOString(),
        local_start: formatZoned(zone, o.start),
        local_end: formatZoned(zone, o.end),
        timezone: zone,
        adjustments: o.adjustments,
        holiday: null,
      };
    });
}

/** Stable order: start, then end, then window id. */
export function compareOccurrences(a: Occurrence, b: Occurrence): number {
  if (a.starts_at !== b.starts_at) return Date.parse(a.starts_at) - Date.parse(b.starts_at);
  if (a.ends_at !== b.ends_at) return Date.parse(a.ends_at) - Date.parse(b.ends_at);
  return a.window_id < b.window_id ? -1 : a.window_id > b.window_id ? 1 : 0;
}

export function sortOccurrences(occurrences: readonly Occurrence[]): Occurrence[] {
  return [...occurrences].sort(compareOccurrences);
}

/** Occurrences of all windows overlapping [fromUtc, toUtc), sorted. */
export function expandOccurrences(
  windows: readonly ExpandableWindow[],
  fromUtc: Date,
  toUtc: Date,
): Occurrence[] {
  return sortOccurrences(windows.flatMap((w) => expandWindow(w, fromUtc, toUtc)));
}
