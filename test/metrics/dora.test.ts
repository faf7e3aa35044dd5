import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { decide, releaseInExecution } from "../support/releases";
import { securityCases } from "../support/security";
import { addClientWithProject, writeHistory } from "./history";

// Sydney is on AEDT (+11:00) from 4 Oct 2026, so the range 5 Oct–1 Nov is exactly four weeks.
const RANGE = "from=2026-10-05&to=2026-11-01";

let agency: SeededAgency;
let other: SeededAgency;
let second: { clientId: string; projectId: string };

beforeAll(async () => {
  agency = await seedAgency({ timezone: "Australia/Sydney" });
  other = await seedAgency({ timezone: "Australia/Sydney" });
  second = await addClientWithProject(agency, "Bondi Surf Co");
  const a = agency.projectId;
  await writeHistory(agency, [
    // Deployed before the range, rolled back inside it: not a deployment of the range.
    {
      version: "0.9.0",
      projectId: a,
      createdAt: "2026-09-30T00:00:00Z",
      attempts: [
        {
          deployedAt: "2026-10-01T00:00:00Z",
          rollbackStartedAt: "2026-10-06T00:00:00Z",
          rollbackReason: "Checkout errors after the deploy",
          rollbackCompletedAt: "2026-10-06T01:00:00Z",
        },
      ],
    },
    // CI first reported at 02:00, deployed a day later: lead 24 h, stable.
    {
      version: "1.0.0",
      projectId: a,
      createdAt: "2026-10-05T00:00:00Z",
      ciAt: ["2026-10-05T02:00:00Z"],
      attempts: [{ deployedAt: "2026-10-06T02:00:00Z" }],
      windowStartsAt: "2026-10-06T01:00:00Z",
      windowEndsAt: "2026-10-06T05:00:00Z",
    },
    // No CI: lead from creation, 10 h. Deployed at 01:00 on Monday 12 Oct in Sydney (Sunday in UTC),
    // rolled back 2 h later, restored 1.5 h after that.
    {
      version: "2.0.0",
      projectId: a,
      createdAt: "2026-10-11T04:00:00Z",
      attempts: [
        {
          deployedAt: "2026-10-11T14:00:00Z",
          rollbackStartedAt: "2026-10-11T16:00:00Z",
          rollbackCompletedAt: "2026-10-11T17:30:00Z",
        },
      ],
    },
    // Unstable, the rollback fails, and a second attempt a day later is the fix: restore 24 h.
    {
      version: "3.0.0",
      projectId: a,
      createdAt: "2026-10-13T00:00:00Z",
      attempts: [
        {
          deployedAt: "2026-10-14T00:00:00Z",
          unstableAt: "2026-10-14T01:00:00Z",
          rollbackStartedAt: "2026-10-14T01:00:00Z",
          rollbackFailedAt: "2026-10-14T02:00:00Z",
        },
        { deployedAt: "2026-10-15T01:00:00Z" },
      ],
    },
    // Never deployed: not counted.
    { version: "3.5.0", projectId: a, createdAt: "2026-10-16T00:00:00Z", attempts: [{}] },
    // The other client: CI before the release was created; lead 8 h from CI.
    {
      version: "4.0.0",
      projectId: second.projectId,
      createdAt: "2026-10-20T00:00:00Z",
      ciAt: ["2026-10-19T20:00:00Z"],
      attempts: [{ deployedAt: "2026-10-20T04:00:00Z" }],
    },
    // After the range.
    {
      version: "5.0.0",
      projectId: a,
      createdAt: "2026-11-04T00:00:00Z",
      attempts: [{ deployedAt: "2026-11-05T00:00:00Z" }],
    },
  ]);
  // Another agency's deployment in the same range never counts here.
  await writeHistory(other, [
    {
      version: "9.9.9",
      projectId: other.projectId,
      createdAt: "2026-10-06T00:00:00Z",
      attempts: [{ deployedAt: "2026-10-07T00:00:00Z", rollbackStartedAt: "2026-10-07T01:00:00Z" }],
    },
  ]);
});

const dora = (query: string, token = agency.tokens.viewer) => api(`/v1/metrics/dora?${query}`, { token });

