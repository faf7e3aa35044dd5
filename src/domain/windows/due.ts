/**
 * Selecting occurrences by time, for the per-minute cron and for "what is open now".
 *
 * All ranges are half-open [from, to). The cron should keep a watermark (the `to` of the last completed
 * tick) and ask for [watermark, now): a skipped tick is then caught up by the next one, and a tick that
 * runs twice sees the same occurrences again, which it deduplicates on `occurrence_key` (a unique
 * constraint in the database makes opening and closing idempotent).
 */

import type { Occurrence } from "./types";

function within(iso: string, from: Date, to: Date): boolean {
  const t = Date.parse(iso);
  return t >= from.getTime() && t < to.getTime();
}

/** Occurrences that start in [fromUtc, toUtc): the ones the cron must open. */
export function occurrencesStartingBetween(
  occurrences: readonly Occurrence[],
  fromUtc: Date,
  toUtc: Date,
): Occurrence[] {
  return occurrences.filter((o) => within(o.starts_at, fromUtc, toUtc));
}

/** Occurrences that end in [fromUtc, toUtc): the ones the cron must close. */
export function occurrencesEndingBetween(
  occurrences: readonly Occurrence[],
  fromUtc: Date,
  toUtc: Date,
): Occurrence[] {
  return occurrences.filter((o) => within(o.ends_at, fromUtc, toUtc));
}

/** Occurrences in force at `at` (starts_at <= at < ends_at). */
export function occurrencesActiveAt(occurrences: readonly Occurrence[], at: Date): Occurrence[] {
  const t = at.getTime();
  return occurrences.filter((o) => Date.parse(o.starts_at) <= t && t < Date.parse(o.ends_at));
}
