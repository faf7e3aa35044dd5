import { and, asc, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import type { StatementQueue } from "../pipeline/statement-queue";
import {
  type IntegrationRow,
  integrationProjects,
  integrations,
  projects,
  webhookDeliveries,
} from "../schema";
import type { Tx } from "../scope";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryOutcome =
  | "received"
  | "applied"
  | "duplicate"
  | "ignored"
  | "rejected"
  | "malformed"
  | "unmatched"
  | "failed";

export interface IntegrationWithProjects extends IntegrationRow {
  projectIds: string[];
}

async function projectIdsOf(tx: Tx, tenantId: string, ids: string[]): Promise<Map<string, string[]>> {
  const byIntegration = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byIntegration;
  const rows = await tx
    .select({ integrationId: integrationProjects.integrationId, projectId: integrationProjects.projectId })
    .from(integrationProjects)
    .where(and(eq(integrationProjects.tenantId, tenantId), inArray(integrationProjects.integrationId, ids)))
    .orderBy(asc(integrationProjects.projectId));
  for (const row of rows) byIntegration.get(row.integrationId)?.push(row.projectId);
  return byIntegration;
}

async function withProjects(tx: Tx, tenantId: string, rows: IntegrationRow[]) {
  const linked = await projectIdsOf(
    tx,
    tenantId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ ...row, projectIds: linked.get(row.id) ?? [] }));
}

/** The named projects of the agency with their repository, to check an integration's project_ids. */
export async function projectsForLinking(tx: Tx, tenantId: string, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  return tx
    .select({ id: projects.id, repository: projects.repository })
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), inArray(projects.id, projectIds)));
}

export async function insertIntegration(
  tx: Tx,
  values: typeof integrations.$inferInsert & { tenantId: string; id: string },
  projectIds: string[],
): Promise<IntegrationWithProjects> {
  const [row] = await tx.insert(integrations).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  await setIntegrationProjects(tx, values.tenantId, values.id, projectIds);
  return { ...row, projectIds: [...projectIds].sort() };
}

export async function setIntegrationProjects(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  projectIds: string[],
): Promise<void> {
  await tx
    .delete(integrationProjects)
    .where(
      and(eq(integrationProjects.tenantId, tenantId), eq(integrationProjects.integrationId, integrationId)),
    );
  if (projectIds.length === 0) return;
  await tx
    .insert(integrationProjects)
    .values(projectIds.map((projectId) => ({ tenantId, integrationId, projectId })));
}

export async function listIntegrations(tx: Tx, tenantId: string, after: string | undefined, limit: number) {
  const rows = await tx
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), after ? gt(integrations.id, after) : undefined))
    .orderBy(asc(integrations.id))
    .limit(limit + 1);
  return withProjects(tx, tenantId, rows);
}

export async function findIntegration(
  tx: Tx,
  tenantId: string,
  id: string,
  forUpdate = false,
): Promise<IntegrationWithProjects | undefined> {
  const query = tx
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)));
  const [row] = forUpdate ? await query.for("update") : await query;
  if (!row) return undefined;
  const [found] = await withProjects(tx, tenantId, [row]);
  return found;
}

export async function updateIntegration(
  tx: Tx,
  tenantId: string,
  id: string,
  changes: Partial<typeof integrations.$inferInsert>,
): Promise<IntegrationRow | undefined> {
  const [row] = await tx
    .update(integrations)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)))
    .returning();
  return row;
}

export async function deleteIntegration(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const rows = await tx
    .delete(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)))
    .returning({ id: integrations.id });
  return rows.length > 0;
}

/**
 * The receiver's lookup, across agencies (system scope): the integration named in the URL is the
 * only source of the secret, never anything in the payload.
 */
export async function findIntegrationForReceiver(tx: Tx, id: string) {
  const [row] = await tx
    .select({
      id: integrations.id,
      tenantId: integrations.tenantId,
      provider: integrations.provider,
      stageMap: integrations.stageMap,
      secretCiphertext: integrations.secretCiphertext,
      previousSecretCiphertext: integrations.previousSecretCiphertext,
      previousSecretExpiresAt: integrations.previousSecretExpiresAt,
      disabledAt: integrations.disabledAt,
    })
    .from(integrations)
    .where(eq(integrations.id, id));
  return row;
}

