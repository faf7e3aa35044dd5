/**
 * The deployment-window policy, evaluated over occurrences (windows and holiday freezes already expanded
 * for the release's scope):
 *
 * - low-risk releases may deploy inside business hours or maintenance windows;
 * - high-risk releases only inside maintenance windows;
 * - nothing may deploy while any freeze (holiday freezes included) is in force;
 * - an owner may override a refusal with a reason; the refusal reasons are kept for the audit trail.
 *
 * "Inside" means the whole slot [startsAt, endsAt) is covered by the union of allowed occurrences, so a
 * slot may run from business hours straight into a maintenance window that starts when they end. It must
 * not touch a freeze at all (intervals are half-open, so a slot ending exactly when a freeze starts is fine).
 */

import type { Occurrence, Risk, WindowKind } from "./types";

export type PolicyRule =
  | "allowed_in_maintenance_window"
  | "allowed_in_business_hours"
  | "owner_override"
  | "invalid_slot"
  | "freeze"
  | "high_risk_requires_maintenance_window"
  | "low_risk_requires_business_hours_or_maintenance_window";

export type PolicyReasonCode = PolicyRule | "override_rejected";

export interface OccurrenceRef {
  window_id: string;
  occurrence_key: string;
  kind: WindowKind;
  name: string;
  source: Occurrence["source"];
  starts_at: string;
  ends_at: string;
}

export interface PolicyReason {
  code: PolicyReasonCode;
  message: string;
  occurrence: OccurrenceRef | null;
}

export interface OverrideRequest {
  /** The acting member's role; only "owner" may override. */
  role: string;
  reason: string;
}

export interface SlotInput {
  risk: Risk;
  startsAt: Date;
  endsAt: Date;
  occurrences: readonly Occurrence[];
  override?: OverrideRequest | null;
}

export interface SlotEvaluation {
  allowed: boolean;
  /** The rule that decided: why it is allowed, or the first rule it breaks. */
  rule: PolicyRule;
  /** Every rule broken (freezes first), plus override problems; for an allowed slot, what allowed it. */
  reasons: PolicyReason[];
  /** Allowed-kind occurrences that cover the slot (for an allowed slot) or overlap it. */
  matched: OccurrenceRef[];
  overridden: boolean;
}

export function allowedKindsFor(risk: Risk): readonly WindowKind[] {
  return risk === "high" ? ["maintenance"] : ["business_hours", "maintenance"];
}

function ref(o: Occurrence): OccurrenceRef {
  return {
    window_id: o.window_id,
    occurrence_key: o.occurrence_key,
    kind: o.kind,
    name: o.name,
    source: o.source,
    starts_at: o.starts_at,
    ends_at: o.ends_at,
  };
}

interface Interval {
  start: number;
  end: number;
}

