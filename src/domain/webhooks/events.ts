/**
 * Release events agencies subscribe to (Slack, Teams, their own tools), derived from the audit
 * entries a command records, so every state change that is audited is also announced, in the same
 * transaction. Pure: the outbox (src/webhooks) calls it with the entries and writes the rows.
 */

export const OUTBOUND_EVENT_TYPES = [
  "release.created",
  "release.stage_changed",
  "release.decision_recorded",
  "release.scheduled",
  "release.deployment_failed",
  "release.rolled_back",
  "release.rollback_failed",
  "release.closed",
  "window.opened",
  "approval.recorded",
  "webhook.test",
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** The events an endpoint can subscribe to (the test event is always sent by POST …/test). */
export const SUBSCRIBABLE_EVENT_TYPES = OUTBOUND_EVENT_TYPES.filter((type) => type !== "webhook.test");

export interface AuditEntryFacts {
  type: string;
  data: unknown;
}

/** What an event adds to the release it is about: ids, stages, statuses and decisions only. */
export type EventDetail = Record<string, string | number | boolean | null>;

export interface OutboundEvent {
  type: OutboundEventType;
  detail: EventDetail;
}

interface StateChange {
  from?: { stage?: string; status?: string };
  to?: { stage?: string; status?: string };
}

interface Decision {
  decided_by?: { kind?: string; member_id?: string; name?: string; contact_id?: string };
  capacity?: string;
  outcome?: string;
  trigger?: string;
}

/** An actor as an id and a kind: a member id, a contact id or the system's name; never a person's name. */
function actorId(actor: Decision["decided_by"]): EventDetail {
  if (!actor) return { decided_by_kind: null, decided_by: null };
  if (actor.kind === "member") return { decided_by_kind: "member", decided_by: actor.member_id ?? null };
  if (actor.kind === "contact") return { decided_by_kind: "contact", decided_by: actor.contact_id ?? null };
  return { decided_by_kind: "system", decided_by: actor.name ?? null };
}

const DECISION_KINDS: Readonly<Record<string, string>> = {
  go_no_go_decided: "go_no_go",
  release_halted: "halt",
  release_resumed: "resume",
  stability_decided: "stability",
};

export function outboundEventsOf(entries: readonly AuditEntryFacts[]): OutboundEvent[] {
  const out: OutboundEvent[] = [];
  for (const entry of entries) {
    const data = (entry.data ?? {}) as Record<string, unknown>;
    switch (entry.type) {
      case "release_created":
        out.push({ type: "release.created", detail: {} });
        break;
      case "release_state_changed": {
        const { from, to } = data as StateChange;
        if (from?.stage !== to?.stage) {
          out.push({
            type: "release.stage_changed",
            detail: { from_stage: from?.stage ?? null, to_stage: to?.stage ?? null },
          });
        }
        if (from?.status === "scheduled" && to?.stage === "deployment_execution") {
          out.push({ type: "window.opened", detail: {} });
        }
        break;
      }
      case "go_no_go_decided":
      case "release_halted":
      case "release_resumed":
      case "stability_decided": {
        const decision = data as Decision;
        out.push({
          type: "release.decision_recorded",
          detail: {
            decision: DECISION_KINDS[entry.type] ?? entry.type,
            outcome: decision.outcome ?? null,
            capacity: decision.capacity ?? null,
            ...actorId(decision.decided_by),
          },
        });
        break;
      }
      case "rollback_started": {
        const decision = data as Decision;
        // An unstable decision is announced as the stability decision it is; only a rollback decided as such is one more.
        if (decision.trigger === "rollback_decision") {
          out.push({
            type: "release.decision_recorded",
            detail: {
              decision: "rollback",
              outcome: "rollback",
              capacity: decision.capacity ?? null,
              ...actorId(decision.decided_by),
            },
          });
        }
        break;
      }
      case "release_scheduled":
        out.push({
          type: "release.scheduled",
          detail: {
            window_starts_at: (data.window_starts_at as string | null) ?? null,
            window_ends_at: (data.window_ends_at as string | null) ?? null,
          },
        });
        break;
      case "deployment_reported":
        if (data.report === "deployment_failed") out.push({ type: "release.deployment_failed", detail: {} });
        break;
      case "rollback_completed":
        out.push({
          type: "release.rolled_back",
          detail: { steps: (data.steps as number | undefined) ?? null },
        });
        break;
      case "rollback_failed":
        out.push({
          type: "release.rollback_failed",
          detail: { failed_step: (data.position as number | undefined) ?? null },
        });
        break;
      case "release_closed":
        out.push({ type: "release.closed", detail: {} });
        break;
      case "approval_recorded":
        out.push({
          type: "approval.recorded",
          detail: {
            approval_request_id: (data.approval_request_id as string | undefined) ?? null,
            contact_id: (data.contact_id as string | undefined) ?? null,
            kind: (data.kind as string | undefined) ?? null,
            decision: (data.decision as string | undefined) ?? null,
          },
        });
        break;
    }
  }
  return out;
}