/**
 * Claims a delivery id under the unique (integration_id, delivery_id) constraint. Returns the new
 * row, or undefined when the id was already claimed (a redelivery).
 */
export async function claimDelivery(
  tx: Tx,
  values: typeof webhookDeliveries.$inferInsert,
): Promise<DeliveryRow | undefined> {
  const [row] = await tx.insert(webhookDeliveries).values(values).onConflictDoNothing().returning();
  return row;
}

/** What a receiver verified and normalised a delivery with: a claim holds only while it is still so. */
export interface ReceiverSnapshot {
  integrationId: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  stageMap: Record<string, string>;
}

export interface DeliveryClaim {
  id: string;
  tenantId: string;
  deliveryId: string;
  payloadSha256: string | null;
  eventType: string;
  outcome: "received" | "ignored";
  reason: string | null;
  receivedAt: Date;
  pendingJob: unknown;
}

/**
 * Claims a delivery in one statement, as `claimDelivery` does, but only while the integration is
 * enabled with the secrets and stage map in `snapshot` (a receiver's cached copy). Undefined when
 * the id or body was claimed before, or the integration changed since the copy was taken: the
 * caller then takes the full path, which reads the integration afresh.
 */
export async function claimDeliveryIfCurrent(
  tx: Tx,
  claim: DeliveryClaim,
  snapshot: ReceiverSnapshot,
): Promise<string | undefined> {
  const processedAt = claim.outcome === "ignored" ? claim.receivedAt : null;
  const pending = claim.pendingJob === null ? null : JSON.stringify(claim.pendingJob);
  const result = await tx.execute<{ id: string }>(sql`
    insert into ${webhookDeliveries} (id, tenant_id, integration_id, delivery_id, payload_sha256,
      event_type, outcome, reason, received_at, processed_at, pending_job, queued_at)
    select ${claim.id}::uuid, ${claim.tenantId}::uuid, i.id, ${claim.deliveryId}::text,
      ${claim.payloadSha256}::text, ${claim.eventType}::text, ${claim.outcome}::text, ${claim.reason}::text,
      ${claim.receivedAt}::timestamptz, ${processedAt}::timestamptz, ${pending}::jsonb,
      case when ${pending}::jsonb is null then null else ${claim.receivedAt}::timestamptz end
    from ${integrations} i
    where i.id = ${snapshot.integrationId}::uuid and i.tenant_id = ${claim.tenantId}::uuid
      and i.disabled_at is null
      and i.secret_ciphertext = ${snapshot.secretCiphertext}::text
      and i.previous_secret_ciphertext is not distinct from ${snapshot.previousSecretCiphertext}::text
      and i.stage_map = ${JSON.stringify(snapshot.stageMap)}::jsonb
    on conflict do nothing
    returning id`);
  return result.rows[0]?.id;
}

/**
 * Deliveries still waiting for processing that were handed to the queue before `queuedBefore`
 * (the message was lost, or the isolate went away before sending it): marks them handed over again
 * now and returns what the queue needs. Oldest first, at most `limit`.
 */
export async function requeueWaitingDeliveries(tx: Tx, queuedBefore: Date, now: Date, limit: number) {
  const result = await tx.execute<{
    id: string;
    tenant_id: string;
    integration_id: string;
    pending_job: unknown;
  }>(sql`
    update ${webhookDeliveries} d set queued_at = ${now}::timestamptz
    where d.id in (
      select id from ${webhookDeliveries}
      where pending_job is not null and queued_at < ${queuedBefore}::timestamptz
      order by queued_at limit ${limit}
      for update skip locked)
    returning d.id, d.tenant_id, d.integration_id, d.pending_job`);
  return result.rows.map((row) => ({
    deliveryRowId: row.id,
    tenantId: row.tenant_id,
    integrationId: row.integration_id,
    pendingJob: row.pending_job,
  }));
}

export async function findDelivery(tx: Tx, integrationId: string, deliveryId: string) {
  const [row] = await tx
    .select()
    .from(webhookDeliveries)
    .where(
      and(eq(webhookDeliveries.integrationId, integrationId), eq(webhookDeliveries.deliveryId, deliveryId)),
    );
  return row;
}

