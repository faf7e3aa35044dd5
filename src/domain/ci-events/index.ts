import { normaliseBitbucketEvent } from "./bitbucket";
import { normaliseCircleCiEvent } from "./circleci";
import { normaliseGitHubEvent } from "./github";
import { normaliseGitLabEvent } from "./gitlab";
import { normaliseStandardEvent } from "./standard";
import type { CiProvider, NormalisedCiEvent, StageMap } from "./types";

export type { Outcome } from "./outcome";
export {
  type StandardCiEventBody,
  type StandardDeploymentBody,
  type StandardTestResultBody,
  standardDeploymentBodySchema,
  standardTestResultBodySchema,
} from "./standard";
export * from "./types";

/**
 * Maps a verified, parsed CI payload to the event a release acts on. Pure: no I/O, no clock.
 * - `test_result` / `deployment`: match the release on `repository` + `sha` (or `ref`), upsert by
 *   `external_id`.
 * - `ignored`: authentic but unused (event type, unmapped name, non-final or superseded status);
 *   acknowledge with 202 and drop.
 * - `malformed`: a used event type without the fields it must have; answer 400.
 * Only ids, statuses, SHA, ref, URLs and workflow/job/environment names are ever copied out.
 */
export function normaliseCiEvent(
  provider: CiProvider,
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (provider) {
    case "github":
      return normaliseGitHubEvent(eventType, payload, stageMap);
    case "gitlab":
      return normaliseGitLabEvent(eventType, payload, stageMap);
    case "bitbucket":
      return normaliseBitbucketEvent(eventType, payload, stageMap);
    case "circleci":
      return normaliseCircleCiEvent(eventType, payload, stageMap);
    case "standard":
      return normaliseStandardEvent(eventType, payload, stageMap);
  }
}
