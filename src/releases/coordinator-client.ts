import { RemoteFailure } from "../app/errors";
import { isDurableObjectOverloaded, isDurableObjectUnavailability } from "../lib/durable-object-errors";
import { ApiError } from "../lib/problem";
import type { ReleaseCommand, ReleaseCommandOutcome, SerializedProblem } from "./command";

/** What routes, webhooks and the cron need from a release's Durable Object. */
export interface ReleaseCoordinatorClient {
  execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome>;
}

interface CoordinatorStub {
  execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome>;
}

/** Seconds to wait before retrying after the object was reset or unreachable: it restarts at once. */
export const COORDINATOR_RETRY_AFTER_SECONDS = 1;
/** An overloaded object needs its queue to drain first; retrying at once would add to it. */
export const COORDINATOR_OVERLOADED_RETRY_AFTER_SECONDS = 5;

/** One object per release, named by tenant and release so another tenant's name can never reach it. */
export function coordinatorName(tenantId: string, releaseId: string): string {
  return `${tenantId}:${releaseId}`;
}

/**
 * The command's own failures come back as outcomes (executeReleaseCommand
 * catches everything). When the platform says the object was reset with this
 * command running or queued, is overloaded, or could not be reached, the
 * caller gets a retryable 503, never a 500. A command that was running may have committed
 * just before the reset, so the detail says so: the Idempotency-Key makes the
 * retry safe either way.
 */
export function coordinatorUnavailable(error: unknown): ApiError {
  if (isDurableObjectOverloaded(error)) {
    return new ApiError(
      "coordinator_unavailable",
      "Too many changes to this release are waiting to be applied; nothing of this request was applied. Retry after the Retry-After interval.",
      {},
      { "Retry-After": String(COORDINATOR_OVERLOADED_RETRY_AFTER_SECONDS) },
    );
  }
  return new ApiError(
    "coordinator_unavailable",
    "The release's coordinator restarted before it answered, so this change may or may not have been applied. Retry with the same Idempotency-Key: an applied change is answered again, never applied twice.",
    {},
    { "Retry-After": String(COORDINATOR_RETRY_AFTER_SECONDS) },
  );
}

/**
 * The error to throw for a refused command: its problem, or, for an unexpected failure inside the
 * object, the original error's description (answered as a 500, logged with its cause).
 */
export function commandFailure(problem: SerializedProblem): ApiError | RemoteFailure {
  if (problem.cause) return new RemoteFailure(problem.cause);
  return new ApiError(problem.code, problem.detail, problem.extras, problem.headers);
}

export function releaseCoordinator(env: Env): ReleaseCoordinatorClient {
  return {
    async execute(command) {
      const namespace = env.RELEASE_COORDINATOR;
      const stub = namespace.get(namespace.idFromName(coordinatorName(command.tenantId, command.releaseId)));
      try {
        return await (stub as unknown as CoordinatorStub).execute(command);
      } catch (error) {
        // Only the platform's marks become a 503; anything else (our own bug inside the object, a
        // command that cannot be serialised) surfaces as a logged 500, never as a retry loop.
        if (isDurableObjectUnavailability(error)) throw coordinatorUnavailable(error);
        throw error;
      }
    },
  };
}
