import { describeError, errorFields } from "../app/errors";
import { DatabaseHandle, databaseConfig } from "../db/client";
import { type DeliveryOutcome, finishDelivery } from "../db/repositories/integrations";
import { inTenantScope } from "../db/scope";
import type { DeploymentEvent, TestResultEvent } from "../domain/ci-events";
import type { ExecutionReportCommand, TestResultCommand } from "../domain/lifecycle";
import { runtimeConfig } from "../env";
import { sha256Hex } from "../lib/crypto";
import type { ReleaseCoordinatorClient } from "../releases/coordinator-client";
import { commandFailure, releaseCoordinator } from "../releases/coordinator-client";
import { deliverDue } from "../webhooks/deliver";
import { deliverySettings } from "../webhooks/kick";
import { matchRelease } from "./match-release";
import type { DeliveryJob } from "./receive-delivery";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  reason: string | null;
  releaseId?: string | null;
  /** Release events the command queued for the agency's webhook endpoints, sent right after. */
  queuedWebhooks?: number;
}

/** What applying a delivery that was already processed gives: nothing to record. */
const ALREADY_PROCESSED = "already_processed";

/** Refusals that mean "already known", not "wrong": out-of-order and repeated reports. */
const ALREADY_KNOWN = new Set(["stale_report", "duplicate_report"]);

const REPORT_FOR_PHASE = {
  started: "deployment_started",
  succeeded: "deployment_completed",
  failed: "deployment_failed",
} as const;

/**
 * The CI run a fact belongs to. A re-run of the same run (GitHub `run_attempt` 2, 3…) is a new
 * run for this purpose, so its "in progress" is not taken for a late report of the first attempt.
 */
export function runKey(event: TestResultEvent | DeploymentEvent): string {
  return event.attempt !== null && event.attempt > 1
    ? `${event.external_id}#attempt-${event.attempt}`
    : event.external_id;
}

/** The lifecycle command a CI event becomes. Only ids, statuses, names and URLs cross over. */
export function commandFor(
  event: TestResultEvent | DeploymentEvent,
): TestResultCommand | ExecutionReportCommand {
  if (event.kind === "test_result") {
    return {
      type: "test_result",
      stage: event.stage,
      suite: event.suite,
      status: event.status,
      url: event.url,
      external_id: runKey(event),
      reported_at: event.reported_at,
    };
  }
  const environment = event.environment ?? "deployment";
  return {
    type: "execution_report",
    report: REPORT_FOR_PHASE[event.phase],
    detail: `${environment}: ${event.provider_status} (reported by CI, ${event.external_id})`,
    url: event.url ?? event.environment_url,
    external_id: runKey(event),
    reported_at: event.reported_at,
  };
}

function describeApplied(event: TestResultEvent | DeploymentEvent): string {
  if (event.kind === "test_result") return `${event.stage} result '${event.suite}': ${event.status}`;
  return `deployment ${event.phase} (${event.environment ?? "no environment"})`;
}

/**
 * Matches the release and sends the command through the release's Durable Object as CI. The
 * command's idempotency key is the delivery row, so a delivery processed twice (a retry after a
 * crash) has one effect. A refusal by the release's rules is the delivery's outcome, not an error.
 */
