/**
 * Which local dates a window occurs on. Works purely on local calendar dates; turning a date plus the
 * window's local start time into an instant is zoned-time.ts's job.
 *
 * Semantics (a subset of RFC 5545 RRULE):
 * - no recurrence: one occurrence, on the start date;
 * - daily: every date from the start date;
 * - weekly: every date from the start date whose weekday is in `by_day` (default: the start date's weekday,
 *   as RRULE does). Unlike RFC 5545 the start date itself is not forced in when its weekday is not listed:
 *   "start 2026-01-03 (a Saturday), weekly MO-FR" first occurs on Monday 5 January. That lets the app set
 *   a window's start to "today" whatever day today is;
 * - `until` is a local date, inclusive: the last occurrence may start on that day.
 */

import type { Recurrence, Weekday } from "./types";
import { WEEKDAY_CODES } from "./types";
import { addDays, dayNumber, type LocalDate, weekdayIndex } from "./zoned-time";

export interface RecurrenceRule {
  startDate: LocalDate;
  recurrence?: Recurrence | null;
  /** Already parsed `recurrence.until`, or null for no end. */
  untilDate?: LocalDate | null;
}

function weekdaySet(rule: RecurrenceRule): Set<number> {
  const byDay = rule.recurrence?.by_day;
  if (rule.recurrence?.freq === "weekly" && byDay && byDay.length > 0) {
    return new Set(byDay.map((code) => WEEKDAY_CODES.indexOf(code)));
  }
  if (rule.recurrence?.freq === "weekly") return new Set([weekdayIndex(rule.startDate)]);
  return new Set([0, 1, 2, 3, 4, 5, 6]);
}

/** Local dates in [from, to] (inclusive) on which the window starts, ascending. */
export function occurrenceDates(rule: RecurrenceRule, from: LocalDate, to: LocalDate): LocalDate[] {
  const startDay = dayNumber(rule.startDate);
  if (!rule.recurrence) {
    return startDay >= dayNumber(from) && startDay <= dayNumber(to) ? [rule.startDate] : [];
  }
  const first = Math.max(startDay, dayNumber(from));
  const last = Math.min(dayNumber(to), rule.untilDate ? dayNumber(rule.untilDate) : Number.POSITIVE_INFINITY);
  const days = weekdaySet(rule);
  const dates: LocalDate[] = [];
  for (let day = first; day <= last; day++) {
    const date = addDays(rule.startDate, day - startDay);
    if (days.has(weekdayIndex(date))) dates.push(date);
  }
  return dates;
}

/**
 * The smallest number of calendar days between two consecutive occurrence dates: 1 for daily, 7 for a
 * single weekday, the tightest cyclic gap for several (MO+TU → 1, MO+TH → 3). Infinity for one-off
 * windows. Validation caps the duration at this many days so a window cannot overlap itself (apart from
 * the DST clip described in occurrences.ts).
 */
export function minimumGapDays(recurrence: Recurrence | null | undefined, startDate: LocalDate): number {
  if (!recurrence) return Number.POSITIVE_INFINITY;
  if (recurrence.freq === "daily") return 1;
  const codes: readonly Weekday[] =
    recurrence.by_day && recurrence.by_day.length > 0
      ? recurrence.by_day
      : [WEEKDAY_CODES[weekdayIndex(startDate)] as Weekday];
  const sorted = [...new Set(codes.map((code) => WEEKDAY_CODES.indexOf(code)))].sort((a, b) => a - b);
  if (sorted.length <= 1) return 7;
  let gap = 7;
  for (let i = 0; i < sorted.length; i++) {
    const current = sorted[i] as number;
    const next = i + 1 < sorted.length ? (sorted[i + 1] as number) : (sorted[0] as number) + 7;
    gap = Math.min(gap, next - current);
  }
  return gap;
}
