/**
 * Shared shapes for deployment windows. Plain data only, so routes, the database layer and the cron can
 * pass rows straight in. Field names are snake_case where they are part of the API body.
 */

export const WINDOW_KINDS = ["maintenance", "business_hours", "freeze"] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/** RFC 5545 two-letter weekday codes, in JavaScript `getUTCDay()` order (Sunday = 0). */
export const WEEKDAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
export type Weekday = (typeof WEEKDAY_CODES)[number];

export type RecurrenceFrequency = "daily" | "weekly";

/** Modelled on an RRULE: FREQ, BYDAY and UNTIL (a local date, inclusive: the last occurrence may start that day). */
export interface Recurrence {
  freq: RecurrenceFrequency;
  by_day?: readonly Weekday[] | null;
  until?: string | null;
}

/**
 * A window as the API accepts it. `start` is a local wall-clock time without offset ("2026-10-04T02:00"),
 * modelled on DTSTART with TZID: the instant is computed from `timezone` for every occurrence, so a window
 * keeps its local time through DST changes.
 */
export interface WindowDefinition {
  kind: WindowKind;
  name: string;
  /** IANA zone. Optional in the body; the app fills it from the project, client or agency before expanding. */
  timezone?: string | null;
  start: string;
  duration_minutes: number;
  recurrence?: Recurrence | null;
}

/** A stored window, ready to expand: it has an id and a resolved zone. */
export interface ExpandableWindow extends WindowDefinition {
  id: string;
  timezone: string;
}

export type OccurrenceSource = "window" | "holiday";

/**
 * Something the window maths did to an occurrence because of a DST change, reported so the calendar can
 * say why a time looks odd. See zoned-time.ts and occurrences.ts for the rules.
 */
export type OccurrenceAdjustment =
  | "start_shifted_forward_dst_gap"
  | "start_ambiguous_first_instant"
  | "end_clipped_at_next_occurrence";

export const AU_STATES = ["NSW", "VIC", "QLD", "SA", "WA", "TAS", "ACT", "NT"] as const;
export type AuState = (typeof AU_STATES)[number];

export interface HolidayOccurrenceDetails {
  id: string;
  date: string;
  state: AuState;
  source: string;
  subject_to_proclamation: boolean;
  /** Set for part-day holidays such as Christmas Eve evening in SA, NT and QLD. */
  part_day: { from: string; to: string } | null;
  /** Set when the holiday applies only to part of the state (e.g. Melbourne Cup, metropolitan Melbourne). */
  regional: string | null;
  note: string | null;
}

/** One concrete occurrence of a window or a public holiday. Instants are UTC ISO strings. */
export interface Occurrence {
  window_id: string;
  /** Stable identity of this occurrence (window id + UTC start): the cron's idempotency key. */
  occurrence_key: string;
  kind: WindowKind;
  name: string;
  source: OccurrenceSource;
  starts_at: string;
  ends_at: string;
  /** RFC 3339 with the zone's offset at that instant, e.g. "2026-10-04T03:30:00+11:00"; unambiguous on fall-back nights. */
  local_start: string;
  local_end: string;
  timezone: string;
  adjustments: OccurrenceAdjustment[];
  holiday: HolidayOccurrenceDetails | null;
}

export type Risk = "low" | "high";
