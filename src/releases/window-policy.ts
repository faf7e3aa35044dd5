import type { Tx } from "../db/scope";
import {
  buildCalendar,
  evaluateSlot,
  type SlotEvaluation,
  type SuggestedSlot,
  suggestNextSlots,
} from "../domain/windows";
import { type CalendarContext, loadCalendarContext } from "../windows/stored-windows";

const DAY_MS = 86_400_000;
/** How far ahead refusals look for allowed slots to suggest. */
const SUGGESTION_DAYS = 28;

export interface WindowPolicyInput {
  risk: "low" | "high";
  startsAt: Date;
  endsAt: Date;
  override?: { role: string; reason: string } | null;
}

export interface WindowPolicyVerdict {
  evaluation: SlotEvaluation;
  suggestions: SuggestedSlot[];
}

/**
 * Checks a slot against the windows that apply to a release's project (agency-, client- and
 * project-scoped, each in its own zone; see selectWindowsForRelease) and the public holidays of the
 * client's or agency's state unless switched off. Pure over the loaded context.
 */
export function evaluateSlotInContext(
  context: CalendarContext,
  input: WindowPolicyInput,
): WindowPolicyVerdict {
  const from = new Date(input.startsAt.getTime() - DAY_MS);
  const to = new Date(Math.max(input.endsAt.getTime(), input.startsAt.getTime()) + SUGGESTION_DAYS * DAY_MS);
  const calendar = buildCalendar({
    windows: context.windows,
    holidays: context.holidays,
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

/** Loads the release project's calendar context (two or three queries) and evaluates the slot. */
export async function evaluateReleaseWindow(
  tx: Tx,
  tenantId: string,
  projectId: string,
  input: WindowPolicyInput,
): Promise<WindowPolicyVerdict & { context: CalendarContext }> {
  const context = await loadCalendarContext(tx, tenantId, { projectId });
  return { ...evaluateSlotInContext(context, input), context };
}

/**
 * The earliest slot of `durationMinutes` the policy allows from `after`, looking as far ahead as
 * refusals do (four weeks): what `PUT …/window {"next_allowed": true}` books. Null when there is
 * none, e.g. a high-risk release in an agency without a maintenance window.
 */
export async function findNextAllowedSlot(
  tx: Tx,
  tenantId: string,
  projectId: string,
  input: { risk: "low" | "high"; after: Date; durationMinutes: number },
): Promise<SuggestedSlot | null> {
  const context = await loadCalendarContext(tx, tenantId, { projectId });
  const calendar = buildCalendar({
    windows: context.windows,
    holidays: context.holidays,
    fromUtc: new Date(input.after.getTime() - DAY_MS),
    toUtc: new Date(input.after.getTime() + SUGGESTION_DAYS * DAY_MS),
  });
  const [slot] = suggestNextSlots({
    risk: input.risk,
    after: input.after,
    durationMinutes: input.durationMinutes,
    occurrences: calendar.occurrences,
    limit: 1,
  });
  return slot ?? null;
}
