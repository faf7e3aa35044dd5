/**
 * The windows a new agency starts with: business hours Monday to Friday, 09:00–17:00 in its own zone.
 * The start date is the agency's local date at creation, so the first occurrence is today's (if today is
 * a weekday) and nothing is generated for the past.
 */

import type { WindowDefinition } from "./types";
import { formatLocalDate, isValidTimeZone, utcToLocal } from "./zoned-time";

export const DEFAULT_BUSINESS_HOURS_START = "09:00";
export const DEFAULT_BUSINESS_HOURS_MINUTES = 8 * 60;

export function defaultBusinessHoursWindow(timezone: string, now: Date): WindowDefinition {
  if (!isValidTimeZone(timezone)) throw new RangeError(`invalid time zone: ${timezone}`);
  const today = formatLocalDate(utcToLocal(timezone, now.getTime()));
  return {
    kind: "business_hours",
    name: "Business hours",
    timezone,
    start: `${today}T${DEFAULT_BUSINESS_HOURS_START}`,
    duration_minutes: DEFAULT_BUSINESS_HOURS_MINUTES,
    recurrence: { freq: "weekly", by_day: ["MO", "TU", "WE", "TH", "FR"], until: null },
  };
}

/** Every window a new agency gets; one today, a list so more defaults need no route change. */
export function defaultWindowsForAgency(timezone: string, now: Date): WindowDefinition[] {
  return [defaultBusinessHoursWindow(timezone, now)];
}
