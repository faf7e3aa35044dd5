import { sql } from "drizzle-orm";
import type { Tx } from "../db/scope";

export interface RetentionReport {
  messages_deleted: number;
  webhook_deliveries_deleted: number;
}

/** Rows per statement per tick; a backlog is worked off over the next ticks. */
const BATCH = 5_000;

/**
 * APP 11.2: settled messages (their addresses and bodies with them) and webhook
 * delivery records older than the agency's retention_days are deleted. Set-based:
 * the shortest retention of any agency bounds a range scan on the created_at /
 * received_at indexes, and the join to tenants applies each agency's own period.
 * Messages still waiting to be sent are kept: deleting them would drop a
 * notification silently.
 */
export async function applyRetention(tx: Tx, now: Date): Promise<RetentionReport> {
  const messages = await tx.execute(sql`
    delete from outbox_messages o
    where o.id in (
      select o2.id from outbox_messages o2
      join tenants t on t.id = o2.tenant_id
      where o2.created_at < ${now}::timestamptz - make_interval(days => (select coalesce(min(retention_days), 0) from tenants))
        and o2.created_at < ${now}::timestamptz - make_interval(days => t.retention_days)
        and o2.status in ('sent', 'skipped')
      limit ${BATCH})`);
  const deliveries = await tx.execute(sql`
    delete from webhook_deliveries w
    where w.id in (
      select w2.id from webhook_deliveries w2
      join tenants t on t.id = w2.tenant_id
      where w2.received_at < ${now}::timestamptz - make_interval(days => (select coalesce(min(retention_days), 0) from tenants))
        and w2.received_at < ${now}::timestamptz - make_interval(days => t.retention_days)
      limit ${BATCH})`);
  return {
    messages_deleted: messages.rowCount ?? 0,
    webhook_deliveries_deleted: deliveries.rowCount ?? 0,
  };
}