describe("GET /v1/metrics/dora", () => {
  it("computes the four keys for the agency from a known history", async () => {
    const res = await dora(RANGE);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      from: "2026-10-05",
      to: "2026-11-01",
      timezone: "Australia/Sydney",
      interval: "week",
      scope: { kind: "agency", id: agency.tenantId },
      deployment_frequency: { deployments: 5, per_week: 1.25 },
      // Leads 8, 10, 24, 24, 49 h: median 24; p90 interpolates 24 + 0.6 × 25 = 39.
      lead_time_for_changes: { p50_hours: 24, p90_hours: 39, samples: 5 },
      change_failure_rate: { failed: 2, deployments: 5, rate: 0.4 },
      // Restores 1.5 h (rollback) and 24 h (fix forward after a failed rollback).
      time_to_restore: { p50_hours: 12.75, samples: 2 },
    });
    // Weeks from Monday in Sydney: 2.0.0 deployed at 01:00 on Monday 12 Oct there counts in that week.
    expect(res.body.series).toEqual([
      { period_start: "2026-10-05", deployments: 1, failures: 0, lead_time_p50_hours: 24 },
      { period_start: "2026-10-12", deployments: 3, failures: 2, lead_time_p50_hours: 24 },
      { period_start: "2026-10-19", deployments: 1, failures: 0, lead_time_p50_hours: 8 },
      { period_start: "2026-10-26", deployments: 0, failures: 0, lead_time_p50_hours: null },
    ]);
  });

  it("narrows to a client or a project, and by month", async () => {
    const client = await dora(`${RANGE}&client_id=${agency.clientId}`);
    expect(client.status, client.text).toBe(200);
    expect(client.body.scope).toEqual({ kind: "client", id: agency.clientId, name: "Harbour Cafe" });
    expect(client.body.change_failure_rate).toEqual({ failed: 2, deployments: 4, rate: 0.5 });

    const project = await dora(`${RANGE}&project_id=${second.projectId}`);
    expect(project.status, project.text).toBe(200);
    expect(project.body.scope).toMatchObject({ kind: "project", id: second.projectId });
    expect(project.body.deployment_frequency.deployments).toBe(1);
    expect(project.body.lead_time_for_changes).toEqual({ p50_hours: 8, p90_hours: 8, samples: 1 });
    expect(project.body.time_to_restore).toEqual({ p50_hours: null, samples: 0 });

    const months = await dora("from=2026-09-01&to=2026-11-30&interval=month");
    expect(months.status, months.text).toBe(200);
    expect(months.body.series.map((p: { period_start: string; deployments: number }) => p)).toEqual([
      { period_start: "2026-09-01", deployments: 0, failures: 0, lead_time_p50_hours: null },
      { period_start: "2026-10-01", deployments: 6, failures: 3, lead_time_p50_hours: 24 },
      { period_start: "2026-11-01", deployments: 1, failures: 0, lead_time_p50_hours: 24 },
    ]);
  });

  it("an empty range has zeros and nulls, never NaN", async () => {
    const res = await dora("from=2025-01-01&to=2025-01-31");
    expect(res.status, res.text).toBe(200);
    expect(res.body.deployment_frequency).toEqual({ deployments: 0, per_week: 0 });
    expect(res.body.change_failure_rate).toEqual({ failed: 0, deployments: 0, rate: null });
    expect(res.body.lead_time_for_changes).toEqual({ p50_hours: null, p90_hours: null, samples: 0 });
  });

  it("refuses bad ranges and scopes with a problem that names the field", async () => {
    const cases: [string, number, string][] = [
      ["from=20261001", 400, "query.from"],
      ["from=2026-02-30&to=2026-03-01", 422, "query.from"],
      ["from=2026-11-01&to=2026-10-01", 422, "query.to"],
      ["from=2020-01-01&to=2026-10-01", 422, "query.from"],
      ["to=2099-01-01", 422, "query.to"],
      ["interval=day", 400, "query.interval"],
      [`client_id=${agency.clientId}&project_id=${agency.projectId}`, 400, "query.project_id"],
      ["client_id=not-a-uuid", 400, "query.client_id"],
    ];
    for (const [query, status, path] of cases) {
      const res = await dora(query);
      expect(res.status, `${query}: ${res.text}`).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(JSON.stringify(res.body.errors ?? []), query).toContain(path);
    }
  });

  it("another agency's client or project is a 404, and its deployments never count", async () => {
    for (const query of [`client_id=${other.clientId}`, `project_id=${other.projectId}`]) {
      const res = await dora(`${RANGE}&${query}`);
      expect(res.status, res.text).toBe(404);
    }
    const theirs = await dora(RANGE, other.tokens.viewer);
    expect(theirs.body.deployment_frequency.deployments).toBe(1);
    expect(theirs.body.change_failure_rate.failed).toBe(1);
  });
});

