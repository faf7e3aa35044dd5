import { describeError, errorFields } from "../app/errors";
import { DatabaseHandle, databaseConfig } from "../db/client";
import { type DeliveryOutcome, finishDeliveries } from "../db/repositories/integrations";
import { inTenantScope } from "../db/scope";
import type { DeploymentEvent, TestResultEvent } from "../domain/ci-events";
import type { ExecutionReportCommand, TestResultCommand } from "../domain/lifecycle";
import { runtimeConfig } from "../env";
import { sha256Hex } from "../lib/crypto";
import type { ReleaseCoordinatorClient } from "../releases/coordinator-client";
import { commandFailure, releaseCoordinator } from "../releases/coordinator-client";
import { deliverDue } from "../webhooks/deliver";
import { deliverySettings } from "../webhooks/kick";
import { type DeliveryMatch, type MatchedRelease, matchDeliveries } from "./match-release";
import type { DeliveryJob } from "./receive-delivery";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  reason: string | null;
  releaseId?: string | null;
  /** Release events the command queued for the agency's webhook endpoints, sent right after. */
  queuedWebhooks?: number;
}

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

/** What became of one delivery of a batch. */
type Processed =
  | { kind: "outcome"; result: DeliveryResult }
  /**
   * Nothing to record: already given an outcome by another offer (nothing is sent again), or its
   * outcome could not be written on the last attempt (the cron hands it over again).
   */
  | { kind: "nothing_to_record" }
  /** Failed on our side with attempts left: the row stays waiting and the queue offers it again. */
  | { kind: "retry" };

/**
 * Sends a matched delivery's command through the release's Durable Object as CI. The command's
 * idempotency key is the delivery row, so a delivery processed twice (a retry after a crash) has
 * one effect. A refusal by the release's rules is the delivery's outcome, not an error.
 */
