import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency, seedTwoAgencies } from "../support/harness";
import { securityCases } from "../support/security";
import { createWindow } from "./support";

interface Occ {
  window_id: string;
  kind: string;
  source: string;
  name: string;
  starts_at: string;
  ends_at: string;
  local_start: string;
  local_end: string;
  timezone: string;
  freeze: boolean;
  holiday: { state: string; subject_to_proclamation: boolean } | null;
}

/** A Perth agency with a client in Sydney that keeps Saturday-night maintenance in its own zone. */
let perth: SeededAgency;
let sydneyClientId: string;
let sydneyProjectId: string;
let sydneyWindowId: string;

beforeAll(async () => {
  perth = await seedAgency({ timezone: "Australia/Perth", state: "WA" });
  const client = await api("/v1/clients", {
    token: perth.tokens.owner,
    body: { name: "Bondi Surf Co", timezone: "Australia/Sydney", state: "NSW" },
  });
  expect(client.status, client.text).toBe(201);
  sydneyClientId = client.body.id;
  const project = await api("/v1/projects", {
    token: perth.tokens.owner,
    body: { client_id: sydneyClientId, name: "Bondi shop", slug: "bondi-shop" },
  });
  expect(project.status, project.text).toBe(201);
  sydneyProjectId = project.body.id;
  sydneyWindowId = (
    await createWindow(perth, {
      kind: "maintenance",
      name: "Saturday night",
      start: "2026-01-03T22:00",
      duration_minutes: 120,
      recurrence: { freq: "weekly", by_day: ["SA"] },
      client_id: sydneyClientId,
    })
  ).id;
});

