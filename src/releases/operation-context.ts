import { and, eq, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { StatementQueue } from "../db/pipeline/statement-queue";
import { releaseEvents, releases } from "../db/schema";
import type { Tx } from "../db/scope";
import { StatementCache } from "../db/statement-cache";
import type { Actor, LifecyclePolicy } from "../domain/lifecycle";
import type { ActorRef } from "../domain/lifecycle/events";
import type { Stage, Status } from "../domain/lifecycle/stages";
import { uuidv7 } from "../lib/ids";
import { ApiError } from "../lib/problem";
import { queueReleaseEventsStatement, summaryOf } from "../webhooks/outbox";
import type { ReleaseState } from "./release-state";

export interface OperationContext {
  tx: Tx;
  /** The transaction's pipeline: statements whose answer can wait travel ahead of the next query. */
  statements: StatementQueue;
  tenantId: string;
  actor: Actor;
  state: ReleaseState;
  now: Date;
  requestId: string;
  policy: LifecyclePolicy;
  /** Stakeholder messages this command queued; the caller kicks the outbox when there are any. */
  queuedMessages?: number;
  /**
   * How many deliveries to the agency's webhook endpoints each batch of release events queued,
   * answered once the statements sent ahead have travelled; the caller kicks them too. Shared by
   * contexts spread from this one (the policy's automatic rollback).
   */
  announcements: Promise<number>[];
}

export function actorRefOf(actor: Actor): ActorRef {
  return actor.kind === "member" ? { kind: "member", member_id: actor.member_id } : actor;
}

export function memberIdOf(actor: Actor): string | null {
  return actor.kind === "member" ? actor.member_id : null;
}

/**
 * Writes the release row with a compare-and-set on its version: even a writer that skipped the
 * Durable Object cannot apply a change based on a stale read. The update travels ahead with the
 * command's next query (at the latest, the read of the state it answers with): inside the object
 * the row is locked, so the version it sets is known here, and an update that matched no row
 * withholds every later answer with a 409. Postgres still runs what was sent after it, so the 409
 * must end the command: its savepoint (or transaction) is rolled back, never committed.
 */
export async function writeRelease(
  ctx: OperationContext,
  changes: Partial<typeof releases.$inferInsert>,
): Promise<number> {
  // drizzle leaves undefined out of a SET; so does the statement's shape.
  const columns = (Object.keys(changes) as (keyof typeof changes)[])
    .filter((column) => changes[column] !== undefined)
    .sort();
  const values: Record<string, unknown> = {
    tenantId: ctx.tenantId,
    releaseId: ctx.state.id,
    rowVersion: ctx.state.row_version,
    updatedAt: ctx.now,
  };
  for (const column of columns) values[`set.${column}`] = changes[column];
  const { text, values: params } = releaseUpdates.fill(
    columns.join(","),
    () => releaseUpdateSetting(ctx.tx, columns),
    values,
  );
  ctx.statements
    .sendAhead(text, params, ({ rowCount }) => {
      if (rowCount !== 1) {
        throw new ApiError(
          "conflict",
          "The release changed while this request was being applied; read it again and retry.",
        );
      }
    })
    // The statement sent with it rejects with the same error, and that is what the command sees.
    .catch(() => undefined);
  const rowVersion = ctx.state.row_version + 1;
  ctx.state = { ...ctx.state, row_version: rowVersion };
  return rowVersion;
}

/** The compare-and-set update of a release's `columns`, with a placeholder for every value. */
function releaseUpdateSetting(tx: Tx, columns: readonly (keyof typeof releases.$inferInsert)[]) {
  // drizzle binds a placeholder in a SET to its column, though its types only admit values.
  const set: Record<string, unknown> = Object.fromEntries(
    columns.map((column) => [column, sql.placeholder(`set.${column}`)]),
  );
  set.updatedAt = sql.placeholder("updatedAt");
  return tx
    .update(releases)
    .set({ ...set, rowVersion: sql`${releases.rowVersion} + 1` })
    .where(
      and(
        eq(releases.tenantId, sql.placeholder("tenantId")),
        eq(releases.id, sql.placeholder("releaseId")),
        eq(releases.rowVersion, sql.placeholder("rowVersion")),
      ),
    )
    .toSQL();
}

/** A release's updates by the columns they set: a few dozen shapes in all (see the operations). */
const releaseUpdates = new StatementCache(64);

export interface AuditEntry {
  type: string;
  data: unknown;
  before?: unknown;
  after?: unknown;
  attempt?: number;
}

/** Appends to the audit trail: who, when, what, and the before/after the change saw. */
export async function recordEvent(
  ctx: OperationContext,
  type: string,
  data: unknown,
  change: { before?: unknown; after?: unknown; attempt?: number } = {},
): Promise<void> {
  await recordEvents(ctx, [{ type, data, ...change }]);
}

/**
 * Appends several entries in one statement, sent ahead with the command's next query; their
 * sequence numbers follow the order given, so the trail replays in the order decided.
 */
export async function recordEvents(ctx: OperationContext, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  ctx.announcements.push(announceEvents(ctx, entries));
  const values: Record<string, unknown> = {};
  entries.forEach((entry, index) => {
    values[`${index}.id`] = uuidv7(ctx.now.getTime());
    values[`${index}.attempt`] = entry.attempt ?? ctx.state.attempt;
    values[`${index}.type`] = entry.type;
    values[`${index}.data`] = entry.data ?? {};
    values[`${index}.before`] = entry.before ?? null;
    values[`${index}.after`] = entry.after ?? null;
  });
  Object.assign(values, {
    tenantId: ctx.tenantId,
    releaseId: ctx.state.id,
    actor: actorRefOf(ctx.actor),
    requestId: ctx.requestId,
    createdAt: ctx.now,
  });
  const { text, values: params } = auditInserts.fill(
    String(entries.length),
    () => auditInsertOf(ctx.tx, entries.length),
    values,
  );
  // Its failure rejects the query sent with it, which is what the command sees.
  ctx.statements.sendAhead(text, params).catch(() => undefined);
}

/** The insert of `count` audit entries of one command, with a placeholder for every value. */
function auditInsertOf(tx: Tx, count: number) {
  const row = (index: number) => ({
    id: sql.placeholder(`${index}.id`),
    tenantId: sql.placeholder("tenantId"),
    releaseId: sql.placeholder("releaseId"),
    attempt: sql.placeholder(`${index}.attempt`),
    type: sql.placeholder(`${index}.type`),
    actor: sql.placeholder("actor"),
    data: sql.placeholder(`${index}.data`),
    before: sql.placeholder(`${index}.before`),
    after: sql.placeholder(`${index}.after`),
    requestId: sql.placeholder("requestId"),
    createdAt: sql.placeholder("createdAt"),
  });
  return tx
    .insert(releaseEvents)
    .values(Array.from({ length: count }, (_, index) => row(index)))
    .toSQL();
}

/** Audit inserts by how many entries one command records (a handful at most). */
const auditInserts = new StatementCache(16);

const dialect = new PgDialect();

/**
 * The same entries as release events for the agency's webhook endpoints (Slack, Teams, its own
 * tools), queued in this transaction: what is audited is announced, exactly when it commits. The
 * release is described as the entries leave it. The statement travels ahead of the audit insert,
 * in its message; resolves to how many deliveries it queued.
 */
function announceEvents(ctx: OperationContext, entries: readonly AuditEntry[]): Promise<number> {
  const last = entries.at(-1)?.after as { stage?: Stage; status?: Status; attempt?: number } | undefined;
  const release = summaryOf({
    ...ctx.state,
    stage: last?.stage ?? ctx.state.stage,
    status: last?.status ?? ctx.state.status,
    attempt: last?.attempt ?? ctx.state.attempt,
  });
  const statement = queueReleaseEventsStatement(ctx.tenantId, release, entries, ctx.now);
  if (!statement) return Promise.resolve(0);
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const count = ctx.statements.sendAhead(text, params).then(({ rows }) => rows.length);
  // Its failure also fails the statements sent after it, which is what the command sees first and
  // throws; nobody then awaits this, and an unheard rejection must not escape.
  count.catch(() => undefined);
  return count;
}
