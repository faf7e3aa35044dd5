import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { businessHoursSlot, createRelease } from "../support/releases";
import { securityCases } from "../support/security";

// Calendar feeds bound to what was shared (a feed token's scope cannot be widened by its URL),
// `kinds=` to leave business hours out, and release events that name their client.

let agencies: [SeededAgency, SeededAgency];
/** A second client of agency A, with its own project and a booked release. */
let other: { clientId: string; projectId: string; releaseId: string };
let ownReleaseId: string;
const feedTokenIdOf = new Map<string, string>();

async function created(path: string, token: string, body: unknown) {
  const res = await api(path, { token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(201);
  return res.body;
}

async function bookedRelease(agency: SeededAgency, projectId: string, version: string): Promise<string> {
  const id = await createRelease(agency, { project_id: projectId, version, title: "Spring menu" });
  const booked = await api(`/v1/releases/${id}/window`, {
    method: "PUT",
    token: agency.tokens.release_manager,
    body: businessHoursSlot(),
  });
  expect(booked.status, booked.text).toBe(200);
  return id;
}

beforeAll(async () => {
  agencies = await seedTwoAgencies();
  const [a] = agencies;
  const client = await created("/v1/clients", a.tokens.owner, { name: "Bondi Surf Co" });
  const project = await created("/v1/projects", a.tokens.owner, { client_id: client.id, name: "Surf shop" });
  other = {
    clientId: client.id,
    projectId: project.id,
    releaseId: await bookedRelease(a, project.id, "5.0.0"),
  };
  ownReleaseId = await bookedRelease(a, a.projectId, "4.2.0");
  for (const agency of agencies) {
    const token = await created("/v1/calendar/feed-tokens", agency.tokens.owner, { name: "Scope" });
    feedTokenIdOf.set(agency.tenantId, token.id);
  }
});

const pair = () => agencies;

securityCases(
  "GET /v1/calendar/feed-tokens/{id}",
  {
    method: "GET",
    path: (a) => `/v1/calendar/feed-tokens/${feedTokenIdOf.get(a.tenantId)}`,
    ownsResource: true,
  },
  pair,
);

const feed = (token: string, query = "") =>
  api(`/v1/calendar.ics?token=${encodeURIComponent(token)}${query}`);

describe("a feed token is bound to its scope at minting", () => {
  it("a project feed shows that project only, and its URL cannot ask for more", async () => {
    const [a] = agencies;
    const issued = await created("/v1/calendar/feed-tokens", a.tokens.release_manager, {
      name: "Harbour Cafe site",
      project_id: a.projectId,
    });
    expect(issued).toMatchObject({ scope: "project", project_id: a.projectId, client_id: null });
    const whole = await feed(issued.token);
    expect(whole.status, whole.text).toBe(200);
    expect(whole.text).toContain(`release-${ownReleaseId}@`);
    expect(whole.text).not.toContain(`release-${other.releaseId}@`);
    for (const query of [
      `&project_id=${other.projectId}`,
      `&client_id=${other.clientId}`,
      `&project_id=${a.projectId}&client_id=${other.clientId}`,
    ]) {
      const widened = await feed(issued.token, query);
      expect(widened.status, query).toBe(403);
      expect(widened.body.detail).toContain("not widen it");
    }
    expect((await feed(issued.token, `&project_id=${a.projectId}`)).status).toBe(200);
    expect((await feed(issued.token, `&client_id=${a.clientId}`)).status).toBe(200);
  });

  it("a client feed shows that client's projects only", async () => {
    const [a] = agencies;
    const issued = await created("/v1/calendar/feed-tokens", a.tokens.owner, {
      name: "Bondi Surf Co",
      client_id: other.clientId,
    });
    expect(issued.scope).toBe("client");
    const whole = await feed(issued.token);
    expect(whole.status).toBe(200);
    expect(whole.text).toContain(`release-${other.releaseId}@`);
    expect(whole.text).not.toContain(`release-${ownReleaseId}@`);
    expect((await feed(issued.token, `&project_id=${other.projectId}`)).status).toBe(200);
    expect((await feed(issued.token, `&project_id=${a.projectId}`)).status).toBe(403);
    expect((await feed(issued.token, `&client_id=${a.clientId}`)).status).toBe(403);
  });

  it("an agency feed still narrows by URL; the token's metadata says its scope", async () => {
    const [a] = agencies;
    const issued = await created("/v1/calendar/feed-tokens", a.tokens.owner, { name: "Everything" });
    expect(issued.scope).toBe("agency");
    const all = await feed(issued.token);
    expect(all.text).toContain(`release-${ownReleaseId}@`);
    expect(all.text).toContain(`release-${other.releaseId}@`);
    const narrowed = await feed(issued.token, `&project_id=${other.projectId}`);
    expect(narrowed.text).not.toContain(`release-${ownReleaseId}@`);
    const read = await api(`/v1/calendar/feed-tokens/${issued.id}`, { token: a.tokens.viewer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: issued.id, scope: "agency", client_id: null, project_id: null });
    expect(read.body).not.toHaveProperty("token");
  });

  it("refuses a scope outside the agency (422 naming the field) and both scopes at once (400)", async () => {
    const [a, b] = agencies;
    const foreign = await api("/v1/calendar/feed-tokens", {
      token: a.tokens.owner,
      body: { name: "Theirs", project_id: b.projectId },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ path: "body.project_id" })]);
    const foreignClient = await api("/v1/calendar/feed-tokens", {
      token: a.tokens.owner,
      body: { name: "Theirs", client_id: b.clientId },
    });
    expect(foreignClient.status).toBe(422);
    expect(foreignClient.body.errors).toEqual([expect.objectContaining({ path: "body.client_id" })]);
    const both = await api("/v1/calendar/feed-tokens", {
      token: a.tokens.owner,
      body: { name: "Both", client_id: a.clientId, project_id: a.projectId },
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].path).toBe("body.project_id");
  });

  it("builds feed_url on PUBLIC_BASE_URL, never on the Host the caller sent", async () => {
    const [a] = agencies;
    const res = await api("/v1/calendar/feed-tokens", {
      token: a.tokens.owner,
      body: { name: "Host check" },
      headers: { Host: "attacker.example" },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.feed_url.startsWith("http://api.test/v1/calendar.ics?token=")).toBe(true);
  });
});

describe("kinds= and release events with their client", () => {
  it("leaves business hours out of the calendar and the feed when asked", async () => {
    const [a] = agencies;
    const from = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const everything = await api(`/v1/calendar?from=${from}&to=${to}`, { token: a.tokens.viewer });
    expect(everything.status, everything.text).toBe(200);
    const kinds = new Set(everything.body.occurrences.map((o: { kind: string }) => o.kind));
    expect(kinds).toContain("business_hours");
    const trimmed = await api(`/v1/calendar?from=${from}&to=${to}&kinds=maintenance,freeze,release`, {
      token: a.tokens.viewer,
    });
    expect(trimmed.status, trimmed.text).toBe(200);
    expect(trimmed.body.occurrences.every((o: { kind: string }) => o.kind !== "business_hours")).toBe(true);
    expect(trimmed.body.releases.length).toBe(everything.body.releases.length);
    const noReleases = await api(`/v1/calendar?from=${from}&to=${to}&kinds=business_hours`, {
      token: a.tokens.viewer,
    });
    expect(noReleases.body.releases).toEqual([]);
    expect(noReleases.body.occurrences.length).toBeGreaterThan(0);

    const feedAll = await api("/v1/calendar.ics", { token: a.tokens.viewer });
    const feedTrimmed = await api("/v1/calendar.ics?kinds=maintenance,freeze,release", {
      token: a.tokens.viewer,
    });
    expect(feedAll.text).toContain("CATEGORIES:business_hours");
    expect(feedTrimmed.text).not.toContain("CATEGORIES:business_hours");
    expect(feedTrimmed.text).toContain(`release-${ownReleaseId}@`);
  });

  it("refuses an unknown kind with a 400 that lists the kinds", async () => {
    const [a] = agencies;
    const res = await api("/v1/calendar.ics?kinds=maintenance,holidays", { token: a.tokens.viewer });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe("query.kinds");
    expect(res.body.detail).toContain('"holidays"');
    expect(res.body.detail).toContain("business_hours");
  });

  it("names the client and project in release events and the calendar's releases", async () => {
    const [a] = agencies;
    const ics = await api(`/v1/calendar.ics?project_id=${other.projectId}`, { token: a.tokens.viewer });
    const unfolded = ics.text.replace(/\r\n /g, "");
    expect(unfolded).toContain("SUMMARY:Release: Bondi Surf Co · Surf shop 5.0.0 (Spring menu)");
    const from = new Date().toISOString().slice(0, 10);
    const to = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const calendar = await api(`/v1/calendar?from=${from}&to=${to}&client_id=${other.clientId}`, {
      token: a.tokens.viewer,
    });
    expect(calendar.body.releases).toEqual([
      expect.objectContaining({
        id: other.releaseId,
        client_id: other.clientId,
        client_name: "Bondi Surf Co",
        project_name: "Surf shop",
      }),
    ]);
  });
});