describe("what the lifecycle records", () => {
  it("a deployment through the API counts; its unstable decision and rollback make it a restored failure", async () => {
    const fresh = await seedAgency();
    const id = await releaseInExecution(fresh);
    const post = async (path: string, body: object, token = fresh.tokens.engineer) => {
      const res = await api(`/v1/releases/${id}${path}`, { token, body });
      expect(res.status, `${path}: ${res.text}`).toBe(200);
    };
    await post("/deployment-log", { kind: "deployment_started" });
    await post("/deployment-log", { kind: "deployment_completed" });
    const query = `project_id=${fresh.projectId}`;
    const deployed = await dora(query, fresh.tokens.viewer);
    expect(deployed.body.deployment_frequency.deployments).toBe(1);
    expect(deployed.body.change_failure_rate.failed).toBe(0);
    expect(deployed.body.lead_time_for_changes.samples).toBe(1);

    await post("/test-results", { stage: "smoke", suite: "homepage", status: "passed" });
    await post("/transitions", { to: "post_deployment_verification" }, fresh.tokens.release_manager);
    const unstable = await decide(fresh, id, {
      kind: "stability",
      outcome: "unstable",
      rationale: "Errors up",
    });
    expect(unstable.status, unstable.text).toBe(200);
    const failed = await dora(query, fresh.tokens.viewer);
    expect(failed.body.change_failure_rate).toEqual({ failed: 1, deployments: 1, rate: 1 });
    expect(failed.body.time_to_restore.samples).toBe(0);

    await post("/rollback-steps", { position: 1, outcome: "done" });
    await post("/rollback-steps", { position: 2, outcome: "done" });
    const restored = await dora(query, fresh.tokens.viewer);
    expect(restored.body.time_to_restore.samples).toBe(1);
    expect(restored.body.time_to_restore.p50_hours).toBeGreaterThanOrEqual(0);
    expect(restored.body.time_to_restore.p50_hours).toBeLessThan(1);
  });
});

describe("GET /v1/metrics/dora.svg", () => {
  it("draws the same series as a self-contained, labelled SVG", async () => {
    const res = await api(`/v1/metrics/dora.svg?${RANGE}&client_id=${second.clientId}`, {
      token: agency.tokens.viewer,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("image/svg+xml");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(res.text.startsWith("<svg")).toBe(true);
    expect(res.text).toContain("<title");
    expect(res.text).toContain("Delivery for Bondi Surf Co, 5 Oct 2026 – 1 Nov 2026");
    expect(res.text).toContain("<desc");
    expect(res.text).not.toMatch(/<script|href=|url\(/i);
  });

  it("refuses what the JSON refuses", async () => {
    const res = await api("/v1/metrics/dora.svg?from=2026-11-01&to=2026-10-01", {
      token: agency.tokens.viewer,
    });
    expect(res.status).toBe(422);
  });
});

securityCases("GET /v1/metrics/dora", { method: "GET", path: () => `/v1/metrics/dora?${RANGE}` }, () => [
  agency,
  other,
]);
securityCases(
  "GET /v1/metrics/dora?client_id",
  { method: "GET", path: (a) => `/v1/metrics/dora?client_id=${a.clientId}`, ownsResource: true },
  () => [agency, other],
);
securityCases(
  "GET /v1/metrics/dora.svg",
  { method: "GET", path: (a) => `/v1/metrics/dora.svg?project_id=${a.projectId}`, ownsResource: true },
  () => [agency, other],
);
