/**
 * Public holidays as freeze occurrences. A holiday freezes the whole local day (00:00 to the next 00:00)
 * in the zone given, or the part of it listed for part-day holidays, so its real length is 23–25 hours
 * on a DST change day. Which state and zone to use is the caller's choice: the client's when the client
 * has a state, else the agency's (see resolveHolidayCalendar in scope.ts).
 */

import { AU_PUBLIC_HOLIDAYS, HOLIDAY_DATA_YEARS, type PublicHoliday } from "./holidays-au";
import { occurrenceKey } from "./occurrences";
import type { AuState, Occurrence } from "./types";
import { AU_STATES } from "./types";
import {
  addDays,
  DAY_MS,
  formatLocalDate,
  formatZoned,
  isValidTimeZone,
  type LocalDate,
  localToUtc,
  parseLocalDate,
  utcToLocal,
} from "./zoned-time";

/** Each state's main zone, for "all day in the state's zone". Broken Hill (NSW) and Eucla (WA) differ. */
export const STATE_TIME_ZONES: Record<AuState, string> = {
  NSW: "Australia/Sydney",
  VIC: "Australia/Melbourne",
  QLD: "Australia/Brisbane",
  SA: "Australia/Adelaide",
  WA: "Australia/Perth",
  TAS: "Australia/Hobart",
  ACT: "Australia/Sydney",
  NT: "Australia/Darwin",
};

export function isAuState(value: string): value is AuState {
  return (AU_STATES as readonly string[]).includes(value);
}

export interface HolidayOptions {
  /** Holiday ids (PublicHoliday.id) to leave out, e.g. Melbourne Cup for an agency in regional Victoria. */
  exclude?: readonly string[];
  /** Leave out holidays that apply only to part of the state (default: include them). */
  excludeRegional?: boolean;
  /** Leave out part-day holidays such as Christmas Eve evening (default: include them). */
  excludePartDay?: boolean;
}

export function appliesToState(entry: PublicHoliday, state: AuState): boolean {
  return entry.states === "national" || entry.states.includes(state);
}

/** The holiday entries of one state, optionally for one year, in date order. */
export function holidaysForState(state: AuState, year?: number): PublicHoliday[] {
  return AU_PUBLIC_HOLIDAYS.filter(
    (h) => appliesToState(h, state) && (year === undefined || h.date.startsWith(`${year}-`)),
  ).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Years touched by [fromUtc, toUtc) that the holiday data does not cover, so a calendar response can say
 * "no holiday data for 2028" instead of silently showing no holidays.
 */
export function uncoveredHolidayYears(fromUtc: Date, toUtc: Date): number[] {
  // Pad by a day so a range that starts on 31 Dec UTC but 1 Jan in Australia counts the next year.
  const first = new Date(fromUtc.getTime() - 86_400_000).getUTCFullYear();
  const last = new Date(toUtc.getTime() + 86_400_000).getUTCFullYear();
  const missing: number[] = [];
  for (let year = first; year <= last; year++) if (!HOLIDAY_DATA_YEARS.includes(year)) missing.push(year);
  return missing;
}

function parseClock(text: string): { hour: number; minute: number; nextDay: boolean } {
  const [h, m] = text.split(":").map(Number) as [number, number];
  return h === 24 ? { hour: 0, minute: 0, nextDay: true } : { hour: h, minute: m, nextDay: false };
}

/** Every UTC offset in use lies within ±14 hours; a day's margin each side covers it with room. */
const OFFSET_MARGIN_MS = DAY_MS;

/**
 * Whether a holiday on local `date` (its part-day end at the latest the next local midnight) can
 * overlap [from, to) in any zone. The zone arithmetic below costs a few Intl calls per holiday, and a
 * release's window check asks for a range of days against every holiday of every covered year: this
 * leaves the arithmetic to the few dates near the range.
 */
function dateMayOverlap(date: LocalDate, from: number, to: number): boolean {
  const utcMidnight = Date.UTC(date.year, date.month - 1, date.day);
  return utcMidnight - OFFSET_MARGIN_MS < to && utcMidnight + 2 * DAY_MS + OFFSET_MARGIN_MS > from;
}

/**
 * Freeze occurrences for the public holidays of `state` that overlap [fromUtc, toUtc), in `timezone`
 * (pass null to use the state's own zone), sorted.
 */
export function holidayOccurrences(
  state: AuState,
  timezone: string | null | undefined,
  fromUtc: Date,
  toUtc: Date,
  options: HolidayOptions = {},
): Occurrence[] {
  const zone = timezone ?? STATE_TIME_ZONES[state];
  if (!isValidTimeZone(zone)) throw new RangeError(`invalid time zone: ${zone}`);
  const from = fromUtc.getTime();
  const to = toUtc.getTime();
  const exclude = new Set(options.exclude ?? []);
  const result: Occurrence[] = [];
  for (const entry of holidaysForState(state)) {
    if (exclude.has(entry.id)) continue;
    if (options.excludeRegional && entry.regional) continue;
    if (options.excludePartDay && entry.part_day) continue;
    const date = parseLocalDate(entry.date);
    if (!date) throw new Error(`bad holiday date ${entry.date}`);
    if (!dateMayOverlap(date, from, to)) continue;
    const startClock = parseClock(entry.part_day?.from ?? "00:00");
    const endClock = parseClock(entry.part_day?.to ?? "24:00");
    const startDate = startClock.nextDay ? addDays(date, 1) : date;
    const endDate = endClock.nextDay ? addDays(date, 1) : date;
    // Midnight exists in every Australian zone (changes happen at 02:00/03:00), but the general gap rule
    // still applies should a zone ever move at midnight.
    const start = localToUtc(zone, {
      ...startDate,
      hour: startClock.hour,
      minute: startClock.minute,
    }).epochMs;
    const end = localToUtc(zone, { ...endDate, hour: endClock.hour, minute: endClock.minute }).epochMs;
    if (!(start < to && end > from)) continue;
    const windowId = `holiday:${state}:${entry.id}`;
    const startsAt = new Date(start).toISOString();
    result.push({
      window_id: windowId,
      occurrence_key: occurrenceKey(windowId, startsAt),
      kind: "freeze",
      name: entry.name,
      source: "holiday",
      starts_at: startsAt,
      ends_at: new Date(end).toISOString(),
      local_start: formatZoned(zone, start),
      local_end: formatZoned(zone, end),
      timezone: zone,
      adjustments: [],
      holiday: {
        id: entry.id,
        date: entry.date,
        state,
        source: entry.source,
        subject_to_proclamation: entry.subject_to_proclamation,
        part_day: entry.part_day ?? null,
        regional: entry.regional ?? null,
        note: entry.note ?? null,
      },
    });
  }
  return result.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}

/** The local date in `timezone` at an instant, "YYYY-MM-DD"; handy for "is today a holiday" checks. */
export function localDateAt(timezone: string, at: Date): string {
  return formatLocalDate(utcToLocal(timezone, at.getTime()));
}
