import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { inSystemScope } from "../../src/db/scope";
import { api } from "../support/api";
import { withDatabase } from "../support/database";
import { type SeededAgency, seedAgency } from "../support/harness";
import { securityCases } from "../support/security";
import { addClientWithProject, writeHistory } from "./history";

let agency: SeededAgency;
let other: SeededAgency;
let second: { clientId: string; projectId: string };

beforeAll(async () => {
  agency = await seedAgency({ timezone: "Australia/Sydney" });
  other = await seedAgency({ timezone: "Australia/Sydney" });
  second = await addClientWithProject(agency, "Bondi Surf Co");
  const a = agency.projectId;
  await writeHistory(agency, [
    {
      version: "1.0.0",
      projectId: a,
      createdAt: "2026-10-05T00:00:00Z",
      attempts: [{ deployedAt: "2026-10-06T02:00:00Z" }],
      windowStartsAt: "2026-10-06T01:00:00Z",
      windowEndsAt: "2026-10-06T05:00:00Z",
    },
    {
      version: "2.0.0",
      projectId: a,
      createdAt: "2026-10-11T04:00:00Z",
      attempts: [
        {
          deployedAt: "2026-10-11T14:00:00Z",
          rollbackStartedAt: "2026-10-11T16:00:00Z",
          rollbackReason: "Checkout <b>errors</b> after the deploy",
          rollbackCompletedAt: "2026-10-11T17:30:00Z",
        },
      ],
      windowStartsAt: "2026-10-11T13:00:00Z",
      windowEndsAt: "2026-10-11T17:00:00Z",
    },
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
    // September: not in October's report.
    {
      version: "0.8.0",
      projectId: a,
      createdAt: "2026-09-01T00:00:00Z",
      attempts: [{ deployedAt: "2026-09-02T00:00:00Z" }],
    },
    // The other client's release: never in the first client's report.
    {
      version: "4.0.0",
      projectId: second.projectId,
      createdAt: "2026-10-20T00:00:00Z",
      attempts: [{ deployedAt: "2026-10-20T04:00:00Z" }],
    },
  ]);
});

const report = (clientId: string, query = "month=2026-10", headers: Record<string, string> = {}) =>
  api(`/v1/clients/${clientId}/report?${query}`, { token: agency.tokens.viewer, headers });

async function shareLink(clientId: string, body: object = { month: "2026-10" }) {
  const res = await api(`/v1/clients/${clientId}/report-links`, {
    token: agency.tokens.release_manager,
    body,
  });
  expect(res.status, res.text).toBe(201);
  return res;
}

/** The path of a share link's URL (the Worker under test answers any origin). */
const pathOf = (url: string) => new URL(url).pathname;

