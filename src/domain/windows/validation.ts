/**
 * Semantic checks of a window definition. The route layer's zod schema checks shape (types, enums); this
 * checks meaning: a real zone, a real local time, a sensible duration, a coherent recurrence. Errors make
 * the definition unusable; warnings are worth telling the user (e.g. a start inside a DST gap) but are
 * accepted. Paths match the JSON body so they map onto problem+json `errors[]`.
 */

import { minimumGapDays } from "./recurrence";
import type { Weekday, WindowDefinition } from "./types";
import { WEEKDAY_CODES, WINDOW_KINDS } from "./types";
import {
  DAY_MS,
  dayNumber,
  findOffsetTransitions,
  formatLocalDateTime,
  formatZoned,
  isValidTimeZone,
  type LocalDate,
  type LocalDateTime,
  localToUtc,
  parseLocalDate,
  parseLocalDateTime,
  utcToLocal,
} from "./zoned-time";

export const MAX_DURATION_MINUTES = 7 * 24 * 60;
/** Windows outside these years are almost certainly typos, and zone data that far out is guesswork. */
export const MIN_WINDOW_YEAR = 2000;
export const MAX_WINDOW_YEAR = 2100;

export type WindowProblemCode =
  | "invalid_kind"
  | "blank_name"
  | "missing_timezone"
  | "invalid_timezone"
  | "invalid_start"
  | "start_out_of_range"
  | "invalid_duration"
  | "duration_not_positive"
  | "duration_too_long"
  | "duration_exceeds_recurrence_gap"
  | "invalid_freq"
  | "by_day_with_daily"
  | "empty_by_day"
  | "invalid_by_day"
  | "duplicate_by_day"
  | "invalid_until"
  | "until_before_start"
  // warnings
  | "start_in_dst_gap"
  | "start_ambiguous"
  | "start_time_meets_dst_change"
  | "start_weekday_not_in_by_day";

export interface WindowProblem {
  path: (string | number)[];
  code: WindowProblemCode;
  message: string;
}

export interface WindowValidation {
  ok: boolean;
  errors: WindowProblem[];
  warnings: WindowProblem[];
  /** The zone the checks used (the window's own, or the default passed in). */
  timezone: string | null;
}

export interface ValidateWindowOptions {
  /** Zone to use when the definition has none (the project's, client's or agency's). */
  defaultTimeZone?: string | null;
  /**
   * Whether to look for DST warnings (default true). Scanning a year of offsets costs a few hundred Intl
   * calls, so expansion, which only needs the errors, turns it off.
   */
  dstWarnings?: boolean;
}

