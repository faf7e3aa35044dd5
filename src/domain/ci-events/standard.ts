import { z } from "zod";
import type { Outcome } from "./outcome";
import {
  buildSubject,
  describeZodProblem,
  eventForStage,
  isMalformed,
  malformed,
  providerTime,
  safeUrl,
  splitRef,
} from "./source-fields";
import { describeCandidates, lookUpStage } from "./stage-lookup";
import {
  DEPLOYMENT_PHASES,
  type NormalisedCiEvent,
  type StageMap,
  TEST_STAGES,
  TEST_STATUSES,
} from "./types";

/**
 * # Generic CI event body ("standard" provider)
 *
 * For any CI or test tool we have no dedicated adapter for. Requests are signed with Standard
 * Webhooks (https://www.standardwebhooks.com): headers `webhook-id` (unique per message, reused on
 * retry; we deduplicate on it), `webhook-timestamp` (Unix seconds; rejected outside ±5 minutes)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">` keyed with the
 * base64-decoded part of the integration secret after `whsec_`. The body follows the spec's
 * recommended envelope `{type, timestamp, data}`; any Standard Webhooks library can send it.
 *
 * A test result:
 * ```json
 * {
 *   "type": "test_result",
 *   "timestamp": "2026-03-02T04:05:06Z",
 *   "data": {
 *     "external_id": "run-8841",
 *     "repository": "agency/client-site",
 *     "sha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
 *     "ref": "main",
 *     "suite": "Playwright smoke",
 *     "stage": "smoke",
 *     "status": "passed",
 *     "url": "https://ci.example.com/runs/8841"
 *   }
 * }
 * ```
 * - `external_id` (required): your id for the run; send the same id with each status update.
 * - `repository` (required): `owner/name`, matched case-insensitively.
 * - `sha` (required): the commit tested, 7–64 hex characters.
 * - `ref` (optional): branch or tag; `refs/heads/` and `refs/tags/` prefixes are understood.
 * - `suite` (required): the test suite's name.
 * - `stage` (optional): `staging` | `smoke` | `verification` | `uat`. When absent, `suite` is
 *   looked up in the integration's stage_map; a suite in neither is acknowledged and ignored.
 * - `status` (required): `passed` | `failed` | `running` | `skipped`.
 * - `url` (optional): http(s) link to the run.
 *
 * A deployment:
 * ```json
 * {
 *   "type": "deployment",
 *   "data": {
 *     "external_id": "deploy-311",
 *     "repository": "agency/client-site",
 *     "sha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
 *     "ref": "refs/tags/v2.3.0",
 *     "environment": "production",
 *     "phase": "succeeded",
 *     "url": "https://ci.example.com/deploys/311",
 *     "environment_url": "https://www.client.com.au"
 *   }
 * }
 * ```
 * - `phase` (required): `started` | `succeeded` | `failed`; `environment` (required).
 *
 * Other `type` values are acknowledged and ignored. Do not send people's names or emails: unknown
 * fields are dropped, never stored.
 */
export type StandardCiEventBody = StandardTestResultBody | StandardDeploymentBody;

const commonDataShape = {
  external_id: z.string().trim().min(1).max(200),
  repository: z.string().min(1).max(300),
  sha: z.string().min(7).max(64),
  ref: z.string().max(300).nullish(),
  url: z.string().max(2048).nullish(),
};

export const standardTestResultBodySchema = z.object({
  type: z.literal("test_result"),
  timestamp: z.string().nullish(),
  data: z.object({
    ...commonDataShape,
    suite: z.string().trim().min(1).max(200),
    stage: z.enum(TEST_STAGES).nullish(),
    status: z.enum(TEST_STATUSES),
  }),
});
export type StandardTestResultBody = z.infer<typeof standardTestResultBodySchema>;

export const standardDeploymentBodySchema = z.object({
  type: z.literal("deployment"),
  timestamp: z.string().nullish(),
  data: z.object({
    ...commonDataShape,
    environment: z.string().trim().min(1).max(200),
    phase: z.enum(DEPLOYMENT_PHASES),
    environment_url: z.string().max(2048).nullish(),
  }),
});
export type StandardDeploymentBody = z.infer<typeof standardDeploymentBodySchema>;

/** Our own vocabulary maps one-to-one; routed through Outcome so all providers share one path. */
const TEST_STATUS_OUTCOMES = {
  passed: "passed",
  failed: "failed",
  running: "running",
  skipped: "skipped",
} as const;
const PHASE_OUTCOMES = {
  started: "running",
  succeeded: "passed",
  failed: "failed",
} as const satisfies Record<string, Outcome>;

function normaliseTestResult(payload: unknown, stageMap: StageMap): NormalisedCiEvent {
  const parsed = standardTestResultBodySchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const data = parsed.data.data;

  // An explicit stage in the body wins: the sender and the stage map belong to the same agency.
  const match = data.stage ? { target: data.stage, key: data.stage } : lookUpStage(stageMap, [data.suite]);
  if (match === null) {
    return {
      kind: "ignored",
      reason: `suite ${describeCandidates([data.suite])} has no stage and is not in stage_map`,
    };
  }
  if (match.target === "deployment") {
    return {
      kind: "ignored",
      reason: `suite "${data.suite}" maps to deployment; send type "deployment" instead`,
    };
  }
  const subject = buildSubject({
    external_id: data.external_id,
    repository: data.repository,
    sha: data.sha,
    ...splitRef(data.ref),
    url: safeUrl(data.url),
    provider_status: data.status,
    attempt: null,
    reported_at: providerTime(parsed.data.timestamp),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match,
    outcome: TEST_STATUS_OUTCOMES[data.status],
    subject,
    suite: data.suite,
    environment: null,
    environment_url: null,
  });
}

function normaliseDeployment(payload: unknown): NormalisedCiEvent {
  const parsed = standardDeploymentBodySchema.safeParse(payload);
  if (!parsed.success) return malformed(describeZodProblem(parsed.error));
  const data = parsed.data.data;
  const subject = buildSubject({
    external_id: data.external_id,
    repository: data.repository,
    sha: data.sha,
    ...splitRef(data.ref),
    url: safeUrl(data.url),
    provider_status: data.phase,
    attempt: null,
    reported_at: providerTime(parsed.data.timestamp),
  });
  if (isMalformed(subject)) return subject;
  return eventForStage({
    match: { target: "deployment", key: data.environment },
    outcome: PHASE_OUTCOMES[data.phase],
    subject,
    suite: data.environment,
    environment: data.environment,
    environment_url: safeUrl(data.environment_url),
  });
}

/** Standard events by the body's `type`. */
export function normaliseStandardEvent(
  eventType: string,
  payload: unknown,
  stageMap: StageMap,
): NormalisedCiEvent {
  switch (eventType) {
    case "test_result":
      return normaliseTestResult(payload, stageMap);
    case "deployment":
      return normaliseDeployment(payload);
    default:
      return { kind: "ignored", reason: `standard event type "${eventType}" is not used` };
  }
}
