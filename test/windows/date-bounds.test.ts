import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease } from "../support/releases";

// Every date range a caller can send, at its extremes: a documented 4xx naming the field, never a
// 500. The slot below is the one a CI fuzz run found (FUZZ_SEED=1257676196): the policy check
// expanded the calendar over 52 years and threw.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

const DAY_MS = 86_400_000;
const book = (releaseId: string, body: Record<string, unknown>) =>
  api(`/v1/releases/${releaseId}/window`, { method: "PUT", token: agency.tokens.owner, body });

function expectFieldProblem(res: ApiResponse, status: number, path: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe("PUT /v1/releases/{id}/window: slot bounds", () => {
  it("refuses a decades-long slot with 422 naming ends_at and the limit, with or without an override", async () => {
    const id = await createRelease(agency);
    const slot = { starts_at: "2006-09-30T14:32:56.918Z", ends_at: "2058-07-28T20:27:59.751Z" };
    for (const body of [slot, { ...slot, override_reason: "7<" }]) {
      const res = await book(id, body);
      expectFieldProblem(res, 422, "body.ends_at");
      expect(res.body.detail).toContain("at most 10080 minutes (7 days) after starts_at");
    }
    const release = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
    expect(release.body.window?.starts_at ?? null).toBeNull();
  });

  it("refuses a slot more than 366 days ahead with 422 naming starts_at", async () => {
    const id = await createRelease(agency);
    const start = new Date(Date.now() + 400 * DAY_MS);
    const res = await book(id, {
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
    });
    expectFieldProblem(res, 422, "body.starts_at");
    expect(res.body.detail).toContain("at most 366 days ahead");
  });

  it("refuses a slot in the past or ending before it starts with 422 naming ends_at", async () => {
    const id = await createRelease(agency);
    const past = await book(id, { starts_at: "2020-01-01T00:00:00Z", ends_at: "2020-01-01T01:00:00Z" });
    expectFieldProblem(past, 422, "body.ends_at");
    expect(past.body.detail).toContain("must be in the future");
    const backwards = await book(id, { starts_at: "2027-06-08T03:00:00Z", ends_at: "2027-06-08T02:00:00Z" });
    expectFieldProblem(backwards, 422, "body.ends_at");
  });

  it("refuses an occurrence of a stored window more than 366 days ahead, naming occurrence_starts_at", async () => {
    const id = await createRelease(agency);
    const hours = await api("/v1/windows?kind=business_hours", { token: agency.tokens.viewer });
    const res = await book(id, {
      window_id: hours.body.items[0].id,
      occurrence_starts_at: "2099-06-08T23:00:00Z",
    });
    expect(res.status, res.text).toBe(422);
    expect(res.status).not.toBe(500);
  });

  it("still books a week-long slot inside the bounds", async () => {
    const id = await createRelease(agency);
    const start = new Date(Math.ceil((Date.now() + 30 * DAY_MS) / DAY_MS) * DAY_MS);
    const res = await book(id, {
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 7 * DAY_MS).toISOString(),
      override_reason: "Campaign week: the client's team watches the rollout",
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe("other date ranges at their extremes", () => {
  const calendar = (query: string) => api(`/v1/calendar?${query}`, { token: agency.tokens.viewer });

  it("GET /v1/calendar answers the first and last representable years without a 5xx", async () => {
    for (const query of [
      "from=0001-01-01&to=0001-02-01",
      "from=9999-11-01&to=9999-12-31",
      "from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z",
      "from=2027-01-01&to=2026-01-01",
      "from=2027-02-30&to=2027-03-01",
    ]) {
      const res = await calendar(query);
      expect(res.status, `${query}: ${res.text}`).toBeLessThan(500);
      if (res.status !== 200) expect(res.body.errors.length, query).toBeGreaterThan(0);
    }
  });

  it("POST /v1/windows refuses starts outside the supported years with 400 naming start", async () => {
    for (const start of ["0001-01-01T10:00", "9999-12-31T10:00"]) {
      const res = await api("/v1/windows", {
        token: agency.tokens.owner,
        body: { kind: "maintenance", name: "Far away", start, duration_minutes: 60 },
      });
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text).toBeLessThan(500);
    }
  });

  it("POST /v1/contacts refuses a consent date outside what Postgres stores, or in the future, naming it", async () => {
    for (const obtained_at of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]) {
      const res = await api("/v1/contacts", {
        token: agency.tokens.owner,
        body: {
          name: "Dana Client",
          email: `dana-${crypto.randomUUID()}@example.com`,
          consent: { basis: "express", obtained_at, method: "Signed the SOW" },
        },
      });
      expectFieldProblem(res, 400, "body.consent.obtained_at");
    }
  });
});
