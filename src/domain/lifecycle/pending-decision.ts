/**
 * A failed deployment or smoke test waits on the release manager: roll back, or fix and report
 * the deployment again. Until one happens the release says so in a field, a gate and the
 * recommendation, so a failure is never only an audit event.
 */

import type { ReleaseSnapshot } from "./snapshot";
import { latestResultsBySuite } from "./test-results";

export type RollbackCause =
  | { cause: "deployment_failed" }
  | { cause: "smoke_test_failed"; suite: string; at: string };

export interface PendingRollbackDecision {
  kind: "rollback";
  causes: RollbackCause[];
}

/** The decision a failure is waiting for, or null: only while the release is active in execution. */
export function pendingRollbackDecision(snapshot: ReleaseSnapshot): PendingRollbackDecision | null {
  const { stage, status } = snapshot.release;
  if (stage !== "deployment_execution" || status !== "active") return null;
  const causes: RollbackCause[] = [];
  if (snapshot.deployment.failed) causes.push({ cause: "deployment_failed" });
  for (const result of latestResultsBySuite(snapshot.test_results, "smoke").values()) {
    if (result.status === "failed")
      causes.push({ cause: "smoke_test_failed", suite: result.suite, at: result.at });
  }
  return causes.length > 0 ? { kind: "rollback", causes } : null;
}

/** One sentence per cause, for the gate and the recommendation. */
export function describeRollbackCauses(pending: PendingRollbackDecision): string {
  return pending.causes
    .map((cause) =>
      cause.cause === "deployment_failed"
        ? "the deployment failed"
        : `the smoke test '${cause.suite}' failed at ${cause.at}`,
    )
    .join("; ");
}
