import { describeError, errorFields } from "../app/errors";
import type { DatabaseHandle } from "../db/client";
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
): Promise<DeliveryResult> {
  const { event } = job;
  const match = await inTenantScope(database, job.tenantId, (tx) =>
    matchRelease(tx, job.tenantId, job.integrationId, event),
  );
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

/**
 * Runs after the 202 (`waitUntil`) on the request's database handle, which stays open until this
 * is done (DatabaseHandle.keepOpenFor): the connection that recorded the delivery processes it. Never
 * throws; a failure is logged with ids only and recorded as `failed`, and a redelivery of the same
 * delivery retries it.
 */
export async function processDelivery(env: Env, database: DatabaseHandle, job: DeliveryJob): Promise<void> {
  try {
    let result: DeliveryResult;
    try {
      result = await applyDelivery(database, releaseCoordinator(env), job);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          event: "webhook_processing_failed",
          integration_id: job.integrationId,
          delivery: job.deliveryRowId,
          request_id: job.requestId,
          ...errorFields(describeError(error)),
        }),
      );
      result = { outcome: "failed", reason: "Processing failed on our side; a redelivery retries it." };
    }
    await inTenantScope(database, job.tenantId, (tx) =>
      finishDelivery(tx, job.tenantId, job.deliveryRowId, result),
    );
    // Already after the 202: the events CI's report caused go out now rather than at the next tick.
    if (result.queuedWebhooks) {
      await deliverDue(database, deliverySettings(runtimeConfig(env)), {
        now: new Date(),
        tenantId: job.tenantId,
      });
    }
  } catch {
    // The outcome could not be written (database gone); the row stays `received` and a
    // redelivery after the stale period takes it again.
  }
}
