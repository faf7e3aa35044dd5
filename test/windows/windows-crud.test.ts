import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency, seedTwoAgencies } from "../support/harness";
import { securityCases } from "../support/security";
import { createWindow, windowCount } from "./support";

let agencies: [SeededAgency, SeededAgency];
const windowOf = new Map<string, string>();
const maintenance = {
  kind: "maintenance",
  name: "Sunday night maintenance",
  start: "2027-01-03T22:00",
  duration_minutes: 120,
  recurrence: { freq: "weekly", by_day: ["SU"] },
};

beforeAll(async () => {
  agencies = await seedTwoAgencies();
  for (const agency of agencies) windowOf.set(agency.tenantId, (await createWindow(agency, maintenance)).id);
});

const pair = () => agencies;
const MANAGERS = ["owner", "release_manager"] as const;

securityCases("GET /v1/windows", { method: "GET", path: () => "/v1/windows" }, pair);
securityCases(
  "POST /v1/windows",
  { method: "POST", path: () => "/v1/windows", body: () => maintenance, allowedRoles: MANAGERS },
  pair,
);
securityCases(
  "GET /v1/windows/{id}",
  { method: "GET", path: (a) => `/v1/windows/${windowOf.get(a.tenantId)}`, ownsResource: true },
  pair,
);
securityCases(
  "PATCH /v1/windows/{id}",
  {
    method: "PATCH",
    path: (a) => `/v1/windows/${windowOf.get(a.tenantId)}`,
    body: () => ({ name: "Renamed" }),
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  pair,
);
securityCases(
  "DELETE /v1/windows/{id}",
  {
    method: "DELETE",
    path: (a) => `/v1/windows/${windowOf.get(a.tenantId)}`,
    allowedRoles: MANAGERS,
    ownsResource: true,
  },
  pair,
);

describe("/v1/windows", () => {
  it("a new agency starts with business hours Monday to Friday 09:00–17:00 in its own zone", async () => {
    const agency = await seedAgency({ timezone: "Australia/Perth", state: "WA" });
    const res = await api("/v1/windows", { token: agency.tokens.viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const [hours] = res.body.items;
    expect(hours).toMatchObject({
      kind: "business_hours",
      name: "Business hours",
      timezone: null,
      effective_timezone: "Australia/Perth",
      duration_minutes: 480,
      recurrence: { freq: "weekly", by_day: ["MO", "TU", "WE", "TH", "FR"] },
      scope: "agency",
    });
    expect(hours.start).toMatch(/T09:00$/);
    // Its next occurrence is a weekday at 09:00 Perth (01:00Z, Perth has no DST).
    expect(hours.next_occurrence.starts_at).toMatch(/T01:00:00\.000Z$/);
    // Editable and removable.
    const renamed = await api(`/v1/windows/${hours.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { start: "2026-11-02T08:30", duration_minutes: 540 },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.next_occurrence.starts_at).toMatch(/T00:30:00\.000Z$/);
    const removed = await api(`/v1/windows/${hours.id}`, { method: "DELETE", token: agency.tokens.owner });
    expect(removed.status).toBe(204);
    expect(await windowCount(agency)).toBe(0);
  });

  it("creates, reads, filters, pages, updates and deletes windows scoped to the agency, a client and a project", async () => {
    const [a] = agencies;
    const client = await createWindow(a, {
      kind: "freeze",
      name: "Client's end-of-year freeze",
      start: "2027-12-20T00:00",
      duration_minutes: 7 * 24 * 60,
      client_id: a.clientId,
    });
    const project = await createWindow(a, {
      kind: "maintenance",
      name: "Project window",
      timezone: "Australia/Brisbane",
      start: "2027-02-02T21:00",
      duration_minutes: 60,
      recurrence: { freq: "daily", until: "2027-03-01" },
      project_id: a.projectId,
    });
    const got = await api(`/v1/windows/${project.id}`, { token: a.tokens.engineer });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      scope: "project",
      project_id: a.projectId,
      client_id: a.clientId,
      timezone: "Australia/Brisbane",
      next_occurrence: { starts_at: "2027-02-02T11:00:00.000Z", ends_at: "2027-02-02T12:00:00.000Z" },
    });
    const byClient = await api(`/v1/windows?client_id=${a.clientId}`, { token: a.tokens.viewer });
    expect(byClient.body.items.map((w: { id: string }) => w.id).sort()).toEqual(
      [client.id, project.id].sort(),
    );
    const byProject = await api(`/v1/windows?project_id=${a.projectId}`, { token: a.tokens.viewer });
    expect(byProject.body.items.map((w: { id: string }) => w.id)).toEqual([project.id]);
    const freezes = await api("/v1/windows?kind=freeze", { token: a.tokens.viewer });
    expect(freezes.body.items.map((w: { id: string }) => w.id)).toEqual([client.id]);

    const first = await api("/v1/windows?limit=1", { token: a.tokens.viewer });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api(`/v1/windows?limit=1&cursor=${first.body.next_cursor}`, {
      token: a.tokens.viewer,
    });
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);

    const patched = await api(`/v1/windows/${project.id}`, {
      method: "PATCH",
      token: a.tokens.release_manager,
      body: { name: "Nightly", project_id: null, client_id: null, timezone: null },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: "Nightly", scope: "agency", timezone: null });
    expect(patched.body.effective_timezone).toBe("Australia/Sydney");

    expect((await api(`/v1/windows/${client.id}`, { method: "DELETE", token: a.tokens.owner })).status).toBe(
      204,
    );
    expect((await api(`/v1/windows/${client.id}`, { token: a.tokens.owner })).status).toBe(404);
  });

  it("returns DST warnings but accepts the window", async () => {
    const [a] = agencies;
    const res = await api("/v1/windows", {
      token: a.tokens.owner,
      body: {
        kind: "maintenance",
        name: "Gap",
        timezone: "Australia/Sydney",
        start: "2027-10-03T02:30",
        duration_minutes: 60,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.warnings.map((w: { code: string }) => w.code)).toContain("start_in_dst_gap");
    // 02:30 does not exist that night: it starts at 03:30 AEDT = 16:30Z.
    expect(res.body.next_occurrence.starts_at).toBe("2027-10-02T16:30:00.000Z");
  });

  it("refuses bad windows with 400 errors[] that name the field, and writes nothing", async () => {
    const [a, b] = agencies;
    const before = await windowCount(a);
    const cases: [Record<string, unknown>, string, number][] = [
      [{ ...maintenance, start: "2027-02-30T22:00" }, "body.start", 400],
      [{ ...maintenance, start: "2027-01-03 22:00+11:00" }, "body.start", 400],
      [{ ...maintenance, timezone: "+10:00" }, "body.timezone", 400],
      [{ ...maintenance, timezone: "Australia/Atlantis" }, "body.timezone", 400],
      [{ ...maintenance, duration_minutes: 0 }, "body.duration_minutes", 400],
      [{ ...maintenance, duration_minutes: 90.5 }, "body.duration_minutes", 400],
      [{ ...maintenance, duration_minutes: 8 * 24 * 60, recurrence: null }, "body.duration_minutes", 400],
      [
        { ...maintenance, duration_minutes: 1500, recurrence: { freq: "daily" } },
        "body.duration_minutes",
        400,
      ],
      [{ ...maintenance, recurrence: { freq: "weekly", by_day: ["XX"] } }, "body.recurrence.by_day.0", 400],
      [{ ...maintenance, recurrence: { freq: "daily", by_day: ["MO"] } }, "body.recurrence.by_day", 400],
      [{ ...maintenance, recurrence: { freq: "weekly", until: "2026-01-01" } }, "body.recurrence.until", 400],
      [{ ...maintenance, kind: "holiday" }, "body.kind", 400],
      [{ ...maintenance, name: "  " }, "body.name", 400],
      [{ ...maintenance, colour: "red" }, "body", 400],
      [{ ...maintenance, project_id: b.projectId }, "body.project_id", 422],
      [{ ...maintenance, client_id: b.clientId }, "body.client_id", 422],
    ];
    for (const [body, path, status] of cases) {
      const res = await api("/v1/windows", { token: a.tokens.owner, body });
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { path: string }) => e.path).join(" "), res.text).toContain(path);
    }
    const patch = await api(`/v1/windows/${windowOf.get(a.tenantId)}`, {
      method: "PATCH",
      token: a.tokens.owner,
      body: { duration_minutes: -5 },
    });
    expect(patch.status).toBe(400);
    expect(await windowCount(a)).toBe(before);
    const unchanged = await api(`/v1/windows/${windowOf.get(a.tenantId)}`, { token: a.tokens.owner });
    expect(unchanged.body.duration_minutes).toBe(120);
  });

  it("honours Idempotency-Key on POST", async () => {
    const [a] = agencies;
    const before = await windowCount(a);
    const send = () =>
      api("/v1/windows", {
        token: a.tokens.owner,
        body: { ...maintenance, name: "Once only" },
        headers: { "Idempotency-Key": `window-${a.tenantId}` },
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await windowCount(a)).toBe(before + 1);
  });
});
