import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease } from "../support/releases";
import { createWindow } from "./support";

let perth: SeededAgency;
let other: SeededAgency;
let nswProjectId: string;
let maintenanceId: string;
let businessHoursId: string;
let freezeId: string;

beforeAll(async () => {
  perth = await seedAgency({ timezone: "Australia/Perth", state: "WA" });
  other = await seedAgency();
  const client = await api("/v1/clients", {
    token: perth.tokens.owner,
    body: { name: "Bondi Surf Co", timezone: "Australia/Sydney", state: "NSW" },
  });
  expect(client.status, client.text).toBe(201);
  const project = await api("/v1/projects", {
    token: perth.tokens.owner,
    body: { client_id: client.body.id, name: "Bondi shop", slug: "bondi-shop" },
  });
  expect(project.status, project.text).toBe(201);
  nswProjectId = project.body.id;
  maintenanceId = (
    await createWindow(perth, {
      kind: "maintenance",
      name: "Sunday night",
      start: "2027-01-03T22:00",
      duration_minutes: 180,
      recurrence: { freq: "weekly", by_day: ["SU"] },
    })
  ).id;
  const hours = await api("/v1/windows?kind=business_hours", { token: perth.tokens.viewer });
  businessHoursId = hours.body.items[0].id;
  freezeId = (
    await createWindow(perth, {
      kind: "freeze",
      name: "Launch freeze",
      start: "2027-08-01T00:00",
      duration_minutes: 1440,
    })
  ).id;
});

const book = (releaseId: string, body: Record<string, unknown>, token = perth.tokens.release_manager) =>
  api(`/v1/releases/${releaseId}/window`, { method: "PUT", token, body });

