import { beforeAll, describe, expect, it } from "vitest";
import { foldLine } from "../../src/windows/ics";
import { api } from "../support/api";
import { type SeededAgency, seedTwoAgencies } from "../support/harness";
import { securityCases } from "../support/security";
import { createWindow } from "./support";

let agencies: [SeededAgency, SeededAgency];
const tokenIdOf = new Map<string, string>();
const LONG_NAME =
  "Überprüfung, Wartung; und Sicherung — the quarterly database maintenance, index rebuild & backup check";

beforeAll(async () => {
  agencies = await seedTwoAgencies();
  for (const agency of agencies) {
    const res = await api("/v1/calendar/feed-tokens", {
      token: agency.tokens.owner,
      body: { name: "Setup" },
    });
    expect(res.status, res.text).toBe(201);
    tokenIdOf.set(agency.tenantId, res.body.id);
  }
  await createWindow(agencies[0], {
    kind: "maintenance",
    name: LONG_NAME,
    start: "2026-12-06T22:00",
    duration_minutes: 120,
    recurrence: { freq: "weekly", by_day: ["SU"] },
  });
});

interface ParsedEvent {
  [property: string]: string;
}

/** A small RFC 5545 reader: checks line ends and lengths, unfolds, splits events, unescapes TEXT. */
function parseIcs(text: string): { calendar: Record<string, string>; events: ParsedEvent[] } {
  expect(text.endsWith("\r\n")).toBe(true);
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) {
    expect(line.includes("\n")).toBe(false);
    expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  }
  const lines: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ")) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  const unescapeText = (value: string) =>
    value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
  const calendar: Record<string, string> = {};
  const events: ParsedEvent[] = [];
  let current: ParsedEvent | null = null;
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT" && current) {
      events.push(current);
      current = null;
    } else if (current)
      current[name] = name === "SUMMARY" || name === "DESCRIPTION" ? unescapeText(value) : value;
    else calendar[name] = value;
  }
  return { calendar, events };
}

const pair = () => agencies;

securityCases(
  "GET /v1/calendar.ics",
  { method: "GET", path: (a) => `/v1/calendar.ics?project_id=${a.projectId}`, ownsResource: true },
  pair,
);
securityCases(
  "POST /v1/calendar/feed-tokens",
  {
    method: "POST",
    path: () => "/v1/calendar/feed-tokens",
    body: () => ({ name: "Outlook" }),
    allowedRoles: ["owner", "release_manager"],
  },
  pair,
);
securityCases(
  "GET /v1/calendar/feed-tokens",
  { method: "GET", path: () => "/v1/calendar/feed-tokens" },
  pair,
);
securityCases(
  "DELETE /v1/calendar/feed-tokens/{id}",
  {
    method: "DELETE",
    path: (a) => `/v1/calendar/feed-tokens/${tokenIdOf.get(a.tenantId)}`,
    allowedRoles: ["owner", "release_manager"],
    ownsResource: true,
  },
  pair,
);

