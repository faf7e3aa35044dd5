/** Test stages a release passes through; CI results are attached to one of these. */
export const TEST_STAGES = ["staging", "smoke", "verification", "uat"] as const;
export type Stage = (typeof TEST_STAGES)[number];

/** What a workflow, pipeline, job or environment name maps to in an integration's stage_map. */
export const STAGE_TARGETS = [...TEST_STAGES, "deployment"] as const;
export type StageTarget = Stage | "deployment";

/** `{"<workflow, pipeline, job or environment name>": stage | "deployment"}` per CI integration. */
export type StageMap = Readonly<Record<string, StageTarget>>;

export const CI_PROVIDERS = ["github", "gitlab", "bitbucket", "circleci", "standard"] as const;
export type CiProvider = (typeof CI_PROVIDERS)[number];

export const TEST_STATUSES = ["passed", "failed", "running", "skipped"] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export const DEPLOYMENT_PHASES = ["started", "succeeded", "failed"] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/** Whether `ref` named a branch or a tag, when the provider says so; null when it does not. */
export type RefType = "branch" | "tag";

/**
 * Fields shared by every event that drives a release. Only ids, statuses, commit and ref, URLs
 * and names are carried: never people's names, usernames or emails (Privacy Act, APP 3).
 */
export interface CiEventSubject {
  /**
   * Provider-side id of the thing whose status changes, prefixed with its kind (for example
   * `workflow_run:30433642`, `deployment:145988746`), stable across that thing's status updates
   * so "started" and "succeeded" for one deployment share it.
   */
  external_id: string;
  /** `owner/name` (GitLab: full namespace path), lower-case. */
  repository: string;
  /** Commit SHA, lower-case hex; may be abbreviated when the provider only sends a short SHA. */
  sha: string;
  /** Branch or tag name with any `refs/heads/` or `refs/tags/` prefix removed, case kept. */
  ref: string | null;
  ref_type: RefType | null;
  /** Provider page for the run or deployment (http/https only), or null. */
  url: string | null;
  /** The provider's own status word, kept for display and audit (e.g. `cancelled`, `timed_out`). */
  provider_status: string;
  /** Re-run attempt number where the provider reports one (GitHub `run_attempt`). */
  attempt: number | null;
  /**
   * When the provider says this status came about (RFC 3339, UTC), read from the signed body
   * (GitHub `updated_at`, GitLab `finished_at`/`status_changed_at`, Bitbucket `updated_on`,
   * CircleCI `happened_at`, a Standard Webhooks `timestamp`). A report is never applied over a
   * newer one for the same suite or deployment, so a replayed old body cannot turn a gate; null
   * when the payload carries no time.
   */
  reported_at: string | null;
}

export interface TestResultEvent extends CiEventSubject {
  kind: "test_result";
  stage: Stage;
  /** The workflow, pipeline, job or check name as the provider reported it. */
  suite: string;
  status: TestStatus;
}

export interface DeploymentEvent extends CiEventSubject {
  kind: "deployment";
  phase: DeploymentPhase;
  environment: string | null;
  /** The deployed site's URL where the provider reports one (http/https only). */
  environment_url: string | null;
}

/** Authentic, well-formed, but not something we act on (unused event type, unmapped name…). */
export interface IgnoredCiEvent {
  kind: "ignored";
  reason: string;
}

/** The payload lacks fields its event type must have; the receiver answers 400. */
export interface MalformedCiEvent {
  kind: "malformed";
  problem: string;
}

export type NormalisedCiEvent = TestResultEvent | DeploymentEvent | IgnoredCiEvent | MalformedCiEvent;
