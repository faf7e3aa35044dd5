import type { EventDetail, OutboundEventType } from "./events";

/** The release an event is about, as every payload names it: ids, names of things, never of people. */
export interface ReleaseSummary {
  id: string;
  version: string;
  title: string;
  stage: string;
  status: string;
  attempt: number;
  risk: string;
  project: { id: string; name: string };
  client: { id: string; name: string };
  /** The release in the API (`GET /v1/releases/{id}`), on PUBLIC_BASE_URL. */
  url: string;
}

/** A Standard Webhooks payload: `type`, `timestamp` (when the event happened) and `data`. */
export interface EventPayload {
  type: OutboundEventType;
  timestamp: string;
  /** The release (absent on `webhook.test`) and the event's own facts (EventDetail). */
  data: { release?: ReleaseSummary; [fact: string]: ReleaseSummary | EventDetail[string] | undefined };
}

export function eventPayload(
  type: OutboundEventType,
  at: Date,
  release: ReleaseSummary | null,
  detail: EventDetail,
): EventPayload {
  return { type, timestamp: at.toISOString(), data: { ...(release ? { release } : {}), ...detail } };
}
