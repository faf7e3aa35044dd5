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
  repositoryFromUrl,
  safeUrl,
  shaFromCommitUrl,
  splitRef,
  unknownStatus,
} from "./source-fields";
import { describeCandidates, lookUpStage } from "./stage-lookup";
import type { NormalisedCiEvent, StageMap } from "./types";

/*
 * Only fields we use are declared; zod strips the rest, including `user`, `commit.author`,
 * `commit.author_email`, `builds[].user` and pipeline `variables` (which can hold secrets).
 */

const projectSchema = z.object({
  path_with_namespace: z.string().min(1),
  web_url: z.string().nullish(),
});

const pipelineHookSchema = z.object({
  object_kind: z.literal("pipeline"),
  object_attributes: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    ref: z.string().nullish(),
    tag: z.boolean().nullish(),
    sha: z.string(),
    status: z.string(),
    url: z.string().nullish(),
    created_at: z.string().nullish(),
    finished_at: z.string().nullish(),
  }),
  project: projectSchema,
});

const jobHookSchema = z.object({
  object_kind: z.literal("build"),
  ref: z.string().nullish(),
  tag: z.boolean().nullish(),
  sha: z.string(),
  build_id: z.number().int(),
  build_name: z.string(),
  build_stage: z.string().nullish(),
  build_status: z.string(),
  build_created_at: z.string().nullish(),
  build_started_at: z.string().nullish(),
  build_finished_at: z.string().nullish(),
  // `project` is in current payloads; older GitLab only has `repository.homepage`.
  project: projectSchema.nullish(),
  repository: z.object({ homepage: z.string().nullish() }).nullish(),
  environment: z.object({ name: z.string().nullish() }).nullish(),
});

const deploymentHookSchema = z.object({
  object_kind: z.literal("deployment"),
  status: z.string(),
  deployment_id: z.number().int(),
  environment: z.string().min(1),
  environment_external_url: z.string().nullish(),
  deployable_url: z.string().nullish(),
  short_sha: z.string(),
  commit_url: z.string().nullish(),
  ref: z.string().nullish(),
  status_changed_at: z.string().nullish(),
  project: projectSchema,
});

/** Pipeline and job statuses share one vocabulary. */
const PIPELINE_STATUS_OUTCOMES: Readonly<Record<string, Outcome>> = {
  created: "queued",
  waiting_for_resource: "queued",
  preparing: "queued",
  pending: "queued",
  scheduled: "queued",
  running: "running",
  waiting_for_callback: "running",
  success: "passed",
  failed: "failed",
  canceling: "cancelled",
  canceled: "cancelled",
  skipped: "skipped",
  manual: "awaiting_action",
};

const DEPLOYMENT_STATUS_OUTCOMES: Readonly<Record<string, Outcome>> = {
  created: "queued",
  running: "running",
  success: "passed",
  failed: "failed",
  canceled: "cancelled",
  skipped: "skipped",
  // Waiting for a protected environment's approval.
  blocked: "awaiting_action",
};

function normalisePipeline(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = pipelineHookSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { object_attributes: pipeline, project } = parsed.data;

  if (!pipeline.name) {
    return {
      kind: "ignored",
      reason:
        "pipeline has no name (set workflow:name in .gitlab-ci.yml, or map job names and use job events)",
    };
  }
  const match = lookUpStage(stageMap, [pipeline.name]);
  if (match === null) {
    return { kind: "ignored", reason: `pipeline ${describeCandidates([pipeline.name])} is not in stage_map` };
  }
  const outcome = outcomeFrom(PIPELINE_STATUS_OUTCOMES, pipeline.status);
  if (outcome === null) return unknownStatus("pipeline", pipeline.status);

  const projectPage = safeUrl(project.web_url);
  const subject = buildSubject({
    external_id: `pipeline:${pipeline.id}`,
    repository: project.path_with_namespace,
    sha: pipeline.sha,
    ...splitRef(pipeline.ref, pipeline.tag ? "tag" : "branch"),
    url: safeUrl(pipeline.url) ?? (projectPage ? `${projectPage}/-/pipelines/${pipeline.id}` : null),
    provider_status: pipeline.status,
    attempt: null,
    reported_at: firstProviderTime(pipeline.finished_at, pipeline.created_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: pipeline.name,
    environment: null,
    environment_url: null,
  });
}

function normaliseJob(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = jobHookSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const job = parsed.data;

  // The job name first; the GitLab stage name lets one entry cover every job of a stage.
  const candidates = [job.build_name, job.build_stage];
  const match = lookUpStage(stageMap, candidates);
  if (match === null)
    return { kind: "ignored", reason: `job ${describeCandidates(candidates)} is not in stage_map` };
  const outcome = outcomeFrom(PIPELINE_STATUS_OUTCOMES, job.build_status);
  if (outcome === null) return unknownStatus("job", job.build_status);

  const projectPage = safeUrl(job.project?.web_url) ?? safeUrl(job.repository?.homepage);
  const repository =
    job.project?.path_with_namespace ??
    (job.repository?.homepage ? repositoryFromUrl(job.repository.homepage) : null);
  const subject = buildSubject({
    // A retried job gets a new build id, so each attempt is its own result.
    external_id: `job:${job.build_id}`,
    repository,
    sha: job.sha,
    ...splitRef(job.ref, job.tag ? "tag" : "branch"),
    url: projectPage ? `${projectPage}/-/jobs/${job.build_id}` : null,
    provider_status: job.build_status,
    attempt: null,
    reported_at: firstProviderTime(job.build_finished_at, job.build_started_at, job.build_created_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: job.build_name,
    environment: job.environment?.name ?? null,
    environment_url: null,
  });
}

function normaliseDeployment(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = deploymentHookSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const deployment = parsed.data;

  const match = lookUpStage(stageMap, [deployment.environment]);
  if (match === null) {
    return {
      kind: "ignored",
      reason: `environment ${describeCandidates([deployment.environment])} is not in stage_map`,
    };
  }
  const outcome = outcomeFrom(DEPLOYMENT_STATUS_OUTCOMES, deployment.status);
  if (outcome === null) return unknownStatus("deployment", deployment.status);

  const subject = buildSubject({
    external_id: `deployment:${deployment.deployment_id}`,
    repository: deployment.project.path_with_namespace,
    // The hook carries only a short SHA; the commit URL ends in the full one.
    sha: shaFromCommitUrl(deployment.commit_url) ?? deployment.short_sha,
    // Deployment hooks do not say whether ref is a branch or a tag.
    ...splitRef(deployment.ref),
    url: safeUrl(deployment.deployable_url),
    provider_status: deployment.status,
    attempt: null,
    reported_at: providerTime(deployment.status_changed_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: deployment.environment,
    environment: deployment.environment,
    environment_url: safeUrl(deployment.environment_external_url),
  });
}

/** GitLab events by `X-Gitlab-Event`; the payload's `object_kind` must agree with it. */
export function normaliseGitLabEvent(
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (eventType) {
    case "Pipeline Hook":
      return normalisePipeline(payload, stageMap);
    case "Job Hook":
      return normaliseJob(payload, stageMap);
    case "Deployment Hook":
      return normaliseDeployment(payload, stageMap);
    default:
      return { kind: "ignored", reason: `GitLab event "${eventType}" is not used` };
  }
}
