import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatabaseHandle } from "../../src/db/client";
import { inSystemScope } from "../../src/db/scope";
import { bitbucketCommitStatusUpdated } from "../fixtures/ci/bitbucket-payloads";
import { circleciJobCompleted, circleciWorkflowCompleted } from "../fixtures/ci/circleci-payloads";
import {
  githubCheckSuiteCompleted,
  githubDeploymentStatusSuccess,
  githubWorkflowRunCompleted,
} from "../fixtures/ci/github-payloads";
import { gitlabDeploymentHook, gitlabJobHook, gitlabPipelineHook } from "../fixtures/ci/gitlab-payloads";
import { PERSONAL_DATA } from "../fixtures/ci/personal-data";
import { standardDeploymentBody, standardTestResultBody } from "../fixtures/ci/standard-bodies";
import { type SeededAgency, seedAgency } from "../support/harness";
import { bookWindowNow, createRelease, decide, makeGoReady, planAndVerify } from "../support/releases";
import { type CiAgency, createHook, type Hook, type Provider, send, settled, setUpCi } from "./ci-driver";

// Tables the receiver and the release's command write to. Every row of the agency is scanned.
const TABLES = [
  "integrations",
  "integration_projects",
  "webhook_deliveries",
  "test_results",
  "deployment_log_entries",
  "release_events",
  "releases",
  "idempotency_keys",
];

let agency: SeededAgency;
let ci: CiAgency;
const captured: string[] = [];
const spies: ReturnType<typeof vi.spyOn>[] = [];

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    spies.push(
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
        original(...args);
      }),
    );
  }
  agency = await seedAgency();
  ci = await setUpCi(agency);
});

afterAll(() => {
  for (const spy of spies) spy.mockRestore();
});

/** Maps every name the fixtures use, so each payload is applied (or refused by the rules) rather than ignored. */
const FIXTURE_STAGE_MAP = {
  "Smoke tests": "smoke",
  Buildkite: "smoke",
  production: "deployment",
  "Pipeline for branch: main": "smoke",
  "playwright-smoke": "smoke",
  "UAT regression": "uat",
  verification: "verification",
  "deploy-production": "deployment",
  "Playwright smoke": "smoke",
};

async function releaseDeployingAt(projectId: string, sha: string, gitRef?: string) {
  const id = await createRelease(agency, {
    project_id: projectId,
    commit_sha: sha,
    ...(gitRef ? { git_ref: gitRef } : {}),
  });
  await planAndVerify(agency, id);
  await makeGoReady(agency, id);
  await bookWindowNow(agency, id);
  const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
  expect(go.status, go.text).toBe(200);
  return id;
}

