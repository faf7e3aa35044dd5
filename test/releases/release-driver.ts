import { expect } from "vitest";
import { api } from "../support/api";
import type { SeededAgency } from "../support/harness";

// Drives a release through its stages over the API, the way agency tooling would.

let versions = 0;

export async function createRelease(
  a: SeededAgency,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await api("/v1/releases", {
    token: a.tokens.release_manager,
    body: {
      project_id: a.projectId,
      version: `9.${Date.now() % 100000}.${versions++}`,
      title: "Autumn campaign",
      scope: "Campaign landing page",
      change_log: [{ summary: "Landing page" }],
      risk: "low",
      ...overrides,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

export async function ok(path: string, token: string, body?: unknown, method?: string) {
  const res = await api(path, { token, body, ...(method ? { method } : {}) });
  expect(res.status, `${method ?? (body ? "POST" : "GET")} ${path}: ${res.text}`).toBeLessThan(300);
  return res;
}

/** Team (with optional approvers), a window open now (owner override: tests run at any hour) and into pre-deployment verification. */
export async function toPreDeployment(a: SeededAgency, id: string, approvers: string[] = []) {
  await ok(
    `/v1/releases/${id}/team`,
    a.tokens.release_manager,
    {
      release_manager_id: a.members.release_manager.id,
      members: [
        { member_id: a.members.engineer.id, role: "engineer" },
        ...approvers.map((member_id) => ({ member_id, role: "approver" })),
      ],
    },
    "PUT",
  );
  const now = Date.now();
  await ok(
    `/v1/releases/${id}/window`,
    a.tokens.owner,
    {
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 3 * 3_600_000).toISOString(),
      override_reason: "Test window open now",
    },
    "PUT",
  );
  const moved = await ok(`/v1/releases/${id}/transitions`, a.tokens.release_manager, {
    to: "pre_deployment_verification",
  });
  expect(moved.body.stage).toBe("pre_deployment_verification");
}

/** Everything the go needs except sign-offs: staging passed, checklist done, rollback procedure. */
export async function readyForGo(a: SeededAgency, id: string) {
  await ok(`/v1/releases/${id}/test-results`, a.tokens.engineer, {
    stage: "staging",
    suite: "e2e",
    status: "passed",
  });
  const checklist = await ok(`/v1/releases/${id}/checklist`, a.tokens.viewer);
  for (const item of checklist.body.items as { id: string; category: string }[]) {
    const token = item.category === "general" ? a.tokens.engineer : a.tokens.release_manager;
    await ok(`/v1/releases/${id}/checklist/${item.id}`, token, { status: "done" }, "PATCH");
  }
  await ok(
    `/v1/releases/${id}/rollback-procedure`,
    a.tokens.release_manager,
    { steps: [{ title: "Redeploy previous build" }, { title: "Purge CDN cache" }] },
    "PUT",
  );
}

export async function go(a: SeededAgency, id: string) {
  const res = await ok(`/v1/releases/${id}/decisions`, a.tokens.release_manager, {
    kind: "go_no_go",
    outcome: "go",
    rationale: "All gates hold",
  });
  expect(res.body.stage).toBe("deployment_execution");
}

/** From creation to post-deployment verification. */
export async function toPostDeployment(a: SeededAgency, id: string) {
  await toPreDeployment(a, id);
  await readyForGo(a, id);
  await go(a, id);
  await ok(`/v1/releases/${id}/deployment-log`, a.tokens.engineer, { kind: "deployment_completed" });
  await ok(`/v1/releases/${id}/test-results`, a.tokens.engineer, {
    stage: "smoke",
    suite: "smoke",
    status: "passed",
  });
  const moved = await ok(`/v1/releases/${id}/transitions`, a.tokens.release_manager, {
    to: "post_deployment_verification",
  });
  expect(moved.body.stage).toBe("post_deployment_verification");
}

export async function verificationPassed(a: SeededAgency, id: string) {
  for (const stage of ["verification", "uat"]) {
    await ok(`/v1/releases/${id}/test-results`, a.tokens.engineer, { stage, suite: stage, status: "passed" });
  }
}

export async function stable(a: SeededAgency, id: string) {
  return api(`/v1/releases/${id}/decisions`, {
    token: a.tokens.release_manager,
    body: { kind: "stability", outcome: "stable", rationale: "Quiet for an hour" },
  });
}

export async function release(a: SeededAgency, id: string) {
  return (await ok(`/v1/releases/${id}`, a.tokens.viewer)).body;
}

export async function eventTypes(a: SeededAgency, id: string): Promise<string[]> {
  const res = await ok(`/v1/releases/${id}/events?limit=200`, a.tokens.viewer);
  return res.body.items.map((e: { type: string }) => e.type);
}

export function gate(body: { gates: { id: string; ok: boolean }[] }, id: string) {
  return body.gates.find((g) => g.id === id)?.ok;
}
