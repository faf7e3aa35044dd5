import { expect } from "vitest";
import { bitbucketCommitStatusUpdated } from "../fixtures/ci/bitbucket-payloads";
import { circleciJobCompleted, circleciWorkflowCompleted } from "../fixtures/ci/circleci-payloads";
import { githubDeploymentStatusSuccess, githubWorkflowRunCompleted } from "../fixtures/ci/github-payloads";
import { gitlabDeploymentHook, gitlabPipelineHook } from "../fixtures/ci/gitlab-payloads";
import { circleCiSignature, hubSignature, standardWebhooksSignature } from "../fixtures/ci/sign-delivery";
import { type ApiResponse, api } from "../support/api";
import type { SeededAgency } from "../support/harness";
import { bookWindowNow, createRelease, decide, makeGoReady, planAndVerify } from "../support/releases";

export type Provider = "github" | "gitlab" | "bitbucket" | "circleci" | "standard";
export const PROVIDERS: readonly Provider[] = ["github", "gitlab", "bitbucket", "circleci", "standard"];

/** The repository each provider's fixtures name (lower-cased, as the receiver normalises it). */
export const REPOSITORY: Record<Provider, string> = {
  github: "harbourdigital/client-site",
  gitlab: "harbour-digital/clients/client-site",
  bitbucket: "harbour-digital/client-site",
  circleci: "harbourdigital/client-site",
  standard: "harbourdigital/client-site",
};

/** The names the fixtures use, mapped the way the README tells agencies to map theirs. */
export const STAGE_MAP: Record<string, string> = {
  "Staging tests": "staging",
  "Smoke tests": "smoke",
  "Verification tests": "verification",
  UAT: "uat",
  production: "deployment",
  "deploy-production": "deployment",
};

// biome-ignore lint/suspicious/noExplicitAny: fixture payloads are edited field by field
type Payload = Record<string, any>;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const randomSha = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join("");

let serial = 0;
export const uniqueNumber = () => (Date.now() % 1_000_000_000) + serial++;

export interface Hook {
  id: string;
  provider: Provider;
  secret: string;
}

export interface CiAgency {
  agency: SeededAgency;
  projectOf: Record<Provider, string>;
  hooks: Record<Provider, Hook>;
}

/** Projects for the fixtures' repositories and one integration per provider, all in `agency`. */
export async function setUpCi(agency: SeededAgency): Promise<CiAgency> {
  const byRepository = new Map<string, string>();
  for (const repository of new Set(Object.values(REPOSITORY))) {
    const project = await api("/v1/projects", {
      token: agency.tokens.owner,
      body: {
        client_id: agency.clientId,
        name: `Site ${repository}`,
        slug: repository.replace(/[^a-z0-9]+/g, "-"),
        repository,
      },
    });
    expect(project.status, project.text).toBe(201);
    byRepository.set(repository, project.body.id);
  }
  const projectOf = Object.fromEntries(
    PROVIDERS.map((p) => [p, byRepository.get(REPOSITORY[p]) as string]),
  ) as Record<Provider, string>;
  const hooks = {} as Record<Provider, Hook>;
  for (const provider of PROVIDERS) {
    hooks[provider] = await createHook(agency, provider, [projectOf[provider]]);
  }
  return { agency, projectOf, hooks };
}

