// `npm run bench`: how many signed CI webhooks the receiver accepts per second, and how long a
// CI system waits for its 202. Each request is a distinct, correctly signed GitHub `workflow_run`
// delivery (a fresh X-GitHub-Delivery GUID), so every one is verified, normalised and claimed
// under the unique constraint, then processed after the answer from the Cloudflare Queue the
// receiver hands it to: matched against the agency's releases (none at that commit: outcome
// `unmatched`) and its delivery row updated. The processing shares the Worker with the load, as it
// would in production.
import { createHmac, randomUUID } from "node:crypto";
import { cpuRows, cpuSince } from "./bench-cpu.ts";
import type { BenchEnvironment } from "./bench-env.ts";
import { percentile } from "./bench-load.ts";
import type { BenchMeasurement, BenchRow } from "./bench-report.ts";
import { callApi, type SeededAgency } from "./seed-agency.ts";

export interface WebhookBenchSettings {
  concurrency: number;
  requests: number;
  warmup: number;
}

interface WebhookBenchContext {
  env: Pick<BenchEnvironment, "apiUrl" | "bridge" | "cpu">;
  agency: SeededAgency;
}

const NAME = "POST /hooks/{integration_id} (GitHub workflow_run)";

function randomSha(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

function workflowRun(repository: string): string {
  return workflowRunPayload(repository, { id: Math.floor(Math.random() * 1e10), headSha: randomSha() });
}

/** A completed, successful GitHub `workflow_run` ("Staging tests") of one commit, as GitHub sends it. */
export function workflowRunPayload(repository: string, run: { id: number; headSha: string }): string {
  const { id } = run;
  return JSON.stringify({
    action: "completed",
    workflow_run: {
      id,
      name: "Staging tests",
      path: ".github/workflows/staging.yml",
      head_sha: run.headSha,
      head_branch: "main",
      status: "completed",
      conclusion: "success",
      html_url: `https://github.com/${repository}/actions/runs/${id}`,
      run_attempt: 1,
      actor: { login: "someone", id: 1, type: "User" },
      head_commit: { author: { name: "A Person", email: "a.person@example.com" } },
    },
    repository: { full_name: repository, html_url: `https://github.com/${repository}` },
  });
}

/** The headers GitHub sends with a `workflow_run` delivery, signed (HMAC-SHA256) with the hook's secret. */
export function signedWorkflowRunHeaders(
  secret: string,
  body: string,
  deliveryId: string,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "workflow_run",
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "1",
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}

interface Outcome {
  latencies: number[];
  errors: number;
  firstError?: string;
  durationMs: number;
}

async function load(
  url: string,
  secret: string,
  repository: string,
  concurrency: number,
  requests: number,
): Promise<Outcome> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  const worker = async () => {
    while (sent < requests) {
      sent++;
      // Signed before the clock starts: the CI system's work, not ours.
      const body = workflowRun(repository);
      const headers = signedWorkflowRunHeaders(secret, body, randomUUID());
      const start = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.status !== 202) {
          errors++;
          firstError ??= `HTTP ${response.status}`;
          continue;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    errors,
    durationMs: performance.now() - started,
    ...(firstError ? { firstError } : {}),
  };
}

/** Waits (bounded) until the deliveries processed after their 202 have all been given an outcome. */
async function drain(apiUrl: string, token: string, integrationId: string, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const pending = await callApi(
      apiUrl,
      `/v1/integrations/${integrationId}/deliveries?outcome=received&limit=200`,
      {
        token,
      },
    );
    const count = Array.isArray(pending.body?.items) ? pending.body.items.length : 0;
    if (count === 0 || performance.now() - started > limitMs) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface GitHubIntegration {
  id: string;
  /** The receiver URL, `{apiUrl}/hooks/{id}`. */
  url: string;
  /** The signing secret, shown once at creation. */
  secret: string;
}

/** Registers a GitHub integration on the agency's project whose "Staging tests" workflow reports staging results. */
export async function createGitHubIntegration(
  apiUrl: string,
  agency: SeededAgency,
  name: string,
): Promise<GitHubIntegration> {
  const created = await callApi(apiUrl, "/v1/integrations", {
    token: agency.tokens.owner,
    body: {
      provider: "github",
      name,
      project_ids: [agency.projectId],
      stage_map: { "Staging tests": "staging" },
    },
  });
  if (created.status !== 201)
    throw new Error(`POST /v1/integrations answered ${created.status}: ${created.text}`);
  return { id: created.body.id, url: `${apiUrl}/hooks/${created.body.id}`, secret: created.body.secret };
}

export function webhookMeasurement(settings: WebhookBenchSettings): BenchMeasurement<WebhookBenchContext> {
  return {
    name: NAME,
    async run({ env, agency }) {
      const project = await callApi(env.apiUrl, `/v1/projects/${agency.projectId}`, {
        token: agency.tokens.owner,
      });
      const repository: string = project.body?.repository ?? `${agency.slug}/harbour-cafe-site`;
      const integration = await createGitHubIntegration(env.apiUrl, agency, "Bench GitHub Actions");
      const { url, secret } = integration;

      if (settings.warmup > 0) await load(url, secret, repository, settings.concurrency, settings.warmup);
      const cpuBefore = env.cpu.snapshot();
      const result = await load(url, secret, repository, settings.concurrency, settings.requests);
      const cpu = cpuSince(env.cpu, cpuBefore);
      const pending = await drain(env.apiUrl, agency.tokens.owner, integration.id, 60_000);

      // Round trips of one delivery, intake and processing together: sequential deliveries, each
      // given time to be processed before the next, counted at the bridge.
      const sequential = 20;
      const before = { ...env.bridge.stats };
      for (let i = 0; i < sequential; i++) {
        await load(url, secret, repository, 1, 1);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const frames = (env.bridge.stats.framesToDatabase - before.framesToDatabase) / sequential;
      const connections = (env.bridge.stats.connections - before.connections) / sequential;

      const row = (metric: string, value: number, unit: string, note?: string): BenchRow => ({
        measurement: NAME,
        target: "api",
        metric,
        value,
        unit,
        ...(note ? { note } : {}),
      });
      return [
        row(
          "accepted webhooks",
          (result.latencies.length / result.durationMs) * 1000,
          "req/s",
          `${settings.concurrency} closed loops, each a new signed delivery`,
        ),
        row("time to 202 p50", percentile(result.latencies, 50), "ms"),
        row(
          "time to 202 p99",
          percentile(result.latencies, 99),
          "ms",
          "verify + normalise + claim; processing after",
        ),
        row(
          "errors",
          result.errors,
          `of ${settings.requests}`,
          result.firstError ? `first: ${result.firstError}` : undefined,
        ),
        row(
          "frames to DB / delivery",
          frames,
          "frames",
          `${sequential} sequential deliveries, intake and processing (the command's own in its Durable Object included)`,
        ),
        row(
          "connections / delivery",
          connections,
          "conns",
          "the receiver's, and the queue consumer's per batch",
        ),
        row("still unprocessed after 60 s", pending, "deliveries", "processed from the queue after the 202"),
        // During the intake burst; the queue's processing that ran meanwhile is in it.
        ...cpuRows(env.cpu, cpu, result.latencies.length, {
          measurement: NAME,
          target: "api",
          per: "accepted delivery",
          worker: "api",
        }),
      ];
    },
  };
}
