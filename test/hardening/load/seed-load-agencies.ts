// Seeds the agencies the load runs against, through the HTTP API as a
// customer would, each with releases parked where many writes are legitimate:
//  - facts: pre-deployment verification, pinned to a commit, so engineers'
//    staging results and the CI's signed workflow_run deliveries are accepted
//    again and again;
//  - halt: pre-deployment verification, for racing halt/resume decisions
//    (one of two is refused with 409 once the other is in force);
//  - go: every go gate holds and the window opens tomorrow, so exactly one go
//    decision wins (the release is scheduled) and every later one is a 409;
//  - verification: deployed and in post-deployment verification, taking issue
//    reports and verification/UAT results.
import { createHash } from "node:crypto";
import { memberIdOf, releaseReadyForDecisions } from "../../../scripts/lib/bench-decisions.ts";
import { createGitHubIntegration, type GitHubIntegration } from "../../../scripts/lib/bench-webhooks.ts";
import { callApi, type SeededAgency, seedAgency } from "../../../scripts/lib/seed-agency.ts";

export type LoadReleaseRole = "facts" | "halt" | "go" | "verification";

export interface LoadRelease {
  id: string;
  role: LoadReleaseRole;
  /** Set on `facts` releases: the commit the CI deliveries name. */
  commitSha: string | null;
}

export interface LoadAgency {
  index: number;
  agency: SeededAgency;
  /** The project's repository, as the CI deliveries name it. */
  repository: string;
  integration: GitHubIntegration;
  releases: LoadRelease[];
}

/** How many releases of each role every agency gets. */
export const RELEASES_PER_AGENCY: Readonly<Record<LoadReleaseRole, number>> = {
  facts: 2,
  halt: 1,
  go: 1,
  verification: 1,
};

export async function seedLoadAgencies(
  apiUrl: string,
  adminToken: string,
  count: number,
  seed: number,
): Promise<LoadAgency[]> {
  const runTag = Date.now().toString(36);
  return Promise.all(
    Array.from({ length: count }, (_, index) => seedLoadAgency(apiUrl, adminToken, index, seed, runTag)),
  );
}

async function seedLoadAgency(
  apiUrl: string,
  adminToken: string,
  index: number,
  seed: number,
  runTag: string,
): Promise<LoadAgency> {
  const agency = await seedAgency(apiUrl, adminToken, {
    slug: `load-${runTag}-${index}`,
    name: `Load Agency ${index + 1}`,
    emailDomain: `load-agency-${index + 1}.example`,
  });
  const env = { apiUrl };
  const [releaseManagerId, engineerId, project, integration] = await Promise.all([
    memberIdOf(env, agency, "release_manager"),
    memberIdOf(env, agency, "engineer"),
    callApi(apiUrl, `/v1/projects/${agency.projectId}`, { token: agency.tokens.owner }),
    createGitHubIntegration(apiUrl, agency, "Load GitHub Actions"),
  ]);
  if (project.status !== 200 || typeof project.body?.repository !== "string") {
    throw new Error(`GET /v1/projects/{id} answered ${project.status}: ${project.text.slice(0, 300)}`);
  }
  const team = {
    release_manager_id: releaseManagerId,
    members: [{ member_id: engineerId, role: "engineer" }],
  };

  // Each release has its own Durable Object, so they are seeded side by side.
  const roles = (Object.keys(RELEASES_PER_AGENCY) as LoadReleaseRole[]).flatMap((role) =>
    Array.from({ length: RELEASES_PER_AGENCY[role] }, () => role),
  );
  const releases = await Promise.all(
    roles.map(async (role, n): Promise<LoadRelease> => {
      if (role === "facts") {
        const commitSha = commitShaOf(seed, index, n);
        const id = await releaseReadyForDecisions(env, agency, team, n, {
          fields: { commit_sha: commitSha },
        });
        return { id, role, commitSha };
      }
      if (role === "verification") {
        const now = Date.now();
        // A window open now, so the go starts the deployment at once (booked with the owner's override).
        const id = await releaseReadyForDecisions(env, agency, team, n, {
          window: {
            starts_at: new Date(now - 60_000).toISOString(),
            ends_at: new Date(now + 3 * 3_600_000).toISOString(),
          },
        });
        await satisfyGoGates(apiUrl, agency, id);
        await deployAndVerify(apiUrl, agency, id);
        return { id, role, commitSha: null };
      }
      const id = await releaseReadyForDecisions(env, agency, team, n);
      if (role === "go") await satisfyGoGates(apiUrl, agency, id);
      return { id, role, commitSha: null };
    }),
  );
  return { index, agency, repository: project.body.repository, integration, releases };
}