describe("privacy: no committer, pusher or sender names or emails are stored or logged", () => {
  it("sends every fixture (names and emails included), then scans every table written and the console", async () => {
    const { GITHUB_SHA } = await import("../fixtures/ci/github-payloads");
    const { GITLAB_SHA } = await import("../fixtures/ci/gitlab-payloads");
    const { BITBUCKET_SHA } = await import("../fixtures/ci/bitbucket-payloads");
    const { CIRCLECI_SHA } = await import("../fixtures/ci/circleci-payloads");
    const { STANDARD_SHA } = await import("../fixtures/ci/standard-bodies");
    // Releases at the fixtures' own commits, so the unmodified fixtures match and are applied.
    await releaseDeployingAt(ci.projectOf.github, GITHUB_SHA);
    await releaseDeployingAt(ci.projectOf.gitlab, GITLAB_SHA);
    await releaseDeployingAt(ci.projectOf.bitbucket, BITBUCKET_SHA);
    await releaseDeployingAt(ci.projectOf.circleci, CIRCLECI_SHA);
    await releaseDeployingAt(ci.projectOf.standard, STANDARD_SHA);

    const hooks = {} as Record<Provider, Hook>;
    for (const provider of Object.keys(ci.hooks) as Provider[]) {
      hooks[provider] = await createHook(agency, provider, [ci.projectOf[provider]], FIXTURE_STAGE_MAP);
    }
    const standardSmoke = JSON.parse(JSON.stringify(standardTestResultBody));
    standardSmoke.data.repository = "harbourdigital/client-site";
    const standardDeploy = JSON.parse(JSON.stringify(standardDeploymentBody));
    standardDeploy.data.repository = "harbourdigital/client-site";
    const sends: [Provider, string, unknown][] = [
      ["github", "workflow_run", githubWorkflowRunCompleted],
      ["github", "check_suite", githubCheckSuiteCompleted],
      ["github", "deployment_status", githubDeploymentStatusSuccess],
      [
        "github",
        "push",
        { ...githubWorkflowRunCompleted, pusher: { name: PERSONAL_DATA[0], email: PERSONAL_DATA[1] } },
      ],
      ["gitlab", "Pipeline Hook", gitlabPipelineHook],
      ["gitlab", "Job Hook", gitlabJobHook],
      ["gitlab", "Deployment Hook", gitlabDeploymentHook],
      ["bitbucket", "repo:commit_status_updated", bitbucketCommitStatusUpdated],
      ["circleci", "workflow-completed", circleciWorkflowCompleted],
      ["circleci", "job-completed", circleciJobCompleted],
      ["standard", "test_result", standardSmoke],
      ["standard", "deployment", standardDeploy],
    ];
    const outcomes: string[] = [];
    for (const [provider, event, payload] of sends) {
      const res = await send(hooks[provider], { event, payload: payload as Record<string, unknown> });
      expect(res.status, `${provider} ${event}: ${res.text}`).toBe(202);
      expect(PERSONAL_DATA.some((value) => res.text.includes(value))).toBe(false);
      if (res.body.outcome === "received") {
        outcomes.push((await settled(agency, hooks[provider], res.body.delivery_id)).outcome);
      } else outcomes.push(res.body.outcome);
    }
    // Most are applied; the point is that they reached every table, not that the rules accepted all.
    expect(outcomes.filter((o) => o === "applied").length).toBeGreaterThanOrEqual(8);

    // A tampered and a malformed delivery too: refusals must not log the payload either.
    const tampered = await send(
      hooks.github,
      { event: "workflow_run", payload: githubWorkflowRunCompleted },
      {
        signedBody: new TextEncoder().encode("{}"),
      },
    );
    expect(tampered.status).toBe(401);
    const malformed = await send(hooks.gitlab, {
      event: "Pipeline Hook",
      payload: { object_kind: "pipeline", user: { name: PERSONAL_DATA[6], email: PERSONAL_DATA[7] } },
    });
    expect(malformed.status).toBe(400);
    expect(PERSONAL_DATA.some((value) => malformed.text.includes(value))).toBe(false);

    const handle = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
    try {
      for (const table of TABLES) {
        const rows = await inSystemScope(
          handle,
          async (tx) =>
            (
              await tx.execute(
                sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t where tenant_id = ${agency.tenantId}`,
              )
            ).rows as { row: string }[],
        );
        if (
          ["webhook_deliveries", "test_results", "deployment_log_entries", "release_events"].includes(table)
        ) {
          expect(rows.length, table).toBeGreaterThan(0);
        }
        for (const { row } of rows) {
          for (const value of PERSONAL_DATA) {
            expect(row.toLowerCase().includes(value.toLowerCase()), `${table} holds "${value}": ${row}`).toBe(
              false,
            );
          }
        }
      }
    } finally {
      await handle.end();
    }

    // The console was captured (the receiver logs each delivery by id) and holds none of it.
    expect(captured.some((line) => line.includes("webhook_received"))).toBe(true);
    for (const line of captured) {
      for (const value of PERSONAL_DATA) {
        expect(line.toLowerCase().includes(value.toLowerCase()), `console: ${line}`).toBe(false);
      }
    }
  });
});
