/** Public API of the deployment-window domain (pure: no I/O, no clock; pass `now` in). */

export { buildCalendar, type Calendar, type CalendarInput } from "./calendar";
export {
  DEFAULT_BUSINESS_HOURS_MINUTES,
  DEFAULT_BUSINESS_HOURS_START,
  defaultBusinessHoursWindow,
  defaultWindowsForAgency,
} from "./default-windows";
export { occurrencesActiveAt, occurrencesEndingBetween, occurrencesStartingBetween } from "./due";
export {
  appliesToState,
  type HolidayOptions,
  holidayOccurrences,
  holidaysForState,
  isAuState,
  localDateAt,
  STATE_TIME_ZONES,
  uncoveredHolidayYears,
} from "./holidays";
export { AU_PUBLIC_HOLIDAYS, HOLIDAY_DATA_YEARS, type PublicHoliday } from "./holidays-au";
export { type NextOccurrenceOptions, nextOccurrence } from "./next";
export {
  compareOccurrences,
  expandOccurrences,
  expandWindow,
  InvalidWindowError,
  MAX_EXPANSION_DAYS,
  occurrenceKey,
  sortOccurrences,
} from "./occurrences";
export {
  allowedKindsFor,
  evaluateSlot,
  type OccurrenceRef,
  type OverrideRequest,
  type PolicyReason,
  type PolicyReasonCode,
  type PolicyRule,
  type SlotEvaluation,
  type SlotInput,
  type SuggestedSlot,
  type SuggestSlotsInput,
  suggestNextSlots,
} from "./policy";
export {
  type HolidayCalendar,
  type HolidaySettings,
  type ReleaseTarget,
  resolveHolidayCalendar,
  resolveWindowTimeZone,
  type ScopedWindow,
  selectWindowsForRelease,
  type WindowScopeLevel,
} from "./scope";
export {
  checkSlotBounds,
  MAX_BOOKING_AHEAD_DAYS,
  MAX_SLOT_MINUTES,
  type SlotBoundsProblem,
} from "./slot-bounds";
export * from "./types";
export {
  MAX_DURATION_MINUTES,
  MAX_WINDOW_YEAR,
  MIN_WINDOW_YEAR,
  type ValidateWindowOptions,
  validateWindow,
  type WindowProblem,
  type WindowProblemCode,
  type WindowValidation,
} from "./validation";
export {
  formatZoned,
  isValidTimeZone,
  type LocalDateTime,
  localToUtc,
  offsetMinutesAt,
  parseLocalDate,
  parseLocalDateTime,
  type ResolvedLocalTime,
  utcToLocal,
} from "./zoned-time";
