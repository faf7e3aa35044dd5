import type { ExtractTablesWithRelations } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { NeonTransaction } from "drizzle-orm/neon-serverless";
import type { DatabaseHandle, Schema } from "./client";

export type Tx = NeonTransaction<Schema, ExtractTablesWithRelations<Schema>>;

/** The nil UUID scopes platform-level rows (the admin's idempotency keys). */
export const PLATFORM_SCOPE = "00000000-0000-0000-0000-000000000000";

/**
 * Runs `work` in one transaction as the non-owner role `app_user`, with
 * `app.tenant_id` set for row-level security. Both settings are
 * transaction-local: they end at commit or rollback, so a pooled or
 * multiplexed connection never carries one tenant's context into the next.
 */
export function inTenantScope<T>(database: DatabaseHandle, tenantId: string, work: (tx: Tx) => Promise<T>) {
  return database.withConnection((db) =>
    db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true)`,
      );
      return work(tx);
    }),
  );
}

/** Cross-tenant work (tenant creation, cron, public receivers) as `app_system`. */
export function inSystemScope<T>(database: DatabaseHandle, work: (tx: Tx) => Promise<T>) {
  return database.withConnection((db) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'app_system', true)`);
      return work(tx);
    }),
  );
}
