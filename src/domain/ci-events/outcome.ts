import type { DeploymentPhase, TestStatus } from "./types";

/**
 * Provider-neutral reading of a provider status, before deciding what it means for a test stage
 * or a deployment. Each provider file maps its own vocabulary to this in one table, so the
 * judgement calls (what "cancelled" means, for instance) are made once, here.
 */
export type Outcome =
  /** Accepted, will run. */
  | "queued"
  | "running"
  /** Paused until a person acts: GitHub action_required, GitLab manual/blocked, CircleCI on_hold. */
  | "awaiting_action"
  | "passed"
  | "failed"
  /** Stopped before a verdict. */
  | "cancelled"
  /** Deliberately not run. */
  | "skipped"
  /** Replaced by a newer run or deployment (GitHub deployment `inactive`). */
  | "superseded";

/**
 * For tests, only `passed` is a pass. A cancelled run produced no verdict, so it is `skipped`
 * rather than `failed`: a superseded run cancelled by a concurrency group must not fail a release
 * or trigger a rollback. Anything not yet finished is `running`.
 */
export function testStatusFor(outcome: Outcome): TestStatus | null {
  switch (outcome) {
    case "queued":
    case "running":
    case "awaiting_action":
      return "running";
    case "passed":
      return "passed";
    case "failed":
      return "failed";
    case "cancelled":
    case "skipped":
      return "skipped";
    case "superseded":
      return null;
  }
}

/**
 * For deployments, a cancelled deployment is `failed`: the release is not live as intended and
 * someone must look. Awaiting approval, skipped and superseded deployments change nothing yet,
 * so they yield null (ignored).
 */
export function deploymentPhaseFor(outcome: Outcome): DeploymentPhase | null {
  switch (outcome) {
    case "queued":
    case "running":
      return "started";
    case "passed":
      return "succeeded";
    case "failed":
    case "cancelled":
      return "failed";
    case "awaiting_action":
    case "skipped":
    case "superseded":
      return null;
  }
}

/** Looks a provider status up in a provider's table; own properties only, so "constructor" is unknown. */
export function outcomeFrom(table: Readonly<Record<string, Outcome>>, status: string): Outcome | null {
  return Object.hasOwn(table, status) ? (table[status] ?? null) : null;
}
