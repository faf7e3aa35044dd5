/**
 * The next occurrence of one window after an instant: what the database keeps in
 * deployment_windows.next_starts_at/next_ends_at so the per-minute cron finds due windows
 * through an index instead of expanding every window of every agency.
 */

import { expandWindow } from "./occurrences";
import type { ExpandableWindow, Occurrence } from "./types";
import { DAY_MS, type LocalDateTime, localToUtc, parseLocalDateTime } from "./zoned-time";

/** Recurrences are daily or weekly, so any window with a future occurrence has one within 8 days of a point. */
const SEARCH_DAYS = 9;

export interface NextOccurrenceOptions {
  /**
   * true: an occurrence already under way at `after` counts (ends after it); used when a window is written,
   * so the cron still opens today's occurrence of a window created during it. false: only one that starts
   * strictly after `after`; used by the cron once it has handled everything up to `after`.
   */
  includeInProgress: boolean;
}

/** The first occurrence after `after`, or null when the window has none left (one-off in the past, until passed). */
export function nextOccurrence(
  window: ExpandableWindow,
  after: Date,
  options: NextOccurrenceOptions,
): Occurrence | null {
  const start = parseLocalDateTime(window.start) as LocalDateTime | null;
  if (!start) return null;
  const firstStart = localToUtc(window.timezone, start).epochMs;
  const durationMs = window.duration_minutes * 60_000;
  // Start the search no earlier than the day before DTSTART (a window may begin years ahead) and early
  // enough to see an occurrence still running at `after`.
  const from = Math.max(after.getTime() - durationMs, firstStart - DAY_MS);
  const occurrences = expandWindow(
    window,
    new Date(from),
    new Date(from + SEARCH_DAYS * DAY_MS + durationMs),
  );
  const t = after.getTime();
  return (
    occurrences.find((o) =>
      options.includeInProgress ? Date.parse(o.ends_at) > t : Date.parse(o.starts_at) > t,
    ) ?? null
  );
}