export async function applyDelivery(
  database: DatabaseHandle,
  coordinator: ReleaseCoordinatorClient,
  job: DeliveryJob,
): Promise<DeliveryResult | typeof ALREADY_PROCESSED> {
  const { event } = job;
  // One read, one message: whether the delivery still waits travels with the release match, and no
  // transaction is held open across round trips while deliveries pour in.
  const { waiting, match } = await inTenantScope(
    database,
    job.tenantId,
    async (tx, queue) => {
      const stillWaiting = queue.sendAhead(
        "select 1 from webhook_deliveries where tenant_id = $1 and id = $2 and pending_job is not null",
        [job.tenantId, job.deliveryRowId],
      );
      // Should the match fail first (the connection lost), its error is the one thrown.
      stillWaiting.catch(() => undefined);
      const found = await matchRelease(tx, job.tenantId, job.integrationId, event);
      return { waiting: (await stillWaiting).rows.length > 0, match: found };
    },
    { readOnly: true },
  );
  // Already processed (offered twice): its outcome stands and nothing is sent again.
  if (!waiting) return ALREADY_PROCESSED;
  if (!match) {
    const ref = event.ref ? ` or ref '${event.ref}'` : "";
    return {
      outcome: "unmatched",
      reason: `No open release of a linked project with repository '${event.repository}' is at commit ${event.sha.slice(0, 12)}${ref}.`,
    };
  }
  const command = commandFor(event);
  const outcome = await coordinator.execute({
    tenantId: job.tenantId,
    releaseId: match.id,
    principal: { kind: "system", name: "ci" },
    requestId: job.requestId,
    idempotency: {
      key: `ci-delivery:${job.deliveryRowId}`,
      fingerprint: await sha256Hex(JSON.stringify(command)),
    },
    operation: { name: "lifecycle", input: command },
  });
  if (outcome.ok) {
    return {
      outcome: "applied",
      reason: describeApplied(event),
      releaseId: match.id,
      ...(outcome.queuedWebhooks ? { queuedWebhooks: outcome.queuedWebhooks } : {}),
    };
  }
  const { code, detail, extras } = outcome.problem;
  if (code === "database_unavailable" || code === "internal" || code === "misconfigured") {
    throw outcome.problem.cause
      ? commandFailure(outcome.problem)
      : new Error(`release command failed: ${code}`);
  }
  const lifecycleCode = typeof extras.lifecycle_code === "string" ? extras.lifecycle_code : null;
  if (lifecycleCode !== null && ALREADY_KNOWN.has(lifecycleCode)) {
    return { outcome: "ignored", reason: detail, releaseId: match.id };
  }
  return { outcome: "rejected", reason: `The release refused it: ${detail}`, releaseId: match.id };
}

/** Attempts of one delivery before it is recorded as `failed` (a redelivery by the provider retries it). */
export const MAX_PROCESSING_ATTEMPTS = 5;

/** Seconds before the queue offers a delivery again: 5, 10, 20, 40 (a database or object outage). */
export function retryDelaySeconds(attempt: number): number {
  return 5 * 2 ** Math.max(0, Math.min(attempt - 1, 3));
}

/**
 * Processes one delivery (a queue message): matches the release, sends the command through its
 * Durable Object, records the outcome. "retry" when it failed on our side and attempts remain (the
 * row stays `received` and the queue offers it again); after the last attempt the failure is
 * recorded as `failed`. The command's idempotency key is the delivery row, so however often a
 * delivery is offered it has one effect. Failures are logged with ids only.
 */
export async function processDelivery(
  env: Env,
  database: DatabaseHandle,
  job: DeliveryJob,
  attempt: number,
): Promise<"done" | "retry"> {
  let result: DeliveryResult;
  try {
    const applied = await applyDelivery(database, releaseCoordinator(env), job);
    if (applied === ALREADY_PROCESSED) return "done";
    result = applied;
  } catch (error) {
    if (logFailure("webhook_processing_failed", job, attempt, error)) return "retry";
    result = { outcome: "failed", reason: "Processing failed on our side; a redelivery retries it." };
  }
  try {
    await inTenantScope(
      database,
      job.tenantId,
      (tx) => finishDelivery(tx, job.tenantId, job.deliveryRowId, result),
      { autocommit: true },
    );
  } catch (error) {
    // The outcome could not be written (database gone): offered again, the command replays its
    // answer; after the last attempt the cron hands the still-waiting delivery over again.
    return logFailure("webhook_outcome_not_recorded", job, attempt, error) ? "retry" : "done";
  }
  // The events CI's report caused go out now rather than at the next tick.
  if (result.queuedWebhooks) {
    await deliverDue(database, deliverySettings(runtimeConfig(env)), {
      now: new Date(),
      tenantId: job.tenantId,
    }).catch(() => undefined);
  }
  return "done";
}

/** Logs a failure on our side (ids only); true when attempts remain and the queue should retry. */
function logFailure(event: string, job: DeliveryJob, attempt: number, error: unknown): boolean {
  const retry = attempt < MAX_PROCESSING_ATTEMPTS;
  console.error(
    JSON.stringify({
      level: retry ? "warn" : "error",
      event,
      integration_id: job.integrationId,
      delivery: job.deliveryRowId,
      request_id: job.requestId,
      attempt,
      ...errorFields(describeError(error)),
    }),
  );
  return retry;
}

/** The queue's consumer: each message one delivery, all on one database handle for the batch. */
export async function processDeliveryBatch(env: Env, batch: MessageBatch<DeliveryJob>): Promise<void> {
  const database = new DatabaseHandle(databaseConfig(runtimeConfig(env)));
  try {
    await Promise.all(
      batch.messages.map(async (message) => {
        const outcome = await processDelivery(env, database, message.body, message.attempts);
        if (outcome === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        else message.ack();
      }),
    );
  } finally {
    await database.end();
  }
}