/** A 40-hex commit SHA that depends only on the seed and the release's place, so a replay names the same commits. */
function commitShaOf(seed: number, agencyIndex: number, releaseIndex: number): string {
  return createHash("sha1").update(`load:${seed}:${agencyIndex}:${releaseIndex}`).digest("hex");
}

/** Everything the go needs: staging passed, every checklist item done, a rollback procedure. */
async function satisfyGoGates(apiUrl: string, agency: SeededAgency, releaseId: string): Promise<void> {
  const { engineer, release_manager: releaseManager, viewer } = agency.tokens;
  const tickChecklist = async () => {
    const checklist = await expectOk(apiUrl, `/v1/releases/${releaseId}/checklist`, viewer, "GET");
    await Promise.all(
      (checklist.items as { id: string; category: string }[]).map((item) =>
        // Compliance items are a named sign-off only an owner or release manager may give.
        expectOk(
          apiUrl,
          `/v1/releases/${releaseId}/checklist/${item.id}`,
          item.category === "general" ? engineer : releaseManager,
          "PATCH",
          { status: "done" },
        ),
      ),
    );
  };
  // Independent facts; the release's Durable Object applies them one at a time.
  await Promise.all([
    expectOk(apiUrl, `/v1/releases/${releaseId}/test-results`, engineer, "POST", {
      stage: "staging",
      suite: "e2e",
      status: "passed",
    }),
    tickChecklist(),
    expectOk(apiUrl, `/v1/releases/${releaseId}/rollback-procedure`, releaseManager, "PUT", {
      steps: [{ title: "Redeploy the previous build" }, { title: "Purge the CDN cache" }],
    }),
  ]);
}

/** Go inside the window, deployment completed, smoke test passed, on to post-deployment verification. */
async function deployAndVerify(apiUrl: string, agency: SeededAgency, releaseId: string): Promise<void> {
  const { engineer, release_manager: releaseManager } = agency.tokens;
  const went = await expectOk(apiUrl, `/v1/releases/${releaseId}/decisions`, releaseManager, "POST", {
    kind: "go_no_go",
    outcome: "go",
    rationale: "Every gate holds",
  });
  if (went.stage !== "deployment_execution") {
    throw new Error(`the go left the release in ${went.stage}/${went.status}, not deployment_execution`);
  }
  await expectOk(apiUrl, `/v1/releases/${releaseId}/deployment-log`, engineer, "POST", {
    kind: "deployment_completed",
  });
  await expectOk(apiUrl, `/v1/releases/${releaseId}/test-results`, engineer, "POST", {
    stage: "smoke",
    suite: "smoke",
    status: "passed",
  });
  const moved = await expectOk(apiUrl, `/v1/releases/${releaseId}/transitions`, releaseManager, "POST", {
    to: "post_deployment_verification",
  });
  if (moved.stage !== "post_deployment_verification") {
    throw new Error(`the transition left the release in ${moved.stage}, not post_deployment_verification`);
  }
}

/** Calls the API and answers with the JSON body, or throws with the status and body. */
async function expectOk(
  apiUrl: string,
  path: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<Awaited<ReturnType<typeof callApi>>["body"]> {
  const res = await callApi(apiUrl, path, { token, method, ...(body === undefined ? {} : { body }) });
  if (res.status >= 300)
    throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.body;
}
