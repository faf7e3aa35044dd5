import { expect } from "vitest";
import { api } from "./api";
import type { SeededAgency } from "./harness";

/** A weekday two to three weeks ahead at 00:00 UTC: 10:00 or 11:00 in Sydney, inside business hours. */
export function businessHoursSlot(offsetDays = 0): { starts_at: string; ends_at: string } {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((9 - d.getUTCDay()) % 7) + 14 + offsetDays);
  d.setUTCHours(0, 0, 0, 0);
  return { starts_at: d.toISOString(), ends_at: new Date(d.getTime() + 3_600_000).toISOString() };
}

let versionCounter = 0;

export async function createRelease(
  agency: SeededAgency,
  overrides: Record<string, unknown> = {},
  token = agency.tokens.release_manager,
): Promise<string> {
  const res = await api("/v1/releases", {
    token,
    body: {
      project_id: agency.projectId,
      version: `3.${Date.now() % 100000}.${versionCounter++}`,
      title: "Summer campaign landing page",
      scope: "New landing page and hero banner",
      change_log: [{ summary: "Landing page", kind: "feature" }],
      risk: "low",
      ...overrides,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** Planning outputs: team assigned and a business-hours window confirmed; then into verification. */
export async function planAndVerify(agency: SeededAgency, releaseId: string): Promise<void> {
  const rm = agency.tokens.release_manager;
  const team = await api(`/v1/releases/${releaseId}/team`, {
    method: "PUT",
    token: rm,
    body: {
      release_manager_id: agency.members.release_manager.id,
      members: [
        { member_id: agency.members.engineer.id, role: "engineer" },
        { member_id: agency.members.owner.id, role: "approver" },
      ],
    },
  });
  expect(team.status, team.text).toBe(200);
  const window = await api(`/v1/releases/${releaseId}/window`, {
    method: "PUT",
    token: rm,
    body: businessHoursSlot(),
  });
  expect(window.status, window.text).toBe(200);
  const moved = await api(`/v1/releases/${releaseId}/transitions`, {
    token: rm,
    body: { to: "pre_deployment_verification" },
  });
  expect(moved.status, moved.text).toBe(200);
}

export async function decide(
  agency: SeededAgency,
  releaseId: string,
  body: Record<string, unknown>,
  token?: string,
) {
  return api(`/v1/releases/${releaseId}/decisions`, { token: token ?? agency.tokens.release_manager, body });
}

/** Verification inputs a go needs: a passing staging run, the checklist ticked, a rollback procedure. */
export async function makeGoReady(agency: SeededAgency, releaseId: string): Promise<void> {
  const rm = agency.tokens.release_manager;
  const staging = await api(`/v1/releases/${releaseId}/test-results`, {
    token: agency.tokens.engineer,
    body: { stage: "staging", suite: "e2e", status: "passed", url: "https://ci.example/runs/1" },
  });
  expect(staging.status, staging.text).toBe(200);
  const checklist = await api(`/v1/releases/${releaseId}/checklist`, { token: rm });
  expect(checklist.status, checklist.text).toBe(200);
  for (const item of checklist.body.items as { id: string; status: string }[]) {
    if (item.status !== "open") continue;
    const ticked = await api(`/v1/releases/${releaseId}/checklist/${item.id}`, {
      method: "PATCH",
      token: rm,
      body: { status: "done", evidence_url: "https://docs.example/evidence" },
    });
    expect(ticked.status, ticked.text).toBe(200);
  }
  const procedure = await api(`/v1/releases/${releaseId}/rollback-procedure`, {
    method: "PUT",
    token: rm,
    body: { steps: [{ title: "Re-point DNS to the previous build" }, { title: "Purge the CDN cache" }] },
  });
  expect(procedure.status, procedure.text).toBe(200);
}

/** An owner books a window open right now (override: the suite runs at any hour), so a go deploys at once. */
export async function bookWindowNow(agency: SeededAgency, releaseId: string): Promise<void> {
  const now = Date.now();
  const res = await api(`/v1/releases/${releaseId}/window`, {
    method: "PUT",
    token: agency.tokens.owner,
    body: {
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 2 * 3_600_000).toISOString(),
      override_reason: "Test run: deploy now",
    },
  });
  expect(res.status, res.text).toBe(200);
}

/** Planned, verified and given go inside an open window: the release is deploying. */
export async function releaseInExecution(agency: SeededAgency): Promise<string> {
  const id = await createRelease(agency);
  await planAndVerify(agency, id);
  await makeGoReady(agency, id);
  await bookWindowNow(agency, id);
  const go = await decide(agency, id, {
    kind: "go_no_go",
    outcome: "go",
    rationale: "Staging green, checklist done",
  });
  expect(go.status, go.text).toBe(200);
  expect(go.body.stage).toBe("deployment_execution");
  return id;
}