describe("PUT /v1/releases/{id}/window against stored windows", () => {
  it("a high-risk release can only be booked into a maintenance window", async () => {
    const id = await createRelease(perth, { risk: "high" });
    // Tuesday 8 June 2027, 10:00–11:00 in Perth: business hours, not maintenance.
    const explicit = await book(id, { starts_at: "2027-06-08T02:00:00Z", ends_at: "2027-06-08T03:00:00Z" });
    expect(explicit.status, explicit.text).toBe(422);
    expect(explicit.body.policy.rule).toBe("high_risk_requires_maintenance_window");
    expect(explicit.body.detail).toContain("High-risk releases may deploy only inside a maintenance window");
    // The suggestion is the next Sunday-night maintenance window: 22:00 AWST = 14:00Z.
    expect(explicit.body.suggestions[0].starts_at).toBe("2027-06-13T14:00:00.000Z");
    expect(explicit.body.detail).toContain("2027-06-13T14:00:00.000Z");

    const hours = await book(id, {
      window_id: businessHoursId,
      occurrence_starts_at: "2027-06-08T01:00:00Z",
    });
    expect(hours.status, hours.text).toBe(422);
    expect(hours.body.policy.rule).toBe("high_risk_requires_maintenance_window");

    const booked = await book(id, { window_id: maintenanceId, occurrence_starts_at: "2027-06-13T14:00:00Z" });
    expect(booked.status, booked.text).toBe(200);
    expect(booked.body.window).toMatchObject({
      starts_at: "2027-06-13T14:00:00.000Z",
      ends_at: "2027-06-13T17:00:00.000Z",
      window_id: maintenanceId,
      policy_ok: true,
      confirmed: true,
    });

    // The calendar shows the release in that occurrence.
    const cal = await api(`/v1/calendar?from=2027-06-13&to=2027-06-14&project_id=${perth.projectId}`, {
      token: perth.tokens.viewer,
    });
    const occurrence = cal.body.occurrences.find(
      (o: { window_id: string; starts_at: string }) => o.window_id === maintenanceId,
    );
    expect(occurrence.releases.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(
      cal.body.releases.map((r: { id: string; window_id: string }) => [r.id, r.window_id]),
    ).toContainEqual([id, maintenanceId]);

    // Lowering then raising the risk again re-checks against the stored windows: still a maintenance window.
    const risk = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: perth.tokens.release_manager,
      body: { risk: "low" },
    });
    expect(risk.status, risk.text).toBe(200);
    expect(risk.body.window.policy_ok).toBe(true);
  });

  it("a low-risk release may book business hours; raising its risk breaks the window policy", async () => {
    const id = await createRelease(perth);
    const booked = await book(id, {
      window_id: businessHoursId,
      occurrence_starts_at: "2027-06-08T01:00:00Z",
    });
    expect(booked.status, booked.text).toBe(200);
    expect(booked.body.window.ends_at).toBe("2027-06-08T09:00:00.000Z");
    const raised = await api(`/v1/releases/${id}`, {
      method: "PATCH",
      token: perth.tokens.release_manager,
      body: { risk: "high" },
    });
    expect(raised.status, raised.text).toBe(200);
    expect(raised.body.window.policy_ok).toBe(false);
    expect(raised.body.window.policy_detail).toContain("maintenance window");
  });

  it("a public holiday blocks deployment in the right state only", async () => {
    // Western Australia Day, Monday 7 June 2027, 10:00–11:00 in Perth (12:00–13:00 in Sydney).
    const waDay = { starts_at: "2027-06-07T02:00:00Z", ends_at: "2027-06-07T03:00:00Z" };
    const waRelease = await createRelease(perth);
    const refused = await book(waRelease, waDay);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.policy.rule).toBe("freeze");
    expect(refused.body.detail).toContain("Western Australia Day");
    const nswRelease = await createRelease(perth, { project_id: nswProjectId });
    expect((await book(nswRelease, waDay)).status).toBe(200);

    // NSW Labour Day, Monday 4 October 2027: the other way round.
    const labourDay = { starts_at: "2027-10-04T02:00:00Z", ends_at: "2027-10-04T03:00:00Z" };
    const nswRefused = await book(await createRelease(perth, { project_id: nswProjectId }), labourDay);
    expect(nswRefused.status, nswRefused.text).toBe(422);
    expect(nswRefused.body.detail).toContain("Labour Day");
    expect((await book(await createRelease(perth), labourDay)).status).toBe(200);

    // An owner may override with a reason, recorded in the audit trail.
    const overridden = await book(
      waRelease,
      { ...waDay, override_reason: "Client asked for the public-holiday launch" },
      perth.tokens.owner,
    );
    expect(overridden.status, overridden.text).toBe(200);
    const events = await api(`/v1/releases/${waRelease}/events?limit=200`, { token: perth.tokens.viewer });
    const event = events.body.items.find(
      (e: { type: string }) => e.type === "window_confirmed_with_override",
    );
    expect(event.data.broken_rules).toContain("freeze");
  });

  it("refuses freezes, other agencies' windows, unknown occurrences and mixed bodies, changing nothing", async () => {
    const id = await createRelease(perth);
    const before = (await api(`/v1/releases/${id}`, { token: perth.tokens.viewer })).body.row_version;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ window_id: freezeId, occurrence_starts_at: "2027-07-31T16:00:00Z" }, 422, "body.window_id"],
      [
        { window_id: maintenanceId, occurrence_starts_at: "2027-06-13T15:00:00Z" },
        422,
        "body.occurrence_starts_at",
      ],
      [
        { window_id: crypto.randomUUID(), occurrence_starts_at: "2027-06-13T14:00:00Z" },
        422,
        "body.window_id",
      ],
      [{ window_id: maintenanceId }, 400, "body.occurrence_starts_at"],
      [
        {
          window_id: maintenanceId,
          occurrence_starts_at: "2027-06-13T14:00:00Z",
          starts_at: "2027-06-13T14:00:00Z",
        },
        400,
        "body",
      ],
      [{}, 400, "body"],
    ];
    const otherWindows = await api("/v1/windows", { token: other.tokens.viewer });
    cases.push([
      { window_id: otherWindows.body.items[0].id, occurrence_starts_at: "2027-06-14T23:00:00Z" },
      422,
      "body.window_id",
    ]);
    for (const [body, status, path] of cases) {
      const res = await book(id, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(status);
      expect(res.body.errors.map((e: { path: string }) => e.path).join(" ")).toContain(path);
    }
    expect((await api(`/v1/releases/${id}`, { token: perth.tokens.viewer })).body.row_version).toBe(before);
  });
});