describe("GET /v1/calendar.ics", () => {
  it("is an RFC 5545 feed: CRLF, folded at 75 octets, escaped, UTC times, stable UIDs, kinds as categories", async () => {
    const [a] = agencies;
    const res = await api("/v1/calendar.ics", { token: a.tokens.viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const { calendar, events } = parseIcs(res.text);
    expect(calendar).toMatchObject({
      VERSION: "2.0",
      BEGIN: "VCALENDAR",
      "X-WR-TIMEZONE": "Australia/Sydney",
    });
    const maintenance = events.filter((e) => e.SUMMARY === `Maintenance window: ${LONG_NAME}`);
    expect(maintenance.length).toBeGreaterThanOrEqual(40); // every Sunday for a year
    for (const e of [...maintenance, ...events]) {
      expect(e.UID).toMatch(/@release-pilot$/);
      expect(e.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);
      expect(e.DTSTART).toMatch(/^\d{8}T\d{6}Z$/);
      expect(e.DTEND).toMatch(/^\d{8}T\d{6}Z$/);
      expect(e.CATEGORIES).toMatch(/^(maintenance|business_hours|freeze|freeze,holiday|release)$/);
    }
    expect(new Set(events.map((e) => e.UID)).size).toBe(events.length);
    // Sunday 22:00 in Sydney: 11:00Z in summer (AEDT).
    expect(maintenance[0]?.DTSTART).toBe("20261206T110000Z");
    expect(maintenance[0]?.DESCRIPTION).toContain("2026-12-06T22:00:00+11:00");
    expect(events.some((e) => e.CATEGORIES === "business_hours")).toBe(true);
    const christmas = events.find((e) => e.SUMMARY === "Freeze: Christmas Day (public holiday)");
    expect(christmas).toMatchObject({ CATEGORIES: "freeze,holiday", DTSTART: "20261224T130000Z" });

    // Fetched again, every UID is the same.
    const again = parseIcs((await api("/v1/calendar.ics", { token: a.tokens.viewer })).text);
    expect(again.events.map((e) => e.UID)).toEqual(events.map((e) => e.UID));
  });

  it("folds on UTF-8 character boundaries", () => {
    const line = `SUMMARY:${"é".repeat(100)}`;
    const folded = foldLine(line);
    for (const part of folded.split("\r\n"))
      expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
    expect(
      folded
        .split("\r\n")
        .map((p, i) => (i === 0 ? p : p.slice(1)))
        .join(""),
    ).toBe(line);
  });

  it("a feed token in the URL works without a header until it is revoked", async () => {
    const [a, b] = agencies;
    const issued = await api("/v1/calendar/feed-tokens", {
      token: a.tokens.release_manager,
      body: { name: "Google Calendar" },
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body.token).toMatch(/^rpcal_/);
    expect(issued.body.feed_url).toContain(`/v1/calendar.ics?token=${encodeURIComponent(issued.body.token)}`);
    const path = `/v1/calendar.ics?token=${encodeURIComponent(issued.body.token)}`;
    const feed = await api(path);
    expect(feed.status, feed.text).toBe(200);
    expect(parseIcs(feed.text).events.some((e) => e.SUMMARY?.includes(LONG_NAME))).toBe(true);
    // Scoped to the token's agency: another agency's project is not found.
    expect((await api(`${path}&project_id=${b.projectId}`)).status).toBe(404);
    expect((await api(`${path}&project_id=${a.projectId}`)).status).toBe(200);

    // The token itself is never listed, only its metadata.
    const listed = await api("/v1/calendar/feed-tokens", { token: a.tokens.viewer });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);
    expect(listed.body.items.find((t: { id: string }) => t.id === issued.body.id)).toMatchObject({
      revoked_at: null,
    });

    const revoked = await api(`/v1/calendar/feed-tokens/${issued.body.id}`, {
      method: "DELETE",
      token: a.tokens.owner,
    });
    expect(revoked.status).toBe(204);
    const refused = await api(path);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("unauthorized");
    const after = await api("/v1/calendar/feed-tokens?limit=200", { token: a.tokens.viewer });
    expect(after.body.items.find((t: { id: string }) => t.id === issued.body.id).revoked_at).toEqual(
      expect.any(String),
    );

    // Unknown tokens, and the feed token on any other route, are 401.
    expect((await api("/v1/calendar.ics?token=rpcal_nope")).status).toBe(401);
    expect(
      (await api(`/v1/calendar?from=2027-01-01&to=2027-01-02&token=${encodeURIComponent(issued.body.token)}`))
        .status,
    ).toBe(401);
  });

  it("refuses with 401, not a validation error, a ?token= that cannot be a feed token", async () => {
    const [a] = agencies;
    // An API token pasted into the feed URL is longer than the query allows: it used to get a 400
    // about its length before anyone checked it was a credential at all.
    for (const token of [a.tokens.owner, `rpcal_${"A".repeat(300)}`, "rpcal_short", "not-a-feed-token"]) {
      const res = await api(`/v1/calendar.ics?token=${encodeURIComponent(token)}`);
      expect(res.status, res.text).toBe(401);
      expect(res.body.code).toBe("unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
    }
  });

  it("refuses a feed-token body with unknown fields or no name, creating nothing", async () => {
    const [a] = agencies;
    const before = (await api("/v1/calendar/feed-tokens?limit=200", { token: a.tokens.viewer })).body.items
      .length;
    for (const body of [{}, { name: "" }, { name: "x", scope: "all" }]) {
      const res = await api("/v1/calendar/feed-tokens", { token: a.tokens.owner, body });
      expect(res.status, res.text).toBe(400);
    }
    expect(
      (await api("/v1/calendar/feed-tokens?limit=200", { token: a.tokens.viewer })).body.items.length,
    ).toBe(before);
  });
});