/** Union of intervals; touching intervals merge. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

function span(o: Occurrence): Interval {
  return { start: Date.parse(o.starts_at), end: Date.parse(o.ends_at) };
}

function covered(slot: Interval, occurrences: readonly Occurrence[]): boolean {
  return mergeIntervals(occurrences.map(span)).some((i) => i.start <= slot.start && i.end >= slot.end);
}

const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

export function evaluateSlot(input: SlotInput): SlotEvaluation {
  const slot = { start: input.startsAt.getTime(), end: input.endsAt.getTime() };
  if (!Number.isFinite(slot.start) || !Number.isFinite(slot.end) || slot.end <= slot.start) {
    return {
      allowed: false,
      rule: "invalid_slot",
      reasons: [{ code: "invalid_slot", message: "The slot must end after it starts.", occurrence: null }],
      matched: [],
      overridden: false,
    };
  }

  const reasons: PolicyReason[] = [];
  for (const freeze of input.occurrences.filter((o) => o.kind === "freeze" && overlaps(slot, span(o)))) {
    const what = freeze.source === "holiday" ? "public holiday" : "freeze";
    reasons.push({
      code: "freeze",
      message: `The slot overlaps the ${what} "${freeze.name}" (${freeze.local_start} to ${freeze.local_end}); nothing may deploy during a freeze.`,
      occurrence: ref(freeze),
    });
  }

  const allowedKinds = allowedKindsFor(input.risk);
  const allowedOccurrences = input.occurrences.filter((o) => allowedKinds.includes(o.kind));
  const matched = allowedOccurrences.filter((o) => overlaps(slot, span(o)));
  const inMaintenance = covered(
    slot,
    matched.filter((o) => o.kind === "maintenance"),
  );
  const inAllowed = inMaintenance || covered(slot, matched);

  if (!inAllowed) {
    if (input.risk === "high") {
      const inBusinessHours = covered(
        slot,
        input.occurrences.filter((o) => o.kind === "business_hours"),
      );
      reasons.push({
        code: "high_risk_requires_maintenance_window",
        message: inBusinessHours
          ? "High-risk releases may deploy only inside a maintenance window; this slot is in business hours but not in a maintenance window."
          : "High-risk releases may deploy only inside a maintenance window, and this slot is not fully inside one.",
        occurrence: null,
      });
    } else {
      reasons.push({
        code: "low_risk_requires_business_hours_or_maintenance_window",
        message:
          "Low-risk releases may deploy only inside business hours or a maintenance window, and this slot is not fully inside them.",
        occurrence: null,
      });
    }
  }

  const firstViolation = reasons[0];
  if (!firstViolation) {
    return {
      allowed: true,
      rule: inMaintenance ? "allowed_in_maintenance_window" : "allowed_in_business_hours",
      reasons: matched.map((o) => ({
        code: o.kind === "maintenance" ? "allowed_in_maintenance_window" : "allowed_in_business_hours",
        message: `Inside ${o.kind === "maintenance" ? "maintenance window" : "business hours"} "${o.name}" (${o.local_start} to ${o.local_end}).`,
        occurrence: ref(o),
      })),
      matched: matched.map(ref),
      overridden: false,
    };
  }

  // Only rule codes have been pushed so far; override problems are added below.
  const firstRule = firstViolation.code as PolicyRule;
  const override = input.override;
  if (override) {
    if (override.role !== "owner") {
      reasons.push({
        code: "override_rejected",
        message: "Only an owner may override the window policy.",
        occurrence: null,
      });
    } else if (override.reason.trim().length === 0) {
      reasons.push({ code: "override_rejected", message: "An override needs a reason.", occurrence: null });
    } else {
      return { allowed: true, rule: "owner_override", reasons, matched: matched.map(ref), overridden: true };
    }
  }
  return { allowed: false, rule: firstRule, reasons, matched: matched.map(ref), overridden: false };
}

export interface SuggestSlotsInput {
  risk: Risk;
  /** Earliest start to suggest (usually now, or the requested start). */
  after: Date;
  durationMinutes: number;
  occurrences: readonly Occurrence[];
  /** How many to return (default 3). */
  limit?: number;
}

export interface SuggestedSlot {
  /** The earliest allowed start in this stretch; any start up to ends_at - duration is allowed too. */
  starts_at: string;
  /** End of the allowed stretch (where the window closes or a freeze begins). */
  ends_at: string;
  /** Allowed occurrences that make up the stretch. */
  occurrences: OccurrenceRef[];
}

/**
 * The next `limit` stretches of allowed time, each at least `durationMinutes` long, starting no earlier
 * than `after`: the union of allowed occurrences for the risk, minus every freeze. Only as far ahead as
 * the occurrences passed in reach, so expand a few weeks ahead before calling.
 */
export function suggestNextSlots(input: SuggestSlotsInput): SuggestedSlot[] {
  const limit = input.limit ?? 3;
  const minLength = input.durationMinutes * 60_000;
  const after = input.after.getTime();
  if (limit <= 0 || !(minLength > 0) || !Number.isFinite(after)) return [];
  const allowedKinds = allowedKindsFor(input.risk);
  const allowed = input.occurrences.filter((o) => allowedKinds.includes(o.kind));
  const freezes = mergeIntervals(input.occurrences.filter((o) => o.kind === "freeze").map(span));

  const free: Interval[] = [];
  for (const stretch of mergeIntervals(allowed.map(span))) {
    let cursor = Math.max(stretch.start, after);
    for (const freeze of freezes) {
      if (freeze.end <= cursor || freeze.start >= stretch.end) continue;
      if (freeze.start > cursor) free.push({ start: cursor, end: freeze.start });
      cursor = Math.max(cursor, freeze.end);
    }
    if (cursor < stretch.end) free.push({ start: cursor, end: stretch.end });
  }

  return free
    .filter((i) => i.end - i.start >= minLength)
    .slice(0, limit)
    .map((i) => ({
      starts_at: new Date(i.start).toISOString(),
      ends_at: new Date(i.end).toISOString(),
      occurrences: allowed.filter((o) => overlaps(i, span(o))).map(ref),
    }));
}
