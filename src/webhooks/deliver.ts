import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../db/client";
import { inSystemScope, type Tx } from "../db/scope";
import {
  DISABLE_AFTER_FAILING_MS,
  delivered,
  type EventPayload,
  MAX_DELIVERY_ATTEMPTS,
  nextRetryDelaySeconds,
  slackMessage,
  teamsMessage,
} from "../domain/webhooks";
import { uuidv7 } from "../lib/ids";
import { signStandardWebhook } from "../lib/webhook-signatures/sign";
import { endpointSigningSecrets } from "./secrets";
import { refusedEndpointUrl } from "./url-policy";

export interface DeliverySettings {
  /** DATA_ENCRYPTION_KEY: opens the endpoints' signing secrets. */
  encryptionKey: string;
  publicBaseUrl: string;
  /** WEBHOOKS_ALLOW_LOOPBACK: loopback receivers are allowed (development and tests). */
  allowLoopback: boolean;
  /** Gives up on a receiver slower than this; the attempt counts as failed and is retried. */
  timeoutMs?: number;
}

export interface DeliveryOptions {
  now: Date;
  /** Only this agency's deliveries (the waitUntil kick after a command). */
  tenantId?: string | undefined;
  /** Only these deliveries (a test event, a retry by hand). */
  deliveryIds?: readonly string[];
  /** Stop claiming new batches after this long (default 20 s); what is left waits for the next run. */
  budgetMs?: number;
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
  endpoints_disabled: number;
}

/** While one sender holds a delivery no other claims it; longer than any attempt can take. */
const LEASE_SECONDS = 300;
/** Claimed at a time: sent one after another, at most 10 s each, so a batch ends well inside its lease. */
const BATCH = 10;
/** A run stops claiming more after this long (a kick runs after the response; the cron every minute). */
const DEFAULT_BUDGET_MS = 20_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Longer than the longest wait between two attempts (10 h), with room: beyond it a streak ends. */
const STREAK_GAP_MS = 12 * 3_600_000;
const USER_AGENT = "ReleasePilot-Webhooks/1.0 (+https://www.standardwebhooks.com)";

interface ClaimedDelivery {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  attempts: number;
  payload: EventPayload;
  url: string;
  format: "standard" | "slack" | "teams";
  enabled: boolean;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  last_failure_at: Date | null;
}

/**
 * Claims due deliveries by moving their next attempt past a lease, in one statement with SKIP
 * LOCKED, so the cron and a waitUntil kick never send the same one at once.
 */
async function claim(database: DatabaseHandle, options: DeliveryOptions): Promise<ClaimedDelivery[]> {
  const { now } = options;
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  return inSystemScope(database, async (tx) => {
    const result = await tx.execute(sql`
      with due as (
        select d.id from endpoint_deliveries d
        join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
        -- Due, or claimed by a sender whose lease ran out (it died mid-attempt): taken again.
        where d.status in ('pending', 'retrying', 'sending') and d.next_attempt_at <= ${now}
          -- A disabled endpoint's deliveries wait until it is re-enabled; a test is sent regardless.
          and (e.enabled or d.event_type = 'webhook.test')
          ${options.tenantId ? sql`and d.tenant_id = ${options.tenantId}` : sql``}
          ${options.deliveryIds ? sql`and d.id in ${inList(options.deliveryIds)}` : sql``}
        order by d.next_attempt_at, d.id
        limit ${BATCH}
        for update of d skip locked),
      claimed as (
        update endpoint_deliveries d set status = 'sending', attempts = d.attempts + 1, next_attempt_at = ${lease},
          updated_at = ${now}
        from due where d.id = due.id
        returning d.id, d.tenant_id, d.endpoint_id, d.attempts, d.payload)
      select c.*, e.url, e.format, e.enabled, e.secret_ciphertext, e.previous_secret_ciphertext,
        e.previous_secret_expires_at, e.failing_since, e.last_failure_at
      from claimed c join webhook_endpoints e on e.tenant_id = c.tenant_id and e.id = c.endpoint_id
      order by c.id`);
    return result.rows as unknown as ClaimedDelivery[];
  });
}

