import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency, seedTwoAgencies } from "../support/harness";
import { businessHoursSlot, createRelease, planAndVerify } from "../support/releases";
import { securityCases } from "../support/security";

let a: SeededAgency;
let b: SeededAgency;
let releaseA: string;
const agencies = (): [SeededAgency, SeededAgency] => [a, b];
const release = () => releaseA;

beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
  releaseA = await createRelease(a);
});

const MANAGERS = ["owner", "release_manager"] as const;

securityCases("GET /v1/releases", { method: "GET", path: () => "/v1/releases" }, agencies);
securityCases(
  "POST /v1/releases",
  {
    method: "POST",
    path: () => "/v1/releases",
    body: (x) => ({ project_id: x.projectId, version: `v-${crypto.randomUUID()}`, title: "T", risk: "low" }),
    allowedRoles: MANAGERS,
  },
  agencies,
);
securityCases(
  "GET /v1/releases/{id}",
  { method: "GET", path: () => `/v1/releases/${release()}`, ownsResource: true },
  agencies,
);
securityCases(
  "PATCH /v1/releases/{id}",
  {
    method: "PATCH",
    path: () => `/v1/releases/${release()}`,
    body: () => ({ title: "Renamed" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "PUT /v1/releases/{id}/team",
  {
    method: "PUT",
    path: () => `/v1/releases/${release()}/team`,
    body: (x) => ({ release_manager_id: x.members.release_manager.id, members: [] }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "PUT /v1/releases/{id}/window",
  {
    method: "PUT",
    path: () => `/v1/releases/${release()}/window`,
    body: () => businessHoursSlot(),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "GET /v1/releases/{id}/plan",
  { method: "GET", path: () => `/v1/releases/${release()}/plan`, ownsResource: true },
  agencies,
);
for (const path of ["test-results", "deployment-log", "events"]) {
  securityCases(
    `GET /v1/releases/{id}/${path}`,
    { method: "GET", path: () => `/v1/releases/${release()}/${path}`, ownsResource: true },
    agencies,
  );
}
// Commands: authority is the lifecycle rules' own; a viewer is refused everything.
const commands: [string, () => unknown][] = [
  ["transitions", () => ({ to: "pre_deployment_verification" })],
  ["decisions", () => ({ kind: "halt", rationale: "x" })],
  ["cancel", () => ({ reason: "x" })],
  ["reattempt", () => ({ reason: "x" })],
  ["test-results", () => ({ stage: "staging", suite: "e2e", status: "passed" })],
  ["deployment-log", () => ({ kind: "deployment_started" })],
  ["rollback-steps", () => ({ position: 1, outcome: "done" })],
];
for (const [path, body] of commands) {
  securityCases(
    `POST /v1/releases/{id}/${path}`,
    {
      method: "POST",
      path: () => `/v1/releases/${release()}/${path}`,
      body,
      allowedRoles: ["owner", "release_manager", "engineer"],
      ownsResource: true,
    },
    agencies,
  );
}

describe("release input and state rules", () => {
  it("rejects malformed ids, unknown stages and unknown fields with 400, writing nothing", async () => {
    expect((await api("/v1/releases/not-a-uuid", { token: a.tokens.viewer })).status).toBe(400);
    const before = await api(`/v1/releases/${releaseA}`, { token: a.tokens.viewer });
    const stage = await api(`/v1/releases/${releaseA}/transitions`, {
      token: a.tokens.release_manager,
      body: { to: "shipping" },
    });
    expect(stage.status).toBe(400);
    expect(stage.body.errors[0].path).toBe("body.to");
    const extra = await api(`/v1/releases/${releaseA}/decisions`, {
      token: a.tokens.release_manager,
      body: { kind: "halt", rationale: "x", outcome: "go" },
    });
    expect(extra.status).toBe(400);
    const blank = await api(`/v1/releases/${releaseA}/decisions`, {
      token: a.tokens.release_manager,
      body: { kind: "halt", rationale: "  " },
    });
    expect(blank.status).toBe(400);
    const after = await api(`/v1/releases/${releaseA}`, { token: a.tokens.viewer });
    expect(after.body.row_version).toBe(before.body.row_version);
  });

  it("refuses a project from another agency and a duplicate version", async () => {
    const foreign = await api("/v1/releases", {
      token: a.tokens.owner,
      body: { project_id: b.projectId, version: "9.9.9", title: "x", risk: "low" },
    });
    expect(foreign.status).toBe(422);
    const first = await api("/v1/releases", {
      token: a.tokens.owner,
      body: { project_id: a.projectId, version: "dup-1", title: "x", risk: "low" },
    });
    expect(first.status).toBe(201);
    const dup = await api("/v1/releases", {
      token: a.tokens.owner,
      body: { project_id: a.projectId, version: "dup-1", title: "y", risk: "low" },
    });
    expect(dup.status).toBe(409);
  });

  it("refuses moving stages out of order and explains which gates are unmet", async () => {
    const id = await createRelease(a, { release_manager_id: null });
    // No release manager is assigned yet, so the tenant's release manager has no authority here: 403 that says so.
    const unassigned = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.release_manager,
      body: { to: "pre_deployment_verification" },
    });
    expect(unassigned.status).toBe(403);
    expect(unassigned.body.detail).toMatch(/release manager/i);
    const skip = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.owner,
      body: { to: "deployment_execution" },
    });
    expect(skip.status).toBe(409);
    expect(skip.body.detail).toMatch(/in order|gates|cannot/i);
    const early = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.owner,
      body: { to: "pre_deployment_verification" },
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("gates_unmet");
    const ids = early.body.unmet_gates.map((g: { id: string }) => g.id);
    expect(ids).toEqual(
      expect.arrayContaining(["release_manager_assigned", "engineer_assigned", "window_confirmed"]),
    );
    for (const g of early.body.unmet_gates) expect(g.detail.length).toBeGreaterThan(10);
  });

  it("allows going back from verification to planning, and cancelling before execution", async () => {
    const id = await createRelease(a);
    await planAndVerify(a, id);
    const back = await api(`/v1/releases/${id}/transitions`, {
      token: a.tokens.release_manager,
      body: { to: "planning", reason: "Scope changed" },
    });
    expect(back.status, back.text).toBe(200);
    expect(back.body.stage).toBe("planning");
    const cancelled = await api(`/v1/releases/${id}/cancel`, {
      token: a.tokens.release_manager,
      body: { reason: "Client postponed" },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    const edit = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { title: "Nope" },
    });
    expect(edit.status).toBe(409);
  });

  it("freezes planning fields once planning is over, and honours If-Match", async () => {
    const id = await createRelease(a);
    const first = await api(`/v1/releases/${id}`, { token: a.tokens.viewer });
    const stale = first.headers.get("ETag") ?? "";
    const ok = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { scope: "Bigger scope" },
      headers: { "If-Match": stale },
    });
    expect(ok.status, ok.text).toBe(200);
    const lost = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { scope: "Lost update" },
      headers: { "If-Match": stale },
    });
    expect(lost.status).toBe(412);
    const badHeader = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { title: "x" },
      headers: { "If-Match": "garbage" },
    });
    expect(badHeader.status).toBe(400);
    await planAndVerify(a, id);
    const frozen = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { scope: "Sneaky", title: "Fine" },
    });
    expect(frozen.status).toBe(409);
    expect(frozen.body.errors[0].path).toBe("body.scope");
    const current = await api(`/v1/releases/${id}`, { token: a.tokens.viewer });
    expect(current.body.scope).toBe("Bigger scope");
    expect(current.body.title).not.toBe("Fine");
    const titleOnly = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { title: "Fine" },
    });
    expect(titleOnly.status).toBe(200);
  });

  it("serves the plan as JSON and markdown, with the window in the client's local time", async () => {
    const id = await createRelease(a);
    await planAndVerify(a, id);
    const json = await api(`/v1/releases/${id}/plan`, { token: a.tokens.viewer });
    expect(json.status).toBe(200);
    expect(json.body.window.timezone).toBe("Australia/Sydney");
    expect(json.body.window.starts_local).toMatch(/AEDT|AEST/);
    const md = await api(`/v1/releases/${id}/plan`, {
      token: a.tokens.viewer,
      headers: { Accept: "text/markdown" },
    });
    expect(md.headers.get("Content-Type")).toContain("text/markdown");
    expect(md.text).toContain("Summer campaign landing page");
    expect(md.text).toContain("Rollback");
    // Awaiting its go/no-go, the plan carries the recommendation and why.
    expect(json.body.go_no_go.recommendation).toBe("no_go");
    expect(json.body.go_no_go.reasons.length).toBeGreaterThan(0);
    expect(md.text).toContain("## Go/no-go recommendation");
  });

  it("lists releases filtered by project, stage and status", async () => {
    const id = await createRelease(a);
    const cancel = await api(`/v1/releases/${id}/cancel`, {
      token: a.tokens.owner,
      body: { reason: "No longer needed" },
    });
    expect(cancel.status, cancel.text).toBe(200);
    const cancelled = await api(`/v1/releases?status=cancelled&project_id=${a.projectId}&limit=200`, {
      token: a.tokens.viewer,
    });
    expect(cancelled.body.items.map((r: { id: string }) => r.id)).toContain(id);
    expect(cancelled.body.items.every((r: { status: string }) => r.status === "cancelled")).toBe(true);
    const other = await api(`/v1/releases?limit=200`, { token: b.tokens.viewer });
    expect(other.body.items.map((r: { id: string }) => r.id)).not.toContain(id);
    expect((await api("/v1/releases?stage=nowhere", { token: a.tokens.viewer })).status).toBe(400);
  });

  it("takes decisions from an assigned release manager as soon as they are demoted", async () => {
    const agency = await seedAgency();
    const id = await createRelease(agency);
    await planAndVerify(agency, id);
    const demoted = await api(`/v1/members/${agency.members.release_manager.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { role: "engineer" },
    });
    expect(demoted.status, demoted.text).toBe(200);
    const before = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    const halt = await api(`/v1/releases/${id}/decisions`, {
      token: agency.tokens.release_manager,
      body: { kind: "halt", rationale: "Trying after demotion" },
    });
    expect(halt.status, halt.text).toBe(403);
    expect(halt.body.code).toBe("forbidden");
    const after = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    expect(after.body.row_version).toBe(before.body.row_version);
    const report = await api(`/v1/releases/${id}/test-results`, {
      token: agency.tokens.release_manager,
      body: { stage: "staging", suite: "e2e", status: "passed" },
    });
    expect(report.status, report.text).toBe(200);
  });
});
