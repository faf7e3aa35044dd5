import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { NeonTransaction } from "drizzle-orm/neon-serverless";
import type { DatabaseHandle, Schema } from "./client";
import type { PipeliningClient } from "./pipeline/pipelining-client";

export type Tx = NeonTransaction<Schema, ExtractTablesWithRelations<Schema>>;

/** The nil UUID scopes platform-level rows (the admin's idempotency keys). */
export const PLATFORM_SCOPE = "00000000-0000-0000-0000-000000000000";

export interface ScopeOptions {
  /**
   * A transaction that only reads: `BEGIN READ ONLY` (Postgres refuses any write in it), ended by
   * closing the connection instead of a COMMIT round trip.
   */
  readOnly?: boolean;
}

const TENANT_SETTINGS = "select set_config('role', 'app_user', true), set_config('app.tenant_id', $1, true)";
const SYSTEM_SETTINGS = "select set_config('role', 'app_system', true)";

/**
 * Runs `work` in one transaction as the non-owner role `app_user`, with
 * `app.tenant_id` set for row-level security. Both settings are
 * transaction-local: they end at commit or rollback, so a pooled or
 * multiplexed connection never carries one tenant's context into the next.
 * BEGIN and the settings travel with the transaction's first query, in one message.
 */
export function inTenantScope<T>(
  database: DatabaseHandle,
  tenantId: string,
  work: (tx: Tx, pipeline: PipeliningClient) => Promise<T>,
  options: ScopeOptions = {},
) {
  return inScope(database, TENANT_SETTINGS, [tenantId], work, options);
}

/** Cross-tenant work (tenant creation, cron, public receivers) as `app_system`. */
export function inSystemScope<T>(
  database: DatabaseHandle,
  work: (tx: Tx, pipeline: PipeliningClient) => Promise<T>,
  options: ScopeOptions = {},
) {
  return inScope(database, SYSTEM_SETTINGS, [], work, options);
}

function inScope<T>(
  database: DatabaseHandle,
  settings: string,
  values: readonly unknown[],
  work: (tx: Tx, pipeline: PipeliningClient) => Promise<T>,
  { readOnly = false }: ScopeOptions,
) {
  return database.withConnection((db, pipeline) => {
    pipeline.deferNext();
    return db.transaction(
      async (tx) => {
        // Nobody reads the settings' answer; if they fail, Postgres skips what was sent with them
        // and the caller's own query rejects with the cause.
        pipeline.sendAhead(settings, values).catch(() => undefined);
        if (!readOnly) return work(tx, pipeline);
        try {
          return await work(tx, pipeline);
        } finally {
          pipeline.endByClosing();
        }
      },
      readOnly ? { accessMode: "read only" } : undefined,
    );
  });
}
