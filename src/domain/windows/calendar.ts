/**
 * One call for "everything that constrains deployments between two instants": expanded windows plus the
 * public-holiday freezes of one state, sorted. Used by GET /v1/calendar, the .ics feed, window
 * confirmation and the cron.
 */

import { type HolidayOptions, holidayOccurrences, uncoveredHolidayYears } from "./holidays";
import { expandOccurrences, sortOccurrences } from "./occurrences";
import type { HolidayCalendar } from "./scope";
import type { ExpandableWindow, Occurrence } from "./types";

export interface CalendarInput {
  windows: readonly ExpandableWindow[];
  /** null when holidays are switched off (see resolveHolidayCalendar). */
  holidays: (HolidayCalendar & { options?: HolidayOptions }) | null;
  fromUtc: Date;
  toUtc: Date;
}

export interface Calendar {
  occurrences: Occurrence[];
  /** Years in range with no holiday data, so the response can say so rather than show none. */
  holiday_years_missing: number[];
}

export function buildCalendar(input: CalendarInput): Calendar {
  const windows = expandOccurrences(input.windows, input.fromUtc, input.toUtc);
  if (!input.holidays) return { occurrences: windows, holiday_years_missing: [] };
  const holidays = holidayOccurrences(
    input.holidays.state,
    input.holidays.timezone,
    input.fromUtc,
    input.toUtc,
    input.holidays.options,
  );
  return {
    occurrences: sortOccurrences([...windows, ...holidays]),
    holiday_years_missing: uncoveredHolidayYears(input.fromUtc, input.toUtc),
  };
}