export async function createHook(
  agency: SeededAgency,
  provider: Provider,
  projectIds: string[],
  stageMap: Record<string, string> = STAGE_MAP,
): Promise<Hook> {
  const res = await api("/v1/integrations", {
    token: agency.tokens.release_manager,
    body: { provider, name: `${provider} CI`, project_ids: projectIds, stage_map: stageMap },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, provider, secret: res.body.secret };
}

// ---- payloads, built from the realistic fixtures (personal data and all) ----

export type TestStatus = "running" | "passed" | "failed";
export type DeployPhase = "started" | "succeeded" | "failed";

export interface CiMessage {
  /** Provider event name (header or payload type). */
  event: string;
  payload: Record<string, unknown>;
}

const GITHUB_RUN = {
  running: { action: "in_progress", status: "in_progress", conclusion: null },
  passed: { action: "completed", status: "completed", conclusion: "success" },
  failed: { action: "completed", status: "completed", conclusion: "failure" },
} as const;

const GITLAB_STATUS = { running: "running", passed: "success", failed: "failed" } as const;
const BITBUCKET_STATE = { running: "INPROGRESS", passed: "SUCCESSFUL", failed: "FAILED" } as const;
const CIRCLECI_STATUS = { running: "running", passed: "success", failed: "failed" } as const;
const GITHUB_DEPLOY = { started: "in_progress", succeeded: "success", failed: "failure" } as const;
const GITLAB_DEPLOY = { started: "running", succeeded: "success", failed: "failed" } as const;

/** A test suite's status update for `sha`, as `provider` sends it; `runId` identifies the run. */
export function testMessage(
  provider: Provider,
  suite: string,
  status: TestStatus,
  sha: string,
  runId: number = uniqueNumber(),
): CiMessage {
  switch (provider) {
    case "github": {
      const payload = clone(githubWorkflowRunCompleted) as Payload;
      const run = GITHUB_RUN[status];
      payload.action = run.action;
      Object.assign(payload.workflow_run, {
        id: runId,
        name: suite,
        head_sha: sha,
        status: run.status,
        conclusion: run.conclusion,
      });
      payload.workflow_run.head_commit.id = sha;
      payload.workflow.name = suite;
      return { event: "workflow_run", payload };
    }
    case "gitlab": {
      const payload = clone(gitlabPipelineHook) as Payload;
      Object.assign(payload.object_attributes, {
        id: runId,
        name: suite,
        sha,
        status: GITLAB_STATUS[status],
      });
      payload.commit.id = sha;
      return { event: "Pipeline Hook", payload };
    }
    case "bitbucket": {
      const payload = clone(bitbucketCommitStatusUpdated) as Payload;
      Object.assign(payload.commit_status, {
        key: `KEY-${runId}`,
        name: suite,
        state: BITBUCKET_STATE[status],
      });
      payload.commit_status.commit.hash = sha;
      payload.commit_status.links.commit.href = `https://api.bitbucket.org/2.0/repositories/harbour-digital/client-site/commit/${sha}`;
      return { event: "repo:commit_status_updated", payload };
    }
    case "circleci": {
      const payload = clone(circleciWorkflowCompleted) as Payload;
      payload.id = crypto.randomUUID();
      payload.workflow.id = `wf-${runId}`;
      payload.workflow.name = suite;
      payload.workflow.status = CIRCLECI_STATUS[status];
      payload.pipeline.vcs.revision = sha;
      return { event: "workflow-completed", payload };
    }
    case "standard":
      return {
        event: "test_result",
        payload: {
          type: "test_result",
          timestamp: new Date().toISOString(),
          data: {
            external_id: `run-${runId}`,
            repository: REPOSITORY.standard,
            sha,
            ref: "refs/heads/main",
            suite,
            status,
            url: `https://ci.example.com/runs/${runId}`,
            triggered_by: { name: "Jack Taylor", email: "jack.taylor@clientco.com.au" },
          },
        },
      };
  }
}

/** A production deployment's status update for `sha`, as `provider` sends it. */
export function deploymentMessage(
  provider: Provider,
  phase: DeployPhase,
  sha: string,
  deploymentId: number = uniqueNumber(),
): CiMessage {
  switch (provider) {
    case "github": {
      const payload = clone(githubDeploymentStatusSuccess) as Payload;
      payload.deployment_status.state = GITHUB_DEPLOY[phase];
      payload.deployment.id = deploymentId;
      payload.deployment.sha = sha;
      return { event: "deployment_status", payload };
    }
    case "gitlab": {
      const payload = clone(gitlabDeploymentHook) as Payload;
      payload.status = GITLAB_DEPLOY[phase];
      payload.deployment_id = deploymentId;
      payload.short_sha = sha.slice(0, 8);
      payload.commit_url = `https://gitlab.com/harbour-digital/clients/Client-Site/-/commit/${sha}`;
      return { event: "Deployment Hook", payload };
    }
    case "bitbucket": {
      // A Bitbucket Pipelines deployment step reports a commit status named after the step.
      const message = testMessage(
        provider,
        "production",
        phase === "started" ? "running" : phase === "succeeded" ? "passed" : "failed",
        sha,
        deploymentId,
      );
      return message;
    }
    case "circleci": {
      if (phase === "started") throw new Error("CircleCI only sends completed events");
      const payload = clone(circleciJobCompleted) as Payload;
      payload.id = crypto.randomUUID();
      payload.job.id = `job-${deploymentId}`;
      payload.job.status = phase === "succeeded" ? "success" : "failed";
      payload.pipeline.vcs.revision = sha;
      return { event: "job-completed", payload };
    }
    case "standard":
      return {
        event: "deployment",
        payload: {
          type: "deployment",
          data: {
            external_id: `deploy-${deploymentId}`,
            repository: REPOSITORY.standard,
            sha,
            ref: "refs/tags/v2.3.0",
            environment: "production",
            phase,
            url: `https://ci.example.com/deploys/${deploymentId}`,
          },
        },
      };
  }
}

// ---- signing and sending ----

const encoder = new TextEncoder();
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface SendOptions {
  deliveryId?: string;
  /** Sign with this secret instead of the hook's. */
  secret?: string;
  /** Sign these bytes but send `body` (a tampered delivery). */
  signedBody?: Uint8Array;
  body?: Uint8Array;
  timestamp?: number;
  /** GitLab: the legacy X-Gitlab-Token instead of a signing token. */
  gitlabLegacyToken?: boolean;
  integrationId?: string;
}

/** Signs and posts `message` exactly as `hook.provider` does. */
export async function send(hook: Hook, message: CiMessage, options: SendOptions = {}): Promise<ApiResponse> {
  const { body, headers } = await signedDelivery(hook, message, options);
  return api(`/hooks/${options.integrationId ?? hook.id}`, { method: "POST", rawBody: body, headers });
}

/** The body and headers `provider` sends for `message`, signed with the hook's secret. */
export async function signedDelivery(
  hook: Hook,
  message: CiMessage,
  options: SendOptions = {},
): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  const body = options.body ?? encoder.encode(JSON.stringify(message.payload));
  const signed = options.signedBody ?? body;
  const secret = options.secret ?? hook.secret;
  const deliveryId = options.deliveryId ?? crypto.randomUUID();
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  switch (hook.provider) {
    case "github":
      Object.assign(headers, {
        "X-GitHub-Event": message.event,
        "X-GitHub-Delivery": deliveryId,
        "X-GitHub-Hook-ID": "292430182",
        "X-Hub-Signature-256": await hubSignature(secret, signed),
      });
      break;
    case "gitlab":
      headers["X-Gitlab-Event"] = message.event;
      if (options.gitlabLegacyToken) {
        Object.assign(headers, {
          "X-Gitlab-Token": secret,
          "Idempotency-Key": deliveryId,
          "X-Gitlab-Event-UUID": crypto.randomUUID(),
        });
      } else {
        const timestamp = options.timestamp ?? nowSeconds();
        Object.assign(headers, {
          "webhook-id": deliveryId,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": await standardWebhooksSignature(secret, deliveryId, timestamp, signed),
          "Idempotency-Key": deliveryId,
        });
      }
      break;
    case "bitbucket":
      Object.assign(headers, {
        "X-Event-Key": message.event,
        "X-Request-UUID": deliveryId,
        "X-Attempt-Number": "1",
        "X-Hub-Signature": await hubSignature(secret, signed),
      });
      break;
    case "circleci":
      Object.assign(headers, {
        "circleci-event-type": message.event,
        "circleci-signature": await circleCiSignature(secret, signed),
      });
      break;
    case "standard": {
      const timestamp = options.timestamp ?? nowSeconds();
      Object.assign(headers, {
        "webhook-id": deliveryId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await standardWebhooksSignature(secret, deliveryId, timestamp, signed),
      });
      break;
    }
  }
  return { body, headers };
}

