import { buildCalendar } from "../domain/windows/calendar";
import { defaultBusinessHoursWindow } from "../domain/windows/default-windows";
import { isAuState } from "../domain/windows/holidays";
import {
  evaluateSlot,
  type SlotEvaluation,
  type SuggestedSlot,
  suggestNextSlots,
} from "../domain/windows/policy";
import type { ExpandableWindow } from "../domain/windows/types";

const DAY_MS = 86_400_000;

export interface WindowPolicyInput {
  risk: "low" | "high";
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  state: string;
  override?: { role: string; reason: string } | null;
}

export interface WindowPolicyVerdict {
  evaluation: SlotEvaluation;
  suggestions: SuggestedSlot[];
}

/**
 * Checks a release's deployment slot against the agency's windows and its
 * state's public holidays. Agencies start with business hours Monday–Friday
 * 09:00–17:00 in their zone; until stored windows (maintenance windows,
 * freezes) can be managed over the API, that default and the holidays are
 * the calendar, so high-risk releases need an owner's override with a reason.
 */
export function evaluateReleaseWindow(input: WindowPolicyInput): WindowPolicyVerdict {
  const windows: ExpandableWindow[] = [
    {
      id: "default-business-hours",
      ...defaultBusinessHoursWindow(input.timezone, new Date(input.startsAt.getTime() - 7 * DAY_MS)),
      timezone: input.timezone,
    },
  ];
  const from = new Date(input.startsAt.getTime() - DAY_MS);
  const to = new Date(Math.max(input.endsAt.getTime(), input.startsAt.getTime()) + 28 * DAY_MS);
  const calendar = buildCalendar({
    windows,
    holidays: isAuState(input.state) ? { state: input.state, timezone: input.timezone } : null,
    fromUtc: from,
    toUtc: to,
  });
  const evaluation = evaluateSlot({
    risk: input.risk,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    occurrences: calendar.occurrences,
    override: input.override ?? null,
  });
  const suggestions = evaluation.allowed
    ? []
    : suggestNextSlots({
        risk: input.risk,
        after: input.startsAt,
        durationMinutes: Math.max(
          1,
          Math.round((input.endsAt.getTime() - input.startsAt.getTime()) / 60_000),
        ),
        occurrences: calendar.occurrences,
        limit: 3,
      });
  return { evaluation, suggestions };
}