export function validateWindow(def: WindowDefinition, options: ValidateWindowOptions = {}): WindowValidation {
  const errors: WindowProblem[] = [];
  const warnings: WindowProblem[] = [];
  const error = (path: WindowProblem["path"], code: WindowProblemCode, message: string) =>
    errors.push({ path, code, message });
  const warn = (path: WindowProblem["path"], code: WindowProblemCode, message: string) =>
    warnings.push({ path, code, message });

  if (!(WINDOW_KINDS as readonly string[]).includes(def.kind)) {
    error(["kind"], "invalid_kind", `kind must be one of ${WINDOW_KINDS.join(", ")}.`);
  }
  if (typeof def.name !== "string" || def.name.trim().length === 0) {
    error(["name"], "blank_name", "name must not be blank.");
  }

  const timezone = def.timezone ?? options.defaultTimeZone ?? null;
  let zoneOk = false;
  if (timezone === null || timezone === "") {
    error(["timezone"], "missing_timezone", "timezone is required (an IANA zone such as Australia/Sydney).");
  } else if (!isValidTimeZone(timezone)) {
    error(
      ["timezone"],
      "invalid_timezone",
      `"${timezone}" is not an IANA time zone this platform knows; use a name such as Australia/Perth, not an offset.`,
    );
  } else {
    zoneOk = true;
  }

  const start = typeof def.start === "string" ? parseLocalDateTime(def.start) : null;
  if (!start) {
    error(
      ["start"],
      "invalid_start",
      'start must be a real local date and time without offset, "YYYY-MM-DDTHH:MM" (e.g. "2026-10-04T02:00").',
    );
  } else if (start.year < MIN_WINDOW_YEAR || start.year > MAX_WINDOW_YEAR) {
    error(
      ["start"],
      "start_out_of_range",
      `start must be between ${MIN_WINDOW_YEAR} and ${MAX_WINDOW_YEAR}.`,
    );
  }

  const duration = def.duration_minutes;
  if (typeof duration !== "number" || !Number.isInteger(duration)) {
    error(["duration_minutes"], "invalid_duration", "duration_minutes must be a whole number of minutes.");
  } else if (duration <= 0) {
    error(["duration_minutes"], "duration_not_positive", "duration_minutes must be greater than 0.");
  } else if (duration > MAX_DURATION_MINUTES) {
    error(
      ["duration_minutes"],
      "duration_too_long",
      `duration_minutes must be at most ${MAX_DURATION_MINUTES} (7 days); split longer freezes into several windows.`,
    );
  }

  const recurrence = def.recurrence ?? null;
  let untilDate: LocalDate | null = null;
  let recurrenceOk = true;
  if (recurrence) {
    if (recurrence.freq !== "daily" && recurrence.freq !== "weekly") {
      recurrenceOk = false;
      error(["recurrence", "freq"], "invalid_freq", 'recurrence.freq must be "daily" or "weekly".');
    }
    const byDay = recurrence.by_day;
    if (byDay != null) {
      if (recurrence.freq === "daily") {
        recurrenceOk = false;
        error(
          ["recurrence", "by_day"],
          "by_day_with_daily",
          'by_day only applies to freq "weekly"; use weekly with by_day, or daily without it.',
        );
      } else if (byDay.length === 0) {
        recurrenceOk = false;
        error(["recurrence", "by_day"], "empty_by_day", "by_day must list at least one day, or be left out.");
      } else {
        const seen = new Set<string>();
        byDay.forEach((code, index) => {
          if (!(WEEKDAY_CODES as readonly string[]).includes(code)) {
            recurrenceOk = false;
            error(
              ["recurrence", "by_day", index],
              "invalid_by_day",
              `"${String(code)}" is not a weekday; use ${WEEKDAY_CODES.join(", ")}.`,
            );
          } else if (seen.has(code)) {
            recurrenceOk = false;
            error(["recurrence", "by_day", index], "duplicate_by_day", `${code} is listed twice.`);
          }
          seen.add(code);
        });
      }
    }
    if (recurrence.until != null) {
      untilDate = parseLocalDate(recurrence.until);
      if (!untilDate) {
        recurrenceOk = false;
        error(["recurrence", "until"], "invalid_until", 'until must be a local date "YYYY-MM-DD".');
      } else if (start && dayNumber(untilDate) < dayNumber(start)) {
        recurrenceOk = false;
        error(["recurrence", "until"], "until_before_start", "until must be on or after the start date.");
      }
    }
    if (
      start &&
      recurrenceOk &&
      typeof duration === "number" &&
      duration > 0 &&
      duration <= MAX_DURATION_MINUTES
    ) {
      const gapDays = minimumGapDays(recurrence, start);
      if (duration > gapDays * 24 * 60) {
        error(
          ["duration_minutes"],
          "duration_exceeds_recurrence_gap",
          `duration_minutes (${duration}) is longer than the ${gapDays * 24 * 60} minutes between consecutive occurrences, so occurrences would overlap.`,
        );
      }
    }
    if (start && recurrenceOk && recurrence.freq === "weekly" && byDay && byDay.length > 0) {
      const startWeekday = WEEKDAY_CODES[new Date(dayNumber(start) * DAY_MS).getUTCDay()] as Weekday;
      if (!byDay.includes(startWeekday)) {
        warn(
          ["start"],
          "start_weekday_not_in_by_day",
          `The start date is a ${startWeekday}, which by_day does not list; the first occurrence is the next listed day.`,
        );
      }
    }
  }

  if (options.dstWarnings !== false && zoneOk && timezone && start && errors.length === 0) {
    collectDstWarnings(timezone, start, recurrence !== null, warn);
  }

  return { ok: errors.length === 0, errors, warnings, timezone };
}

function collectDstWarnings(
  timezone: string,
  start: LocalDateTime,
  recurring: boolean,
  warn: (path: WindowProblem["path"], code: WindowProblemCode, message: string) => void,
): void {
  const resolved = localToUtc(timezone, start);
  if (resolved.disambiguation === "gap_shifted_forward") {
    warn(
      ["start"],
      "start_in_dst_gap",
      `${formatLocalDateTime(start)} does not exist in ${timezone} (clocks spring forward); it starts at ${formatZoned(timezone, resolved.epochMs)} instead.`,
    );
  } else if (resolved.disambiguation === "ambiguous_first_instant") {
    warn(
      ["start"],
      "start_ambiguous",
      `${formatLocalDateTime(start)} happens twice in ${timezone} (clocks fall back); the first one, ${formatZoned(timezone, resolved.epochMs)}, is used.`,
    );
  }
  if (!recurring) return;
  // Does this local time of day fall in a gap or overlap on any DST change day in the next year?
  const fromMs = resolved.epochMs;
  for (const transition of findOffsetTransitions(timezone, fromMs, fromMs + 366 * DAY_MS)) {
    const day = utcToLocal(timezone, transition.atMs);
    const candidate: LocalDateTime = { ...day, hour: start.hour, minute: start.minute };
    const onThatDay = localToUtc(timezone, candidate);
    if (onThatDay.disambiguation !== "exact") {
      const what =
        onThatDay.disambiguation === "gap_shifted_forward"
          ? `does not exist, so that occurrence starts at ${formatZoned(timezone, onThatDay.epochMs)}`
          : `happens twice, so that occurrence starts at the first one, ${formatZoned(timezone, onThatDay.epochMs)}`;
      warn(
        ["start"],
        "start_time_meets_dst_change",
        `On ${formatLocalDateTime(candidate).slice(0, 10)} (a DST change in ${timezone}) ${formatLocalDateTime(candidate).slice(11)} ${what}.`,
      );
      return;
    }
  }
}