/** The delivery id the provider would dedupe on for a message (CircleCI: the payload `id`). */
export function deliveryIdOf(response: ApiResponse): string {
  return response.body.delivery_id as string;
}

export interface DeliveryView {
  id: string;
  delivery_id: string | null;
  event_type: string | null;
  outcome: string;
  reason: string | null;
  release_id: string | null;
}

export async function deliveries(
  agency: SeededAgency,
  hook: Hook,
  query = "limit=200",
): Promise<DeliveryView[]> {
  const res = await api(`/v1/integrations/${hook.id}/deliveries?${query}`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

/** Longer than the queue's first retry (5 s, then 10 s), so one transient failure under load still settles. */
const SETTLE_DEADLINE_MS = 25_000;

/**
 * Processing runs from the queue after the 202, so tests wait for the delivery's outcome: polls
 * the deliveries listing until the delivery is no longer `received`, up to a deadline.
 */
export async function settled(agency: SeededAgency, hook: Hook, deliveryId: string): Promise<DeliveryView> {
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  while (Date.now() < deadline) {
    const found = (await deliveries(agency, hook)).find(
      (d) => d.delivery_id === deliveryId && d.outcome !== "duplicate",
    );
    if (found && found.outcome !== "received") return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`delivery ${deliveryId} was not processed within ${SETTLE_DEADLINE_MS / 1_000} s`);
}

/** Sends and waits for the outcome; the delivery must have been accepted (202). */
export async function sendAndSettle(
  hook: Hook,
  agency: SeededAgency,
  message: CiMessage,
  options: SendOptions = {},
) {
  const res = await send(hook, message, options);
  expect(res.status, res.text).toBe(202);
  if (res.body.outcome === "ignored") return { response: res, delivery: null };
  return { response: res, delivery: await settled(agency, hook, deliveryIdOf(res)) };
}

// ---- releases ----

/** A release of `projectId` pinned to `sha`, in pre-deployment verification. */
export async function releaseInVerification(
  agency: SeededAgency,
  projectId: string,
  sha: string,
): Promise<string> {
  const id = await createRelease(agency, { project_id: projectId, commit_sha: sha });
  await planAndVerify(agency, id);
  return id;
}

/** Verified, go given inside an open window: deploying. */
export async function goLive(agency: SeededAgency, releaseId: string): Promise<void> {
  await makeGoReady(agency, releaseId);
  await bookWindowNow(agency, releaseId);
  const go = await decide(agency, releaseId, { kind: "go_no_go", outcome: "go", rationale: "Staging green" });
  expect(go.status, go.text).toBe(200);
  expect(go.body.stage).toBe("deployment_execution");
}

export async function releaseInExecutionAt(
  agency: SeededAgency,
  projectId: string,
  sha: string,
): Promise<string> {
  const id = await releaseInVerification(agency, projectId, sha);
  await goLive(agency, id);
  return id;
}

export async function releaseOf(agency: SeededAgency, releaseId: string) {
  const res = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export async function listOf(
  agency: SeededAgency,
  releaseId: string,
  what: "test-results" | "deployment-log" | "events",
) {
  const res = await api(`/v1/releases/${releaseId}/${what}?limit=200`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items as Payload[];
}

/** The test results CI reported on the release (not those engineers recorded). */
export async function ciTestResults(agency: SeededAgency, releaseId: string) {
  return (await listOf(agency, releaseId, "test-results")).filter((r) => r.source === "ci");
}

export function gate(release: { gates: { id: string; ok: boolean; detail: string }[] }, id: string) {
  const found = release.gates.find((g) => g.id === id);
  if (!found) throw new Error(`no gate ${id}`);
  return found;
}