async function applyToRelease(
  coordinator: ReleaseCoordinatorClient,
  job: DeliveryJob,
  release: MatchedRelease,
): Promise<DeliveryResult> {
  const { event } = job;
  const command = commandFor(event);
  const outcome = await coordinator.execute({
    tenantId: job.tenantId,
    releaseId: release.id,
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
      releaseId: release.id,
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
    return { outcome: "ignored", reason: detail, releaseId: release.id };
  }
  return { outcome: "rejected", reason: `The release refused it: ${detail}`, releaseId: release.id };
}

function unmatched(event: TestResultEvent | DeploymentEvent): DeliveryResult {
  const ref = event.ref ? ` or ref '${event.ref}'` : "";
  return {
    outcome: "unmatched",
    reason: `No open release of a linked project with repository '${event.repository}' is at commit ${event.sha.slice(0, 12)}${ref}.`,
  };
}

/** Attempts of one delivery before it is recorded as `failed` (a redelivery by the provider retries it). */
export const MAX_PROCESSING_ATTEMPTS = 5;

/** Seconds before the queue offers a delivery again: 5, 10, 20, 40 (a database or object outage). */
export function retryDelaySeconds(attempt: number): number {
  return 5 * 2 ** Math.max(0, Math.min(attempt - 1, 3));
}

const FAILED_ON_OUR_SIDE: DeliveryResult = {
  outcome: "failed",
  reason: "Processing failed on our side; a redelivery retries it.",
};

/** A failure on our side: offered again while attempts remain, else recorded as `failed`. */
function failed(event: string, job: DeliveryJob, attempt: number, error: unknown): Processed {
  return logFailure(event, job, attempt, error)
    ? { kind: "retry" }
    : { kind: "outcome", result: FAILED_ON_OUR_SIDE };
}

/**
 * Processes one tenant's deliveries of a queue batch: one read matches them all (and says which
 * still wait), each matched one's command goes through its release's Durable Object, and one write
 * records every outcome. A delivery that failed on our side is offered again while attempts remain
 * (its row stays `received`); after the last attempt the failure is recorded as `failed`. Each
 * command's idempotency key is its delivery row, so however often a delivery is offered it has one
 * effect. Failures are logged with ids only.
 */
async function processTenantDeliveries(
  env: Env,
  database: DatabaseHandle,
  messages: readonly Message<DeliveryJob>[],
): Promise<Processed[]> {
  const tenantId = (messages[0] as Message<DeliveryJob>).body.tenantId;
  let matches: DeliveryMatch[];
  try {
    // One read, one message: no transaction is held open across round trips while deliveries pour in.
    matches = await inTenantScope(
      database,
      tenantId,
      (_tx, queue) =>
        matchDeliveries(
          queue,
          tenantId,
          messages.map(({ body }) => ({
            deliveryRowId: body.deliveryRowId,
            integrationId: body.integrationId,
            subject: body.event,
          })),
        ),
      { readOnly: true },
    );
  } catch (error) {
    return messages.map(({ body, attempts }) => failed("webhook_processing_failed", body, attempts, error));
  }
  const coordinator = releaseCoordinator(env);
  const processed = await Promise.all(
    messages.map(async ({ body: job, attempts }, index): Promise<Processed> => {
      const match = matches[index];
      if (!match?.waiting) return { kind: "nothing_to_record" };
      if (!match.release) return { kind: "outcome", result: unmatched(job.event) };
      try {
        return { kind: "outcome", result: await applyToRelease(coordinator, job, match.release) };
      } catch (error) {
        return failed("webhook_processing_failed", job, attempts, error);
      }
    }),
  );
  const finished = processed.flatMap((done, index) =>
    done.kind === "outcome"
      ? [{ message: messages[index] as Message<DeliveryJob>, result: done.result }]
      : [],
  );
  if (finished.length === 0) return processed;
  try {
    await inTenantScope(
      database,
      tenantId,
      (_tx, queue) =>
        finishDeliveries(
          queue,
          tenantId,
          finished.map(({ message, result }) => ({
            deliveryRowId: message.body.deliveryRowId,
            outcome: result.outcome,
            reason: result.reason,
            releaseId: result.releaseId ?? null,
          })),
          new Date(),
        ),
      { autocommit: true },
    );
  } catch (error) {
    // The outcomes could not be written (database gone): offered again, each command replays its
    // answer; after the last attempt the cron hands the still-waiting delivery over again.
    return processed.map((done, index) => {
      if (done.kind !== "outcome") return done;
      const { body, attempts } = messages[index] as Message<DeliveryJob>;
      return logFailure("webhook_outcome_not_recorded", body, attempts, error)
        ? { kind: "retry" }
        : { kind: "nothing_to_record" };
    });
  }
  // The events CI's reports caused go out now rather than at the next tick.
  if (finished.some(({ result }) => result.queuedWebhooks)) {
    await deliverDue(database, deliverySettings(runtimeConfig(env)), { now: new Date(), tenantId }).catch(
      () => undefined,
    );
  }
  return processed;
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

/**
 * The queue's consumer: a batch's deliveries grouped by tenant, each tenant's processed together
 * (processTenantDeliveries), all on one database handle for the batch.
 */
export async function processDeliveryBatch(env: Env, batch: MessageBatch<DeliveryJob>): Promise<void> {
  const database = new DatabaseHandle(databaseConfig(runtimeConfig(env)));
  const byTenant = new Map<string, Message<DeliveryJob>[]>();
  for (const message of batch.messages) {
    const messages = byTenant.get(message.body.tenantId);
    if (messages) messages.push(message);
    else byTenant.set(message.body.tenantId, [message]);
  }
  try {
    await Promise.all(
      [...byTenant.values()].map(async (messages) => {
        const processed = await processTenantDeliveries(env, database, messages);
        processed.forEach((done, index) => {
          const message = messages[index] as Message<DeliveryJob>;
          if (done.kind === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
          else message.ack();
        });
      }),
    );
  } finally {
    await database.end();
  }
}