describe("GET /v1/clients/{id}/report", () => {
  it("gives the month's releases, windows, rollbacks and DORA figures as JSON", async () => {
    const res = await report(agency.clientId);
    expect(res.status, res.text).toBe(200);
    const body = res.body;
    expect(body.client).toEqual({ id: agency.clientId, name: "Harbour Cafe" });
    expect(body.month).toBe("2026-10");
    expect(body.timezone).toBe("Australia/Sydney");
    expect(
      body.releases_shipped.map((r: { version: string; attempt: number; failed_change: boolean }) => [
        r.version,
        r.attempt,
        r.failed_change,
      ]),
    ).toEqual([
      ["1.0.0", 1, false],
      ["2.0.0", 1, true],
      ["3.0.0", 1, true],
      ["3.0.0", 2, false],
    ]);
    expect(body.releases_shipped[0]).toMatchObject({
      deployed_at: "2026-10-06T13:00:00+11:00",
      window: { starts_at: "2026-10-06T12:00:00+11:00", ends_at: "2026-10-06T16:00:00+11:00" },
      lead_time_hours: 26,
    });
    expect(body.rollbacks).toEqual([
      expect.objectContaining({
        version: "2.0.0",
        trigger: "rollback_decision",
        reason: "Checkout <b>errors</b> after the deploy",
        outcome: "completed",
        started_at: "2026-10-12T03:00:00+11:00",
        ended_at: "2026-10-12T04:30:00+11:00",
      }),
      expect.objectContaining({ version: "3.0.0", trigger: "unstable_decision", outcome: "failed" }),
    ]);
    expect(body.windows_used).toBe(2);
    expect(body.dora.scope).toMatchObject({ kind: "client", id: agency.clientId });
    expect(body.dora.change_failure_rate).toEqual({ failed: 2, deployments: 4, rate: 0.5 });
    expect(body.dora.from).toBe("2026-10-01");
    expect(body.dora.to).toBe("2026-10-31");
  });

  it("the other client's report has only its own release", async () => {
    const res = await report(second.clientId);
    expect(res.status, res.text).toBe(200);
    expect(res.body.releases_shipped.map((r: { version: string }) => r.version)).toEqual(["4.0.0"]);
    expect(res.body.rollbacks).toEqual([]);
  });

  it("is a printable page with the chart inline for Accept: text/html", async () => {
    const res = await report(agency.clientId, "month=2026-10", { Accept: "text/html" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(res.text).toContain("Harbour Cafe: releases in October 2026");
    expect(res.text).toContain("<svg");
    expect(res.text).toContain("Checkout &lt;b&gt;errors&lt;/b&gt; after the deploy");
    expect(res.text).not.toContain("4.0.0");
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("refuses a malformed or future month with a problem naming it", async () => {
    const cases: [string, number][] = [
      ["month=2026-1", 400],
      ["month=2026-13", 422],
      ["month=1999-12", 422],
      ["month=2099-01", 422],
    ];
    for (const [query, status] of cases) {
      const res = await report(agency.clientId, query);
      expect(res.status, `${query}: ${res.text}`).toBe(status);
      expect(JSON.stringify(res.body.errors), query).toContain("query.month");
    }
  });

  it("defaults to the current month", async () => {
    const res = await report(agency.clientId, "");
    expect(res.status, res.text).toBe(200);
    expect(res.body.month).toMatch(/^\d{4}-\d{2}$/);
    expect(res.body.releases_shipped).toEqual([]);
  });
});

describe("report share links", () => {
  it("a link opens the client's month without an account, and shows no other client's data", async () => {
    const created = await shareLink(agency.clientId);
    expect(created.headers.get("Location")).toBe(
      `/v1/clients/${agency.clientId}/report-links/${created.body.id}`,
    );
    expect(created.body).toMatchObject({ client_id: agency.clientId, month: "2026-10" });
    const expires = new Date(created.body.expires_at).getTime();
    expect(expires - Date.now()).toBeGreaterThan(13 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(14 * 86_400_000);

    const page = await api(pathOf(created.body.url));
    expect(page.status, page.text).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(page.text).toContain("Harbour Cafe: releases in October 2026");
    expect(page.text).toContain("3.0.0");
    expect(page.text).not.toContain("4.0.0");
    expect(page.text).toContain("This shared link works until");

    const theirs = await shareLink(second.clientId);
    const theirPage = await api(pathOf(theirs.body.url));
    expect(theirPage.text).toContain("Bondi Surf Co: releases in October 2026");
    expect(theirPage.text).toContain("4.0.0");
    expect(theirPage.text).not.toContain("3.0.0");
  });

  it("withdrawn, expired, altered and malformed links get the invalid-link page", async () => {
    const withdrawn = await shareLink(agency.clientId);
    const del = await api(`/v1/clients/${agency.clientId}/report-links/${withdrawn.body.id}`, {
      method: "DELETE",
      token: agency.tokens.owner,
    });
    expect(del.status, del.text).toBe(204);

    const expired = await shareLink(agency.clientId, { month: "2026-10", expires_in_days: 1 });
    await withDatabase((database) =>
      inSystemScope(database, (tx) =>
        tx.execute(
          sql`update client_report_links set expires_at = now() - interval '1 minute' where id = ${expired.body.id}`,
        ),
      ),
    );
    const valid = pathOf((await shareLink(agency.clientId)).body.url);
    for (const path of [
      pathOf(withdrawn.body.url),
      pathOf(expired.body.url),
      `${valid.slice(0, -3)}abc`,
      "/s/not-a-token",
      `/s/${"x".repeat(2001)}`,
    ]) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toContain("text/html");
      expect(res.text).toContain("This report link is not valid");
    }
  });

  it("lists links without their URLs, reads one, and refuses bad input", async () => {
    const created = await shareLink(agency.clientId, { month: "2026-09", expires_in_days: 90 });
    const list = await api(`/v1/clients/${agency.clientId}/report-links?limit=100`, {
      token: agency.tokens.viewer,
    });
    expect(list.status, list.text).toBe(200);
    const listed = list.body.items.find((item: { id: string }) => item.id === created.body.id);
    expect(listed).toMatchObject({ month: "2026-09", client_id: agency.clientId });
    expect(JSON.stringify(list.body)).not.toContain("/s/");
    const one = await api(`/v1/clients/${agency.clientId}/report-links/${created.body.id}`, {
      token: agency.tokens.viewer,
    });
    expect(one.status, one.text).toBe(200);
    expect(one.body.url).toBeUndefined();
    // The link belongs to one client: under another client's path it is not found.
    const elsewhere = await api(`/v1/clients/${second.clientId}/report-links/${created.body.id}`, {
      token: agency.tokens.viewer,
    });
    expect(elsewhere.status).toBe(404);

    for (const [body, status, path] of [
      [{ month: "2026-10", expires_in_days: 91 }, 400, "body.expires_in_days"],
      [{ month: "October" }, 400, "body.month"],
      [{ month: "2099-01" }, 422, "body.month"],
      [{ month: "2026-10", client_id: second.clientId }, 400, "body"],
    ] as const) {
      const res = await api(`/v1/clients/${agency.clientId}/report-links`, {
        token: agency.tokens.owner,
        body,
      });
      expect(res.status, res.text).toBe(status);
      expect(JSON.stringify(res.body.errors ?? []) + res.body.detail).toContain(path);
    }
  });

  it("a replayed Idempotency-Key never hands out the link again", async () => {
    const headers = { "Idempotency-Key": `report-link-${crypto.randomUUID()}` };
    const path = `/v1/clients/${agency.clientId}/report-links`;
    const first = await api(path, { token: agency.tokens.owner, body: { month: "2026-10" }, headers });
    expect(first.status, first.text).toBe(201);
    const again = await api(path, { token: agency.tokens.owner, body: { month: "2026-10" }, headers });
    expect(again.status, again.text).toBe(409);
    expect(again.text).not.toContain("/s/");
  });
});

const agencies = () => [agency, other] as [SeededAgency, SeededAgency];
securityCases(
  "GET /v1/clients/{id}/report",
  { method: "GET", path: (a) => `/v1/clients/${a.clientId}/report?month=2026-10`, ownsResource: true },
  agencies,
);
securityCases(
  "POST /v1/clients/{id}/report-links",
  {
    method: "POST",
    path: (a) => `/v1/clients/${a.clientId}/report-links`,
    body: () => ({ month: "2026-10" }),
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  agencies,
);
securityCases(
  "GET /v1/clients/{id}/report-links",
  { method: "GET", path: (a) => `/v1/clients/${a.clientId}/report-links`, ownsResource: true },
  agencies,
);
securityCases(
  "DELETE /v1/clients/{id}/report-links/{link_id}",
  {
    method: "DELETE",
    path: (a) => `/v1/clients/${a.clientId}/report-links/${crypto.randomUUID()}`,
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  agencies,
);
