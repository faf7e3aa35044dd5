import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { NeonTransaction } from "drizzle-orm/neon-serverless";
import type { DatabaseHandle } from "./client";
import type { StatementQueue } from "./pipeline/statement-queue";

export type Tx = NeonTransaction<Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

/** The nil UUID scopes platform-level rows (the admin's idempotency keys). */
export const PLATFORM_SCOPE = "00000000-0000-0000-0000-000000000000";

export interface ScopeOptions {
  /**
   * Work that only reads: no BEGIN and no COMMIT. Each query travels in one message behind the
   * scope's settings and `transaction_read_only` (Postgres refuses any write), and that message up
   * to its Sync is one implicit transaction — so the settings end with it, one round trip a query.
   * Under READ COMMITTED every statement takes its own snapshot anyway, so queries in separate
   * messages see nothing a shared transaction would have hidden. With `DB_TRANSPORT=http` each
   * query is instead one Neon HTTP `transaction` request (READ ONLY) opened by the same settings.
   */
  readOnly?: boolean;
  /**
   * Every query is its own transaction, sent in one message behind the scope's settings and
   * committed at its Sync: one round trip for work whose every statement stands alone (a webhook's
   * claim). Writes are allowed; nothing spans two queries. A statement sent ahead commits with the
   * message it travels in before any check on it is judged, so send no credential check ahead here.
   * With `DB_TRANSPORT=http` each query is instead one Neon HTTP `transaction` request (read-write)
   * opened by the same settings: no connection to open for a one-statement write.
   */
  autocommit?: boolean;
}

const TENANT_SETTINGS = "select set_config('role', 'app_user', true), set_config('app.tenant_id', $1, true)";
const SYSTEM_SETTINGS = "select set_config('role', 'app_system', true)";
/** Appended to the settings' select for a read: one statement sets the role, the tenant and read-only. */
const AND_READ_ONLY = ", set_config('transaction_read_only', 'on', true)";

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
  work: (tx: Tx, pipeline: StatementQueue) => Promise<T>,
  options: ScopeOptions = {},
) {
  return inScope(database, TENANT_SETTINGS, [tenantId], work, options);
}

/** Cross-tenant work (tenant creation, cron, public receivers) as `app_system`. */
export function inSystemScope<T>(
  database: DatabaseHandle,
  work: (tx: Tx, pipeline: StatementQueue) => Promise<T>,
  options: ScopeOptions = {},
) {
  return inScope(database, SYSTEM_SETTINGS, [], work, options);
}

function inScope<T>(
  database: DatabaseHandle,
  settings: string,
  values: readonly unknown[],
  work: (tx: Tx, pipeline: StatementQueue) => Promise<T>,
  { readOnly = false, autocommit = false }: ScopeOptions,
) {
  if (readOnly || autocommit) {
    // Neither commits, rolls back nor opens a savepoint, so the database serves as their `tx`. Over
    // DB_TRANSPORT=http the prefix opens each query's HTTP transaction instead of its message.
    const prefix = [{ text: readOnly ? settings + AND_READ_ONLY : settings, values }];
    return database.withQueriesInOwnTransactions(prefix, { readOnly }, (db, queue) =>
      work(db as unknown as Tx, queue),
    );
  }
  return database.withConnection((db, pipeline) => {
    pipeline.deferNext();
    return db.transaction(async (tx) => {
      // Nobody reads the settings' answer; if they fail, Postgres skips what was sent with them
      // and the caller's own query rejects with the cause.
      pipeline.sendAhead(settings, values).catch(() => undefined);
      return work(tx, pipeline);
    });
  });
}
