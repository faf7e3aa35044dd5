/**
 * Local wall-clock time <-> UTC instants for IANA zones, using only the platform's Intl data (works the same
 * in Node and workerd). No fixed offsets anywhere: the offset is read from Intl for the instant in question.
 *
 * DST rules (the same as RFC 5545 §3.3.5 and Temporal's `disambiguation: "compatible"`):
 *
 * - A local time that does not exist (spring-forward gap) is shifted forward by the length of the gap:
 *   02:30 in Sydney on 4 Oct 2026 becomes 03:30 AEDT (16:30Z); 02:15 at Lord Howe on 4 Oct 2026, where the
 *   gap is 30 minutes, becomes 02:45 (+11:00). Mechanically: the wall time is interpreted with the offset
 *   in force just before the transition.
 * - A local time that happens twice (fall-back overlap) takes the earlier instant, i.e. the first time the
 *   clock shows it: 02:30 in Sydney on 5 Apr 2026 is 02:30 AEDT (+11:00, 15:30Z), not 02:30 AEST.
 *
 * Local date arithmetic (adding days, weekdays) is done on a proleptic Gregorian calendar via Date.UTC,
 * which has no zone and no DST, so it cannot drift.
 */

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
}

export type Disambiguation = "exact" | "gap_shifted_forward" | "ambiguous_first_instant";

export interface ResolvedLocalTime {
  epochMs: number;
  disambiguation: Disambiguation;
  /** For a gap: how far the wall clock was pushed forward (60 in Sydney, 30 at Lord Howe). 0 otherwise. */
  shiftedMinutes: number;
}

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    // en-US + latn + h23 gives plain ASCII digits and hours 0..23 (never "24" at midnight).
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      numberingSystem: "latn",
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True for a zone name Intl knows, such as "Australia/Sydney" or "UTC". Offset-style names ("+10:00"),
 * which newer engines accept, are refused: a fixed offset cannot follow DST, which is the point of a zone.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.length === 0 || /^[+\-\u2212]/.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClockMs(timeZone: string, epochMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    if (!part) throw new Error(`Intl gave no ${type} for ${timeZone}`);
    return Number(part.value);
  };
  return Date.UTC(
    field("year"),
    field("month") - 1,
    field("day"),
    field("hour"),
    field("minute"),
    field("second"),
  );
}

/** UTC offset in minutes (east positive) of `timeZone` at the instant `epochMs`. */
export function offsetMinutesAt(timeZone: string, epochMs: number): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return (wallClockMs(timeZone, wholeSecond) - wholeSecond) / MINUTE_MS;
}

function localFromWallMs(wallMs: number): LocalDateTime {
  const d = new Date(wallMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

function wallMsOf(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
}

/** The wall-clock time (to the minute) shown in `timeZone` at `epochMs`. */
export function utcToLocal(timeZone: string, epochMs: number): LocalDateTime {
  return localFromWallMs(epochMs + offsetMinutesAt(timeZone, epochMs) * MINUTE_MS);
}

/**
 * The instant at which `timeZone` shows `local`, with the gap and overlap rules in the header comment.
 * The offsets a day either side of the wall time bracket any single transition (zones do not change
 * offset twice within two days), so the candidates are "wall minus the earlier offset" and "wall minus
 * the later offset"; a candidate is real when it maps back to the same wall time.
 */
export function localToUtc(timeZone: string, local: LocalDateTime): ResolvedLocalTime {
  const wall = wallMsOf(local);
  const offsetBefore = offsetMinutesAt(timeZone, wall - DAY_MS);
  const offsetAfter = offsetMinutesAt(timeZone, wall + DAY_MS);
  const candidates = new Set<number>();
  for (const offset of [offsetBefore, offsetAfter, offsetMinutesAt(timeZone, wall)]) {
    const instant = wall - offset * MINUTE_MS;
    if (wallMsOf(utcToLocal(timeZone, instant)) === wall) candidates.add(instant);
  }
  const found = [...candidates].sort((a, b) => a - b);
  const first = found[0];
  if (first === undefined) {
    // Gap: read the wall time with the offset in force before the jump, which lands the instant
    // `offsetAfter - offsetBefore` minutes later on the new wall clock.
    return {
      epochMs: wall - offsetBefore * MINUTE_MS,
      disambiguation: "gap_shifted_forward",
      shiftedMinutes: offsetAfter - offsetBefore,
    };
  }
  return {
    epochMs: first,
    disambiguation: found.length > 1 ? "ambiguous_first_instant" : "exact",
    shiftedMinutes: 0,
  };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00)?$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** "2026-10-04T02:00" (seconds ":00" tolerated) → fields, or null when malformed or not a real calendar time. */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}

/** "2027-12-31" → fields, or null. */
export function parseLocalDate(text: string): LocalDate | null {
  const m = LOCAL_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  return isCalendarDate(year, month, day) ? { year, month, day } : null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

export function formatLocalDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function formatLocalDateTime(local: LocalDateTime): string {
  return `${formatLocalDate(local)}T${pad(local.hour)}:${pad(local.minute)}`;
}

function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(Math.round(offsetMinutes));
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 3339 local time with the zone's offset at that instant: "2026-04-05T02:30:00+11:00". */
export function formatZoned(timeZone: string, epochMs: number): string {
  const offset = offsetMinutesAt(timeZone, epochMs);
  const local = localFromWallMs(epochMs + offset * MINUTE_MS);
  return `${formatLocalDateTime(local)}:00${formatOffset(offset)}`;
}

/** Days since 1970-01-01 for a local date; the basis of all calendar arithmetic here. */
export function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

export function dateFromDayNumber(days: number): LocalDate {
  const d = new Date(days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateFromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayIndex(date: LocalDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

export interface OffsetTransition {
  /** First instant at which the new offset applies. */
  atMs: number;
  offsetBefore: number;
  offsetAfter: number;
}

/**
 * UTC-offset changes of `timeZone` in [fromMs, toMs), found by sampling every 12 hours and bisecting to the
 * second. Used for validation warnings and tests; not on the hot path.
 */
export function findOffsetTransitions(timeZone: string, fromMs: number, toMs: number): OffsetTransition[] {
  const step = DAY_MS / 2;
  const result: OffsetTransition[] = [];
  let t = fromMs;
  let offset = offsetMinutesAt(timeZone, t);
  while (t < toMs) {
    const next = Math.min(t + step, toMs);
    const nextOffset = offsetMinutesAt(timeZone, next);
    if (nextOffset !== offset) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo || mid >= hi) break;
        if (offsetMinutesAt(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      result.push({ atMs: hi, offsetBefore: offset, offsetAfter: nextOffset });
    }
    t = next;
    offset = nextOffset;
  }
  return result;
}
