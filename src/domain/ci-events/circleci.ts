import { z } from "zod";
import { type Outcome, outcomeFrom } from "./outcome";
import {
  buildSubject,
  describeZodProblem,
  eventForStage,
  isMalformed,
  malformed,
  normaliseRepository,
  providerTime,
  repositoryFromUrl,
  safeUrl,
  splitRef,
  unknownStatus,
} from "./source-fields";
import { describeCandidates, lookUpStage } from "./stage-lookup";
import type { NormalisedCiEvent, StageMap } from "./types";

/* Declared fields only; `pipeline.vcs.commit` (author and committer name/email, message) is stripped. */
const completedEventSchema = z.object({
  happened_at: z.string().nullish(),
  workflow: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    status: z.string(),
    url: z.string().nullish(),
  }),
  pipeline: z.object({
    vcs: z
      .object({
        target_repository_url: z.string().nullish(),
        origin_repository_url: z.string().nullish(),
        revision: z.string(),
        branch: z.string().nullish(),
        tag: z.string().nullish(),
      })
      .nullish(),
  }),
  project: z.object({ slug: z.string().min(1) }),
});

const jobCompletedSchema = completedEventSchema.extend({
  job: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    number: z.number().int().nullish(),
    status: z.string(),
  }),
});

/** Workflow and job statuses (a completed event only carries final ones, but be complete). */
const STATUS_OUTCOMES: Readonly<Record<string, Outcome>> = {
  success: "passed",
  failed: "failed",
  error: "failed",
  infrastructure_fail: "failed",
  timedout: "failed",
  "terminated-unknown": "failed",
  // Refused to run (for example a restricted context): a configuration fault someone must fix,
  // so it blocks like a failure instead of passing silently as "no verdict".
  unauthorized: "failed",
  canceled: "cancelled",
  not_run: "skipped",
  on_hold: "awaiting_action",
  blocked: "queued",
  queued: "queued",
  running: "running",
  failing: "running",
};

/** `gh/Org/Repo` or `bitbucket/org/repo` → `org/repo`; `circleci/<uuid>/<uuid>` slugs are opaque ids. */
const VCS_SLUG_PREFIXES = new Set(["gh", "github", "bb", "bitbucket"]);

function repositoryFrom(data: z.infer<typeof completedEventSchema>): string | null {
  const vcs = data.pipeline.vcs;
  const fromUrl = vcs?.target_repository_url ?? vcs?.origin_repository_url;
  if (fromUrl) return repositoryFromUrl(fromUrl);
  const [prefix, ...rest] = data.project.slug.split("/");
  return prefix !== undefined && VCS_SLUG_PREFIXES.has(prefix) ? normaliseRepository(rest.join("/")) : null;
}

function refFrom(data: z.infer<typeof completedEventSchema>) {
  const vcs = data.pipeline.vcs;
  if (vcs?.tag) return splitRef(vcs.tag, "tag");
  return splitRef(vcs?.branch, vcs?.branch ? "branch" : null);
}

function normaliseWorkflowCompleted(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = completedEventSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { workflow, pipeline } = parsed.data;

  const match = lookUpStage(stageMap, [workflow.name]);
  if (match === null) {
    return { kind: "ignored", reason: `workflow ${describeCandidates([workflow.name])} is not in stage_map` };
  }
  if (!pipeline.vcs) return { kind: "ignored", reason: "pipeline has no VCS commit to match a release on" };
  const outcome = outcomeFrom(STATUS_OUTCOMES, workflow.status);
  if (outcome === null) return unknownStatus("workflow", workflow.status);

  const subject = buildSubject({
    external_id: `workflow:${workflow.id}`,
    repository: repositoryFrom(parsed.data),
    sha: pipeline.vcs.revision,
    ...refFrom(parsed.data),
    url: safeUrl(workflow.url),
    provider_status: workflow.status,
    attempt: null,
    reported_at: providerTime(parsed.data.happened_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: workflow.name,
    environment: null,
    environment_url: null,
  });
}

function normaliseJobCompleted(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = jobCompletedSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const { job, workflow, pipeline } = parsed.data;

  // Only the job name: looking up the workflow name too would duplicate workflow-completed results.
  const match = lookUpStage(stageMap, [job.name]);
  if (match === null)
    return { kind: "ignored", reason: `job ${describeCandidates([job.name])} is not in stage_map` };
  if (!pipeline.vcs) return { kind: "ignored", reason: "pipeline has no VCS commit to match a release on" };
  const outcome = outcomeFrom(STATUS_OUTCOMES, job.status);
  if (outcome === null) return unknownStatus("job", job.status);

  const workflowPage = safeUrl(workflow.url);
  const subject = buildSubject({
    external_id: `job:${job.id}`,
    repository: repositoryFrom(parsed.data),
    sha: pipeline.vcs.revision,
    ...refFrom(parsed.data),
    url: workflowPage && job.number != null ? `${workflowPage}/jobs/${job.number}` : workflowPage,
    provider_status: job.status,
    attempt: null,
    reported_at: providerTime(parsed.data.happened_at),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: job.name,
    environment: null,
    environment_url: null,
  });
}

/** CircleCI events by payload `type` (or `circleci-event-type`). */
export function normaliseCircleCiEvent(
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (eventType) {
    case "workflow-completed":
      return normaliseWorkflowCompleted(payload, stageMap);
    case "job-completed":
      return normaliseJobCompleted(payload, stageMap);
    default:
      return { kind: "ignored", reason: `CircleCI event "${eventType}" is not used` };
  }
}
