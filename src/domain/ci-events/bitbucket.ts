import { z } from "zod";
import { type Outcome, outcomeFrom } from "./outcome";
import {
  buildSubject,
  describeZodProblem,
  eventForStage,
  firstProviderTime,
  isMalformed,
  malformed,
  safeUrl,
  shaFromCommitUrl,
  splitRef,
  unknownStatus,
} from "./source-fields";
import { describeCandidates, lookUpStage } from "./stage-lookup";
import type { NormalisedCiEvent, StageMap } from "./types";

/* Declared fields only; `actor` (display name, nickname, account id) is stripped by zod. */
const commitStatusSchema = z.object({
  commit_status: z.object({
    key: z.string().min(1),
    name: z.string().nullish(),
    state: z.string(),
    url: z.string().nullish(),
    refname: z.string().nullish(),
    commit: z.object({ hash: z.string() }).nullish(),
    links: z.object({ commit: z.object({ href: z.string() }).nullish() }).nullish(),
    repository: z.object({ full_name: z.string().min(1) }).nullish(),
    created_on: z.string().nullish(),
    updated_on: z.string().nullish(),
  }),
  repository: z.object({ full_name: z.string().min(1) }).nullish(),
});

const STATE_OUTCOMES: Readonly<Record<string, Outcome>> = {
  INPROGRESS: "running",
  SUCCESSFUL: "passed",
  FAILED: "failed",
  STOPPED: "cancelled",
};

function normaliseCommitStatus(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = commitStatusSchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const status = parsed.data.commit_status;

  // Third-party tools set a stable `key`; `name` is what people see in Bitbucket.
  const candidates = [status.name, status.key];
  const match = lookUpStage(stageMap, candidates);
  if (match === null) {
    return { kind: "ignored", reason: `commit status ${describeCandidates(candidates)} is not in stage_map` };
  }
  const outcome = outcomeFrom(STATE_OUTCOMES, status.state);
  if (outcome === null) return unknownStatus("commit", status.state);

  const sha = (status.commit?.hash ?? shaFromCommitUrl(status.links?.commit?.href))?.toLowerCase() ?? null;
  const subject = buildSubject({
    // Bitbucket identifies a status by commit and key: a later update with the same key replaces it.
    external_id: `commit_status:${sha ?? ""}:${status.key}`,
    repository: parsed.data.repository?.full_name ?? status.repository?.full_name ?? null,
    sha,
    ...splitRef(status.refname),
    url: safeUrl(status.url),
    provider_status: status.state,
    attempt: null,
    reported_at: firstProviderTime(status.updated_on, status.created_on),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome,
    subject,
    suite: status.name ?? status.key,
    environment: null,
    environment_url: null,
  });
}

/** Bitbucket events by `X-Event-Key`; only commit statuses carry CI results. */
export function normaliseBitbucketEvent(
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (eventType) {
    case "repo:commit_status_created":
    case "repo:commit_status_updated":
      return normaliseCommitStatus(payload, stageMap);
    default:
      return { kind: "ignored", reason: `Bitbucket event "${eventType}" is not used` };
  }
}
