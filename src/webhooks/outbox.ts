import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/scope";
import {
  type AuditEntryFacts,
  type EventPayload,
  eventPayload,
  outboundEventsOf,
  type ReleaseSummary,
} from "../domain/webhooks";

/** A release as its events describe it; the delivery adds its `url` (PUBLIC_BASE_URL at send time). */
export type StoredReleaseSummary = Omit<ReleaseSummary, "url">;

export interface ReleaseForEvents {
  id: string;
  version: string;
  title: string;
  stage: string;
  status: string;
  attempt: number;
  risk: string;
  project_id: string;
  project_name: string;
  client_id: string;
  client_name: string;
}

export function summaryOf(release: ReleaseForEvents): StoredReleaseSummary {
  return {
    id: release.id,
    version: release.version,
    title: release.title,
    stage: release.stage,
    status: release.status,
    attempt: release.attempt,
    risk: release.risk,
    project: { id: release.project_id, name: release.project_name },
    client: { id: release.client_id, name: release.client_name },
  };
}

/**
 * Writes one delivery per subscribed, enabled endpoint for each event the audit entries announce,
 * in the caller's transaction and in one statement (no read first: an agency without endpoints
 * pays a statement that inserts nothing). Returns how many deliveries were queued.
 */
/**
 * The statement that queues the release events `entries` announce, one delivery per subscribed
 * endpoint, or undefined when they announce none. Returns the new deliveries' ids.
 */
export function queueReleaseEventsStatement(
  tenantId: string,
  release: StoredReleaseSummary,
  entries: readonly AuditEntryFacts[],
  now: Date,
): SQL | undefined {
  const events = outboundEventsOf(entries).map((event) =>
    eventPayload(event.type, now, release as ReleaseSummary, event.detail),
  );
  return queueEventsStatement(tenantId, events, now);
}

export async function queueReleaseEvents(
  tx: Tx,
  tenantId: string,
  release: StoredReleaseSummary,
  entries: readonly AuditEntryFacts[],
  now: Date,
): Promise<number> {
  const statement = queueReleaseEventsStatement(tenantId, release, entries, now);
  return statement ? (await tx.execute(statement)).rows.length : 0;
}

export async function queueEvents(
  tx: Tx,
  tenantId: string,
  events: readonly EventPayload[],
  now: Date,
  onlyEndpointId?: string,
): Promise<string[]> {
  const statement = queueEventsStatement(tenantId, events, now, onlyEndpointId);
  if (!statement) return [];
  const result = await tx.execute(statement);
  return (result.rows as { id: string }[]).map((row) => row.id);
}

function queueEventsStatement(
  tenantId: string,
  events: readonly EventPayload[],
  now: Date,
  onlyEndpointId?: string,
): SQL | undefined {
  if (events.length === 0) return undefined;
  return sql`
    insert into endpoint_deliveries (id, tenant_id, endpoint_id, event_type, payload, next_attempt_at, created_at, updated_at)
    select app_uuid_v7(), e.tenant_id, e.id, ev.payload->>'type', ev.payload, ${now}, ${now}, ${now}
    from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as ev(payload, position)
    join webhook_endpoints e on e.tenant_id = ${tenantId}
      and ${onlyEndpointId ? sql`e.id = ${onlyEndpointId}` : sql`e.enabled and (ev.payload->>'type') = any(e.events)`}
    order by ev.position, e.id
    returning id`;
}