async function calendar(query: string, token = perth.tokens.viewer) {
  const res = await api(`/v1/calendar?${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body as {
    occurrences: Occ[];
    holiday_years_missing: number[];
    holidays: unknown;
    timezone: string;
  };
}

const ofWindow = (occurrences: Occ[], id: string) =>
  occurrences.filter((o) => o.window_id === id).map((o) => [o.starts_at, o.local_start]);

describe("GET /v1/calendar: a Perth agency with a Sydney client, through both DST changes", () => {
  // Table: [from, to, the Sydney Saturday 22:00 occurrences (UTC, local), the Perth 09:00 business hours on one weekday]
  const transitions = [
    {
      name: "DST ends in Sydney, 5 April 2026",
      from: "2026-03-28",
      to: "2026-04-12",
      sydney: [
        ["2026-03-28T11:00:00.000Z", "2026-03-28T22:00:00+11:00"],
        ["2026-04-04T11:00:00.000Z", "2026-04-04T22:00:00+11:00"],
        ["2026-04-11T12:00:00.000Z", "2026-04-11T22:00:00+10:00"],
      ],
    },
    {
      name: "DST starts in Sydney, 4 October 2026",
      from: "2026-09-26",
      to: "2026-10-11",
      sydney: [
        ["2026-09-26T12:00:00.000Z", "2026-09-26T22:00:00+10:00"],
        ["2026-10-03T12:00:00.000Z", "2026-10-03T22:00:00+10:00"],
        ["2026-10-10T11:00:00.000Z", "2026-10-10T22:00:00+11:00"],
      ],
    },
    {
      name: "DST ends in Sydney, 4 April 2027",
      from: "2027-03-27",
      to: "2027-04-11",
      sydney: [
        ["2027-03-27T11:00:00.000Z", "2027-03-27T22:00:00+11:00"],
        ["2027-04-03T11:00:00.000Z", "2027-04-03T22:00:00+11:00"],
        ["2027-04-10T12:00:00.000Z", "2027-04-10T22:00:00+10:00"],
      ],
    },
    {
      name: "DST starts in Sydney, 3 October 2027",
      from: "2027-09-25",
      to: "2027-10-10",
      sydney: [
        ["2027-09-25T12:00:00.000Z", "2027-09-25T22:00:00+10:00"],
        ["2027-10-02T12:00:00.000Z", "2027-10-02T22:00:00+10:00"],
        ["2027-10-09T11:00:00.000Z", "2027-10-09T22:00:00+11:00"],
      ],
    },
  ];

  for (const t of transitions) {
    it(`${t.name}: Sydney windows keep 22:00 local, Perth business hours keep 09:00 AWST`, async () => {
      const forClient = await calendar(`from=${t.from}&to=${t.to}&client_id=${sydneyClientId}`);
      expect(forClient.timezone).toBe("Australia/Sydney");
      expect(ofWindow(forClient.occurrences, sydneyWindowId)).toEqual(t.sydney);
      // The agency's business hours apply to the client (it has none of its own), in Perth time: 01:00Z all year.
      // The default business hours start the day the agency was created (nothing is made up for the past).
      const hours = forClient.occurrences.filter((o) => o.kind === "business_hours");
      if (Date.parse(t.from) > Date.now()) expect(hours.length).toBeGreaterThanOrEqual(8);
      for (const o of hours) {
        expect(o.starts_at).toMatch(/T01:00:00\.000Z$/);
        expect(o.local_start).toMatch(/T09:00:00\+08:00$/);
        expect(o.timezone).toBe("Australia/Perth");
        expect(Date.parse(o.ends_at) - Date.parse(o.starts_at)).toBe(8 * 3_600_000);
      }
      // The project calendar shows the same, and the agency-wide one shows the client's window too.
      const forProject = await calendar(`from=${t.from}&to=${t.to}&project_id=${sydneyProjectId}`);
      expect(ofWindow(forProject.occurrences, sydneyWindowId)).toEqual(t.sydney);
      const forAgency = await calendar(`from=${t.from}&to=${t.to}`);
      expect(forAgency.timezone).toBe("Australia/Perth");
      expect(ofWindow(forAgency.occurrences, sydneyWindowId)).toEqual(t.sydney);
    });
  }

  it("marks holidays of the right state as freezes: NSW for the Sydney client, WA for the agency", async () => {
    const holidaysOf = async (query: string) =>
      [
        ...(await calendar(`from=2027-06-01&to=2027-06-30${query}`)).occurrences,
        ...(await calendar(`from=2027-09-20&to=2027-10-10${query}`)).occurrences,
      ].filter((o) => o.source === "holiday");
    const clientHolidays = await holidaysOf(`&client_id=${sydneyClientId}`);
    expect(clientHolidays.every((o) => o.freeze && o.kind === "freeze" && o.holiday?.state === "NSW")).toBe(
      true,
    );
    const labourDay = clientHolidays.find((o) => o.name === "Labour Day");
    expect(labourDay).toMatchObject({
      starts_at: "2027-10-03T13:00:00.000Z", // midnight AEDT, 4 Oct 2027
      ends_at: "2027-10-04T13:00:00.000Z",
      timezone: "Australia/Sydney",
    });
    expect(clientHolidays.map((o) => o.name)).not.toContain("Western Australia Day");

    const agencyHolidays = await holidaysOf("");
    expect(agencyHolidays.every((o) => o.holiday?.state === "WA")).toBe(true);
    expect(agencyHolidays.find((o) => o.name === "Western Australia Day")).toMatchObject({
      starts_at: "2027-06-06T16:00:00.000Z", // midnight AWST, 7 June 2027
      local_start: "2027-06-07T00:00:00+08:00",
    });
    expect(agencyHolidays.map((o) => o.starts_at)).not.toContain("2027-10-03T13:00:00.000Z");
  });

  it("says which years have no holiday data", async () => {
    const res = await calendar("from=2027-12-01&to=2028-01-31");
    expect(res.holiday_years_missing).toEqual([2028]);
    const covered = await calendar("from=2027-03-01&to=2027-04-01");
    expect(covered.holiday_years_missing).toEqual([]);
  });

  it("switching holidays off (agency or client) removes the freezes; a client's null follows the agency", async () => {
    const agency = await seedAgency({ timezone: "Australia/Perth", state: "WA" });
    const nsw = await api("/v1/clients", {
      token: agency.tokens.owner,
      body: { name: "Newcastle Co", state: "NSW", holidays_enabled: null },
    });
    expect(nsw.status, nsw.text).toBe(201);
    expect(nsw.body.holidays_enabled).toBeNull();
    const holidaysIn = async (query: string) =>
      (await calendar(`from=2027-06-01&to=2027-06-30${query}`, agency.tokens.viewer)).occurrences.filter(
        (o) => o.source === "holiday",
      ).length;
    expect(await holidaysIn("")).toBeGreaterThan(0); // WA Day
    expect(await holidaysIn(`&client_id=${nsw.body.id}`)).toBeGreaterThan(0); // NSW King's Birthday

    const off = await api("/v1/tenant", {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { holidays_enabled: false },
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body.holidays_enabled).toBe(false);
    expect(await holidaysIn("")).toBe(0);
    expect(await holidaysIn(`&client_id=${nsw.body.id}`)).toBe(0);

    const clientOn = await api(`/v1/clients/${nsw.body.id}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { holidays_enabled: true },
    });
    expect(clientOn.status, clientOn.text).toBe(200);
    expect(clientOn.body.holidays_enabled).toBe(true);
    expect(await holidaysIn(`&client_id=${nsw.body.id}`)).toBeGreaterThan(0);
    expect(await holidaysIn("")).toBe(0);
  });

  it("refuses ranges over 93 days, reversed or malformed, with a 400 that says what to fix", async () => {
    for (const query of [
      "from=2027-01-01&to=2027-06-01",
      "from=2027-02-01&to=2027-01-01",
      "from=yesterday&to=2027-01-01",
      "from=2027-01-01",
      "from=2027-02-30&to=2027-03-01",
    ]) {
      const res = await api(`/v1/calendar?${query}`, { token: perth.tokens.viewer });
      expect(res.status, `${query}: ${res.text}`).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const tooLong = await api("/v1/calendar?from=2027-01-01&to=2027-06-01", { token: perth.tokens.viewer });
    expect(tooLong.body.detail).toContain("93 days");
  });
});

describe("GET /v1/calendar security", () => {
  let pair: [SeededAgency, SeededAgency];
  beforeAll(async () => {
    pair = await seedTwoAgencies();
  });
  securityCases(
    "GET /v1/calendar",
    {
      method: "GET",
      path: (a) => `/v1/calendar?from=2027-01-01&to=2027-01-31&project_id=${a.projectId}`,
      ownsResource: true,
    },
    () => pair,
  );
  securityCases(
    "GET /v1/calendar (client)",
    {
      method: "GET",
      path: (a) => `/v1/calendar?from=2027-01-01&to=2027-01-31&client_id=${a.clientId}`,
      ownsResource: true,
    },
    () => pair,
  );
});
