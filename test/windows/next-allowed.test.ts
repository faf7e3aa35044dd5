import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease } from "../support/releases";
import { createWindow } from "./support";

// Booking without reading the calendar first: {"next_allowed": true} books the earliest slot the
// policy allows and says which; when there is none, the refusal says how to make one.

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency({ timezone: "Australia/Perth", state: "WA" });
});

const book = (releaseId: string, body: Record<string, unknown>) =>
  api(`/v1/releases/${releaseId}/window`, { method: "PUT", token: agency.tokens.release_manager, body });

describe('PUT /v1/releases/{id}/window {"next_allowed": true}', () => {
  it("books the earliest allowed business-hours slot for a low-risk release, and says which", async () => {
    const id = await createRelease(agency, { risk: "low" });
    const after = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const res = await book(id, { next_allowed: true, after, duration_minutes: 90 });
    expect(res.status, res.text).toBe(200);
    const { booked } = res.body.result;
    expect(Date.parse(booked.starts_at)).toBeGreaterThanOrEqual(Date.parse(after));
    expect(Date.parse(booked.ends_at) - Date.parse(booked.starts_at)).toBe(90 * 60_000);
    expect(booked.windows.length).toBeGreaterThan(0);
    expect(res.body.window).toMatchObject({ starts_at: booked.starts_at, policy_ok: true, confirmed: true });
  });

  it("a high-risk release in an agency without a maintenance window gets a refusal that says how to create one", async () => {
    const id = await createRelease(agency, { risk: "high" });
    const refused = await book(id, { next_allowed: true });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.errors[0].path).toBe("body.next_allowed");
    expect(refused.body.detail).toContain("POST /v1/windows");
    expect(refused.body.example_window.kind).toBe("maintenance");

    const created = await createWindow(agency, refused.body.example_window);
    expect(created.id).toBeTruthy();
    const booked = await book(id, { next_allowed: true });
    expect(booked.status, booked.text).toBe(200);
    expect(booked.body.result.booked.window_id).toBe(created.id);
  });

  it("refuses mixing forms, and bounds after like any slot", async () => {
    const id = await createRelease(agency);
    const mixed = await book(id, { next_allowed: true, starts_at: new Date().toISOString() });
    expect(mixed.status, mixed.text).toBe(400);
    const stray = await book(id, {
      starts_at: "2027-06-08T02:00:00Z",
      ends_at: "2027-06-08T03:00:00Z",
      after: "2027-06-01T00:00:00Z",
    });
    expect(stray.status, stray.text).toBe(400);
    const far = await book(id, {
      next_allowed: true,
      after: new Date(Date.now() + 400 * 86_400_000).toISOString(),
    });
    expect(far.status, far.text).toBe(422);
  });
});