/** The delivery first received with this signed body, whatever delivery id it came under. */
export async function findDeliveryByPayload(tx: Tx, integrationId: string, payloadSha256: string) {
  const [row] = await tx
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.integrationId, integrationId),
        eq(webhookDeliveries.payloadSha256, payloadSha256),
      ),
    );
  return row;
}

/**
 * Takes a delivery back for processing when its first processing failed, or never finished
 * (the isolate went away after the 202). Conditional, so two redeliveries cannot both take it.
 */
export async function reclaimDelivery(
  tx: Tx,
  id: string,
  staleBefore: Date,
  pendingJob: unknown,
): Promise<boolean> {
  const rows = await tx
    .update(webhookDeliveries)
    .set({ outcome: "received", reason: null, processedAt: null, pendingJob, queuedAt: new Date() })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        or(
          eq(webhookDeliveries.outcome, "failed"),
          and(eq(webhookDeliveries.outcome, "received"), lt(webhookDeliveries.receivedAt, staleBefore)),
        ),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

/**
 * Records a rejected request (bad signature, stale timestamp…) for the agency's debugging, at
 * most `perMinute` per integration per minute: the receiver is public, so a flood of forged
 * requests must not turn into a flood of rows. One statement, no read-then-write race worth a lock.
 */
export async function recordRejectedDelivery(
  tx: Tx,
  values: { id: string; tenantId: string; integrationId: string; deliveryId: string; reason: string },
  perMinute: number,
): Promise<void> {
  await tx.execute(sql`
    insert into webhook_deliveries (id, tenant_id, integration_id, delivery_id, outcome, reason, processed_at)
    select ${values.id}, ${values.tenantId}, ${values.integrationId}, ${values.deliveryId}, 'rejected',
      ${values.reason}, now()
    where (select count(*) from webhook_deliveries
           where integration_id = ${values.integrationId} and outcome = 'rejected'
             and received_at > now() - interval '1 minute') < ${perMinute}
    on conflict do nothing`);
}

/** A processed delivery's outcome, as `finishDeliveries` records it. */
export interface DeliveryFinish {
  deliveryRowId: string;
  outcome: DeliveryOutcome;
  reason: string | null;
  releaseId: string | null;
}

const FINISH_DELIVERIES = `
  update webhook_deliveries w
  set outcome = f.outcome, reason = f.reason, release_id = f.release_id,
      processed_at = $2, pending_job = null, queued_at = null
  from unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[]) as f(id, outcome, reason, release_id)
  where w.tenant_id = $1 and w.id = f.id and w.pending_job is not null`;

/**
 * Records the outcomes of one tenant's deliveries that are still waiting, in one statement. One
 * offered twice (a slow message and the cron's hand-over both arriving) keeps the outcome its first
 * processing recorded.
 */
export async function finishDeliveries(
  queue: StatementQueue,
  tenantId: string,
  finished: readonly DeliveryFinish[],
  now: Date,
): Promise<void> {
  const done = queue.sendAhead(FINISH_DELIVERIES, [
    tenantId,
    now.toISOString(),
    finished.map((delivery) => delivery.deliveryRowId),
    finished.map((delivery) => delivery.outcome),
    finished.map((delivery) => delivery.reason),
    finished.map((delivery) => delivery.releaseId),
  ]);
  done.catch(() => undefined);
  await queue.flush();
  await done;
}

/** Newest first; the cursor is the last id of the previous page (ids are UUIDv7). */
export async function listDeliveries(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  filter: { outcome?: string | undefined; before?: string | undefined },
  limit: number,
): Promise<DeliveryRow[]> {
  return tx
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.integrationId, integrationId),
        filter.outcome ? eq(webhookDeliveries.outcome, filter.outcome) : undefined,
        filter.before ? lt(webhookDeliveries.id, filter.before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
}

/** Deliveries per outcome since `since`, for the listing's summary (uses the recent-deliveries index). */
export async function countDeliveries(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  since: Date,
): Promise<Record<string, number>> {
  const rows = await tx
    .select({ outcome: webhookDeliveries.outcome, count: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.integrationId, integrationId),
        gt(webhookDeliveries.receivedAt, since),
      ),
    )
    .groupBy(webhookDeliveries.outcome);
  return Object.fromEntries(rows.map((row) => [row.outcome, Number(row.count)]));
}
