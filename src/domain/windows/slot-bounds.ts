import { MAX_DURATION_MINUTES } from "./validation";

/**
 * How far ahead a release's deployment slot may be booked. A year: the calendar feed shows a year
 * ahead, and public-holiday dates further out are not yet set by the states.
 */
export const MAX_BOOKING_AHEAD_DAYS = 366;
/** A release's slot is at most as long as the longest stored window (7 days). */
export const MAX_SLOT_MINUTES = MAX_DURATION_MINUTES;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface SlotBoundsProblem {
  /** The request field at fault: `starts_at`, `ends_at` or `occurrence_starts_at`. */
  field: "starts_at" | "ends_at" | "occurrence_starts_at" | "after";
  message: string;
}

/**
 * Checks a release slot against the bounds the policy check can judge: it ends after it starts and
 * in the future, lasts at most MAX_SLOT_MINUTES, and starts at most MAX_BOOKING_AHEAD_DAYS from
 * now. Returns every problem, each naming the field to change and the allowed range.
 */
export function checkSlotBounds(
  slot: { startsAt: Date; endsAt: Date; startField?: "starts_at" | "occurrence_starts_at" | "after" },
  now: Date,
): SlotBoundsProblem[] {
  const startField = slot.startField ?? "starts_at";
  const start = slot.startsAt.getTime();
  const end = slot.endsAt.getTime();
  const problems: SlotBoundsProblem[] = [];
  if (!Number.isFinite(start)) return [{ field: startField, message: "is not a real date and time" }];
  if (!Number.isFinite(end)) return [{ field: "ends_at", message: "is not a real date and time" }];
  if (end <= start) problems.push({ field: "ends_at", message: "must be after starts_at" });
  else if (end - start > MAX_SLOT_MINUTES * MINUTE_MS) {
    problems.push({
      field: "ends_at",
      message: `must be at most ${MAX_SLOT_MINUTES} minutes (7 days) after starts_at`,
    });
  }
  if (end <= now.getTime()) problems.push({ field: "ends_at", message: "must be in the future" });
  const latestStart = now.getTime() + MAX_BOOKING_AHEAD_DAYS * DAY_MS;
  if (start > latestStart) {
    problems.push({
      field: startField,
      message: `must be at most ${MAX_BOOKING_AHEAD_DAYS} days ahead (by ${new Date(latestStart).toISOString()})`,
    });
  }
  return problems;
}