const inList = (ids: readonly string[]) =>
  sql`(${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;

/** The request a delivery sends: the Standard Webhooks payload, or a chat message built from it. */
function bodyOf(delivery: ClaimedDelivery, settings: DeliverySettings): string {
  const payload = withReleaseUrl(delivery.payload, settings.publicBaseUrl);
  switch (delivery.format) {
    case "standard":
      return JSON.stringify(payload);
    case "slack":
      return JSON.stringify(slackMessage(payload));
    case "teams":
      return JSON.stringify(teamsMessage(payload));
  }
}

function withReleaseUrl(payload: EventPayload, base: string): EventPayload {
  const release = payload.data.release;
  if (!release) return payload;
  return {
    ...payload,
    data: { ...payload.data, release: { ...release, url: `${base}/v1/releases/${release.id}` } },
  };
}

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function attempt(delivery: ClaimedDelivery, settings: DeliverySettings, now: Date): Promise<Attempt> {
  // Checked again at each send, not only when saved: the rules may have tightened since.
  const refused = refusedEndpointUrl(delivery.url, settings.allowLoopback);
  if (refused) return { ok: false, status: null, error: `url refused: ${refused}` };
  const secrets = await endpointSigningSecrets(settings.encryptionKey, delivery, now);
  const body = bodyOf(delivery, settings);
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signStandardWebhook(secrets, delivery.id, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    // The answer's body is the receiver's business, never stored: drain it so the connection frees.
    await response.body?.cancel();
    if (delivered(response.status)) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    return {
      ok: false,
      status: null,
      error: name === "TimeoutError" ? "timed out" : `no response (${name})`,
    };
  }
}

/**
 * Sends what is due: each delivery once per claim, settled as delivered, retrying (with the next
 * attempt on the Standard Webhooks schedule) or failed after the last attempt. An endpoint whose
 * attempts have all failed for three days is disabled and its owners are emailed; a success clears
 * its failing streak.
 */
export async function deliverDue(
  database: DatabaseHandle,
  settings: DeliverySettings,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { claimed: 0, delivered: 0, retrying: 0, failed: 0, endpoints_disabled: 0 };
  // The run's clock: `now` as given (the cron's scheduled time, a test's), moving on in real time,
  // so every attempt is signed and settled with its own moment, never the run's start.
  const started = Date.now();
  const clock = () => new Date(options.now.getTime() + (Date.now() - started));
  const budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
  for (;;) {
    const claimed = await claim(database, { ...options, now: clock() });
    report.claimed += claimed.length;
    for (const delivery of claimed) {
      const outcome = await attempt(delivery, settings, clock());
      const settled = await settle(database, delivery, outcome, clock());
      report[settled.status]++;
      if (settled.disabled) report.endpoints_disabled++;
    }
    if (claimed.length < BATCH || options.deliveryIds || Date.now() - started > budget) return report;
  }
}

async function settle(
  database: DatabaseHandle,
  delivery: ClaimedDelivery,
  outcome: Attempt,
  now: Date,
): Promise<{ status: "delivered" | "retrying" | "failed"; disabled: boolean }> {
  return inSystemScope(database, async (tx) => {
    if (outcome.ok) {
      await tx.execute(sql`
        update endpoint_deliveries set status = 'delivered', delivered_at = ${now}, last_response_code = ${outcome.status},
          last_error = null, updated_at = ${now}
        where id = ${delivery.id} and attempts = ${delivery.attempts} and status = 'sending'`);
      await tx.execute(sql`
        update webhook_endpoints set failing_since = null, last_failure_at = null
        where tenant_id = ${delivery.tenant_id} and id = ${delivery.endpoint_id} and failing_since is not null`);
      return { status: "delivered", disabled: false };
    }
    const delay = nextRetryDelaySeconds(delivery.attempts);
    const status = delay === null || delivery.attempts >= MAX_DELIVERY_ATTEMPTS ? "failed" : "retrying";
    const nextAttemptAt = delay === null ? now : new Date(now.getTime() + delay * 1000);
    await tx.execute(sql`
      update endpoint_deliveries set status = ${status}, next_attempt_at = ${nextAttemptAt},
        last_response_code = ${outcome.status}, last_error = ${outcome.error}, updated_at = ${now}
      where id = ${delivery.id} and attempts = ${delivery.attempts} and status = 'sending'`);
    // A streak is failures without a gap longer than the retry schedule: an endpoint that failed
    // once last week and had no traffic since starts a new streak, it is not "failing for days".
    const lastFailure = delivery.last_failure_at ? new Date(delivery.last_failure_at).getTime() : null;
    const continues = lastFailure !== null && now.getTime() - lastFailure <= STREAK_GAP_MS;
    const failingSince = continues && delivery.failing_since ? new Date(delivery.failing_since) : now;
    const disable = delivery.enabled && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
    if (!disable) {
      await tx.execute(sql`
        update webhook_endpoints set failing_since = ${failingSince}, last_failure_at = ${now}
        where tenant_id = ${delivery.tenant_id} and id = ${delivery.endpoint_id}`);
      return { status, disabled: false };
    }
    const disabled = await tx.execute(sql`
      update webhook_endpoints set enabled = false, disabled_at = ${now}, updated_at = ${now},
        disabled_reason = ${`Every delivery failed for three days (last: ${outcome.error}); fix the receiver, then PATCH {"enabled": true}.`}
      where tenant_id = ${delivery.tenant_id} and id = ${delivery.endpoint_id} and enabled
      returning url`);
    const url = (disabled.rows[0] as { url: string } | undefined)?.url;
    if (url) await queueDisabledEndpointAlert(tx, delivery.tenant_id, new URL(url).host, now);
    return { status, disabled: url !== undefined };
  });
}

/** The agency's owners hear that an endpoint stopped receiving events (subject names the host only). */
async function queueDisabledEndpointAlert(tx: Tx, tenantId: string, host: string, now: Date): Promise<void> {
  const owners = await tx.execute(sql`
    select id from members where tenant_id = ${tenantId} and role = 'owner' and deactivated_at is null
      and email is not null order by id`);
  for (const { id } of owners.rows as { id: string }[]) {
    await tx.execute(sql`
      insert into outbox_messages (id, tenant_id, member_id, event, classification, subject, status, next_attempt_at, created_at, updated_at)
      values (${uuidv7(now.getTime())}, ${tenantId}, ${id}, 'webhook_endpoint_disabled', 'factual',
        ${`Action needed: webhook endpoint ${host} was disabled`}, 'queued', ${now}, ${now}, ${now})`);
  }
}
