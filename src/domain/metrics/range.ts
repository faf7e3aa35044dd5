import {
  addDays,
  DAY_MS,
  dayNumber,
  formatLocalDate,
  type LocalDate,
  localToUtc,
  parseLocalDate,
  utcToLocal,
  weekdayIndex,
} from "../windows/zoned-time";

/** Metrics cover at most two years: enough for a year-on-year view, bounded for the query. */
export const MAX_RANGE_DAYS = 731;
/** Without `from`, a range covers the last 13 weeks (a quarter) up to `to`. */
export const DEFAULT_RANGE_DAYS = 91;

export const METRICS_INTERVALS = ["week", "month"] as const;
export type MetricsInterval = (typeof METRICS_INTERVALS)[number];

/** A range of whole local days in the agency's zone, and the instants that bound it. */
export interface MetricsRange {
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to: string;
  days: number;
  timeZone: string;
  /** Local midnight starting `from`. */
  startMs: number;
  /** Local midnight after `to` (exclusive). */
  endMs: number;
}

export interface RangeProblem {
  field: "from" | "to" | "month";
  message: string;
}

const midnight = (timeZone: string, date: LocalDate) =>
  localToUtc(timeZone, { ...date, hour: 0, minute: 0 }).epochMs;

function rangeOf(timeZone: string, from: LocalDate, to: LocalDate): MetricsRange {
  return {
    from: formatLocalDate(from),
    to: formatLocalDate(to),
    days: dayNumber(to) - dayNumber(from) + 1,
    timeZone,
    startMs: midnight(timeZone, from),
    endMs: midnight(timeZone, addDays(to, 1)),
  };
}

/**
 * The range `from`..`to` (both optional, YYYY-MM-DD in the agency's zone): `to` defaults to today
 * there, `from` to DEFAULT_RANGE_DAYS before it. Every problem names its field and what to send.
 */
export function resolveMetricsRange(
  input: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now: Date,
): { range: MetricsRange } | { problems: RangeProblem[] } {
  const today = utcToLocal(timeZone, now.getTime());
  const to = input.to === undefined ? today : parseLocalDate(input.to);
  if (to === null) return { problems: [{ field: "to", message: "must be a calendar date, YYYY-MM-DD" }] };
  const from = input.from === undefined ? addDays(to, 1 - DEFAULT_RANGE_DAYS) : parseLocalDate(input.from);
  if (from === null) return { problems: [{ field: "from", message: "must be a calendar date, YYYY-MM-DD" }] };
  const problems: RangeProblem[] = [];
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) problems.push({ field: "to", message: "must be on or after from" });
  else if (days > MAX_RANGE_DAYS) {
    problems.push({ field: "from", message: `must be at most ${MAX_RANGE_DAYS} days before to` });
  }
  if (from.year < 2000) problems.push({ field: "from", message: "must be in the year 2000 or later" });
  if (dayNumber(to) > dayNumber(today) + 366) {
    problems.push({ field: "to", message: "must be at most a year from today" });
  }
  return problems.length > 0 ? { problems } : { range: rangeOf(timeZone, from, to) };
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** A calendar month, YYYY-MM, as a range in the agency's zone; null when malformed. */
export function monthRange(month: string, timeZone: string): MetricsRange | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const monthNumber = Number(m[2]);
  if (year < 2000 || year > 2999 || monthNumber < 1 || monthNumber > 12) return null;
  const first = { year, month: monthNumber, day: 1 };
  const next =
    monthNumber === 12 ? { year: year + 1, month: 1, day: 1 } : { ...first, month: monthNumber + 1 };
  return rangeOf(timeZone, first, addDays(next, -1));
}

/** The month that holds `now` in the zone, YYYY-MM. */
export function currentMonth(timeZone: string, now: Date): string {
  return formatLocalDate(utcToLocal(timeZone, now.getTime())).slice(0, 7);
}

/** The first day of the period (ISO week from Monday, or calendar month) that holds `date`. */
export function periodStartOf(date: LocalDate, interval: MetricsInterval): LocalDate {
  if (interval === "month") return { ...date, day: 1 };
  return addDays(date, -((weekdayIndex(date) + 6) % 7));
}

/**
 * Every period the range touches, as its first day (YYYY-MM-DD), in order: the series has a point
 * for each, with zeros where nothing was deployed, so a chart's gaps are real gaps.
 */
export function periodStarts(range: MetricsRange, interval: MetricsInterval): string[] {
  const last = parseLocalDate(range.to) as LocalDate;
  const starts: string[] = [];
  let period = periodStartOf(parseLocalDate(range.from) as LocalDate, interval);
  while (dayNumber(period) <= dayNumber(last)) {
    starts.push(formatLocalDate(period));
    period =
      interval === "week"
        ? addDays(period, 7)
        : period.month === 12
          ? { year: period.year + 1, month: 1, day: 1 }
          : { ...period, month: period.month + 1 };
  }
  return starts;
}

/** Weeks in the range, for a per-week rate (a 91-day range is 13 weeks). */
export const weeksIn = (range: MetricsRange) => (range.endMs - range.startMs) / (7 * DAY_MS);
