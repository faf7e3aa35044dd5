import { z } from "zod";
import { type Outcome, outcomeFrom } from "./outcome";
import {
  buildSubject,
  describeZodProblem,
  eventForStage,
  firstProviderTime,
  isMalformed,
  malformed,
  providerTime,
  safeUrl,
  splitRef,
  unknownStatus,
} from "./source-fields";
import { describeCandidates, lookUpStage } from "./stage-lookup";
import type { NormalisedCiEvent, StageMap } from "./types";

/*
 * Schemas declare only the fields we use. Zod objects strip undeclared keys, so authors,
 * committers, pushers, senders and commit messages cannot reach the result even by accident.
 */

const repositorySchema = z.object({
  full_name: z.string().min(1),
  html_url: z.string().nullish(),
});

const workflowRunSchema = z.object({
  workflow_run: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    path: z.string().nullish(),
    head_sha: z.string(),
    head_branch: z.string().nullish(),
    status: z.string().nullish(),
    conclusion: z.string().nullish(),
    html_url: z.string().nullish(),
    run_attempt: z.number().int().nullish(),
    updated_at: z.string().nullish(),
  }),
  repository: repositorySchema,
});

const checkSuiteSchema = z.object({
  check_suite: z.object({
    id: z.number().int(),
    head_sha: z.string(),
    head_branch: z.string().nullish(),
    status: z.string().nullish(),
    conclusion: z.string().nullish(),
    updated_at: z.string().nullish(),
    app: z.object({ name: z.string().nullish(), slug: z.string().nullish() }).nullish(),
  }),
  repository: repositorySchema,
});

const deploymentStatusSchema = z.object({
  deployment_status: z.object({
    state: z.string(),
    environment: z.string().nullish(),
    log_url: z.string().nullish(),
    target_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
  }),
  deployment: z.object({
    id: z.number().int(),
    sha: z.string(),
    ref: z.string().nullish(),
    environment: z.string().nullish(),
  }),
  repository: repositorySchema,
});

/** `status` values before completion: all mean "not finished yet". */
const RUN_STATUS_OUTCOMES: Readonly<Record<string, Outcome>> = {
  requested: "queued",
  queued: "queued",
  pending: "queued",
  waiting: "awaiting_action",
  in_progress: "running",
};

/** `conclusion` once `status` is `completed`. */
const CONCLUSION_OUTCOMES: Readonly<Record<string, Outcome>> = {
  success: "passed",
  failure: "failed",
  timed_out: "failed",
  startup_failure: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
  // GitHub treats neutral as non-blocking, but it is not a pass either: no verdict.
  neutral: "skipped",
  stale: "skipped",
  // A fork's run waiting for a maintainer's approval resumes under the same run id once approved.
  action_required: "awaiting_action",
};

/** `deployment_status.state`. `inactive` marks an older deployment replaced by a newer one. */
const DEPLOYMENT_STATE_OUTCOMES: Readonly<Record<string, Outcome>> = {
  pending: "queued",
  queued: "queued",
  in_progress: "running",
  success: "passed",
  failure: "failed",
  error: "failed",
  inactive: "superseded",
};

/** Reads status/conclusion as GitHub pairs them; returns the word shown as provider_status. */
function runOutcome(
  status: string | null | undefined,
  conclusion: string | null | undefined,
): { outcome: Outcome | null; word: string } {
  if (status === "completed" || (status == null && conclusion != null)) {
    const word = conclusion ?? "completed";
    return { outcome: outcomeFrom(CONCLUSION_OUTCOMES, word), word };
  }
  const word = status ?? "unknown";
  return { outcome: outcomeFrom(RUN_STATUS_OUTCOMES, word), word };
}

function normaliseWorkflowRun(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = workflowRunSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { workflow_run: run, repository } = parsed.data;

  // The workflow name is what people see; its file path is stable across renames.
  const candidates = [run.name, run.path];
  const match = lookUpStage(stageMap, candidates);
  if (match === null)
    return { kind: "ignored", reason: `workflow ${describeCandidates(candidates)} is not in stage_map` };

  const { outcome, word } = runOutcome(run.status, run.conclusion);
  if (outcome === null) return unknownStatus("workflow run", word);

  const subject = buildSubject({
    external_id: `workflow_run:${run.id}`,
    repository: repository.full_name,
    sha: run.head_sha,
    // head_branch holds a tag name for tag-triggered runs and GitHub does not say which.
    ...splitRef(run.head_branch),
    url: safeUrl(run.html_url),
    provider_status: word,
    attempt: run.run_attempt ?? null,
    reported_at: providerTime(run.updated_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: run.name ?? run.path ?? match.key,
    environment: null,
    environment_url: null,
  });
}

function normaliseCheckSuite(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = checkSuiteSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { check_suite: suite, repository } = parsed.data;

  // A check suite belongs to one app (a third-party CI, or GitHub Actions); it has no workflow name.
  const candidates = [suite.app?.name, suite.app?.slug];
  const match = lookUpStage(stageMap, candidates);
  if (match === null) {
    return {
      kind: "ignored",
      reason: `check suite app ${describeCandidates(candidates)} is not in stage_map`,
    };
  }

  const { outcome, word } = runOutcome(suite.status, suite.conclusion);
  if (outcome === null) return unknownStatus("check suite", word);

  const repositoryPage = safeUrl(repository.html_url);
  const subject = buildSubject({
    external_id: `check_suite:${suite.id}`,
    repository: repository.full_name,
    sha: suite.head_sha,
    ...splitRef(suite.head_branch),
    url: repositoryPage ? `${repositoryPage}/commit/${suite.head_sha}/checks` : null,
    provider_status: word,
    attempt: null,
    reported_at: providerTime(suite.updated_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: suite.app?.name ?? suite.app?.slug ?? match.key,
    environment: null,
    environment_url: null,
  });
}

function normaliseDeploymentStatus(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = deploymentStatusSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { deployment_status: status, deployment, repository } = parsed.data;

  const environment = status.environment ?? deployment.environment ?? null;
  const match = lookUpStage(stageMap, [environment]);
  if (match === null) {
    return {
      kind: "ignored",
      reason: `environment ${describeCandidates([environment])} is not in stage_map`,
    };
  }

  const outcome = outcomeFrom(DEPLOYMENT_STATE_OUTCOMES, status.state);
  if (outcome === null) return unknownStatus("deployment", status.state);

  const subject = buildSubject({
    // The deployment id, not the status id: every status of one deployment shares it.
    external_id: `deployment:${deployment.id}`,
    repository: repository.full_name,
    sha: deployment.sha,
    ...splitRef(deployment.ref),
    url: safeUrl(status.log_url) ?? safeUrl(status.target_url),
    provider_status: status.state,
    attempt: null,
    reported_at: firstProviderTime(status.updated_at, status.created_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: environment ?? match.key,
    environment,
    environment_url: safeUrl(status.environment_url),
  });
}

/** GitHub events by `X-GitHub-Event`. */
export function normaliseGitHubEvent(
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (eventType) {
    case "workflow_run":
      return normaliseWorkflowRun(payload, stageMap);
    case "check_suite":
      return normaliseCheckSuite(payload, stageMap);
    case "deployment_status":
      return normaliseDeploymentStatus(payload, stageMap);
    default:
      return { kind: "ignored", reason: `GitHub event "${eventType}" is not used` };
  }
}
