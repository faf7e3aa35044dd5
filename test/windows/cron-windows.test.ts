import { describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease, decide, makeGoReady } from "../support/releases";
import { createWindow, localWallClock, occurrenceRows, tick } from "./support";

const MINUTE = 60_000;

/** The next whole minute at least `minutes` ahead. */
function minutesAhead(minutes: number): Date {
  return new Date(Math.ceil((Date.now() + minutes * MINUTE) / MINUTE) * MINUTE);
}

/** An Etc/GMT zone in which it is 15:xx right now, so "go at 15:00" is literal. */
function zoneWhereItIsThreePm(now: Date): string {
  let offset = 15 - now.getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

const releaseOf = async (agency: SeededAgency, id: string) =>
  (await api(`/v1/releases/${id}`, { token: agency.tokens.viewer })).body;

/** Team, a booked occurrence, into verification, go-ready: what a go needs. */
async function readyForGo(agency: SeededAgency, booking: Record<string, unknown>): Promise<string> {
  const id = await createRelease(agency);
  const rm = agency.tokens.release_manager;
  const team = await api(`/v1/releases/${id}/team`, {
    method: "PUT",
    token: rm,
    body: {
      release_manager_id: agency.members.release_manager.id,
      members: [{ member_id: agency.members.engineer.id, role: "engineer" }],
    },
  });
  expect(team.status, team.text).toBe(200);
  const window = await api(`/v1/releases/${id}/window`, { method: "PUT", token: rm, body: booking });
  expect(window.status, window.text).toBe(200);
  const moved = await api(`/v1/releases/${id}/transitions`, {
    token: rm,
    body: { to: "pre_deployment_verification" },
  });
  expect(moved.status, moved.text).toBe(200);
  await makeGoReady(agency, id);
  return id;
}

describe("cron: window occurrences", () => {
  it("a release given go at 15:00 starts itself when its 22:00 maintenance window opens", async () => {
    // One reading of the clock for the zone and the check: an hour turning while the agency is
    // seeded must not make it 16:00 there (the window at 22:00 is ahead either way).
    const now = new Date();
    const timezone = zoneWhereItIsThreePm(now);
    const agency = await seedAgency({ timezone, state: "WA" });
    expect(localWallClock(timezone, now).slice(11, 13)).toBe("15");
    const today = localWallClock(timezone, now).slice(0, 10);
    const window = await createWindow(agency, {
      kind: "maintenance",
      name: "Nightly 22:00",
      start: `${today}T22:00`,
      duration_minutes: 120,
      recurrence: { freq: "daily" },
    });
    const opensAt = new Date(window.next_occurrence?.starts_at ?? "");
    expect(localWallClock(timezone, opensAt)).toBe(`${today}T22:00`);

    const id = await readyForGo(agency, {
      window_id: window.id,
      occurrence_starts_at: opensAt.toISOString(),
    });
    const go = await decide(agency, id, {
      kind: "go_no_go",
      outcome: "go",
      rationale: "Ready; deploy tonight at 22:00",
    });
    expect(go.status, go.text).toBe(200);
    expect(go.body.status).toBe("scheduled");

    await tick(new Date(opensAt.getTime() - MINUTE)); // 21:59: nothing opens
    expect((await releaseOf(agency, id)).status).toBe("scheduled");
    expect(await occurrenceRows(window.id)).toEqual([]);

    const at = new Date(opensAt.getTime() + 20_000);
    await tick(at); // 22:00:20: the window opens and the release moves
    const started = await releaseOf(agency, id);
    expect({ stage: started.stage, status: started.status }).toEqual({
      stage: "deployment_execution",
      status: "active",
    });
    const rows = await occurrenceRows(window.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      starts_at: opensAt.toISOString(),
      opened_at: at.toISOString(),
      closed_at: null,
    });

    await tick(at); // the same tick again changes nothing
    expect((await releaseOf(agency, id)).row_version).toBe(started.row_version);
    expect(await occurrenceRows(window.id)).toEqual(rows);
  });

  it("a freeze added after booking stops the go (the policy is checked again at go time)", async () => {
    const agency = await seedAgency({ timezone: "Australia/Sydney", state: "NSW" });
    const start = minutesAhead(24 * 60);
    const window = await createWindow(agency, {
      kind: "maintenance",
      name: "Tomorrow",
      timezone: "UTC",
      start: localWallClock("UTC", start),
      duration_minutes: 60,
    });
    const id = await readyForGo(agency, { window_id: window.id, occurrence_starts_at: start.toISOString() });
    await createWindow(agency, {
      kind: "freeze",
      name: "Client campaign freeze",
      timezone: "UTC",
      start: localWallClock("UTC", new Date(start.getTime() - 60 * MINUTE)),
      duration_minutes: 180,
    });
    const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
    expect(go.status, go.text).toBe(409);
    expect(go.body.unmet_gates.map((g: { id: string }) => g.id)).toContain("window_allowed_by_policy");
    expect(JSON.stringify(go.body.unmet_gates)).toContain("Client campaign freeze");
  });

  it("opens an occurrence once however often the tick runs, and closes it once when it ends", async () => {
    const agency = await seedAgency();
    const start = minutesAhead(10);
    const window = await createWindow(agency, {
      kind: "maintenance",
      name: "One-off",
      timezone: "UTC",
      start: localWallClock("UTC", start),
      duration_minutes: 30,
    });
    expect(window.next_occurrence?.starts_at).toBe(start.toISOString());
    await tick(new Date(start.getTime() - MINUTE));
    expect(await occurrenceRows(window.id)).toEqual([]);

    const opened = new Date(start.getTime() + 30_000);
    await Promise.all([tick(opened), tick(opened)]); // two ticks at once
    await tick(opened);
    const rows = await occurrenceRows(window.id);
    expect(rows).toEqual([
      {
        occurrence_key: `${window.id}@${start.toISOString()}`,
        starts_at: start.toISOString(),
        ends_at: new Date(start.getTime() + 30 * MINUTE).toISOString(),
        opened_at: opened.toISOString(),
        closed_at: null,
      },
    ]);
    // A one-off window has nothing left to open.
    expect(
      (await api(`/v1/windows/${window.id}`, { token: agency.tokens.viewer })).body.next_occurrence,
    ).toBeNull();

    const closing = new Date(start.getTime() + 31 * MINUTE);
    await tick(closing);
    await tick(new Date(closing.getTime() + MINUTE));
    const closed = await occurrenceRows(window.id);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.closed_at).toBe(closing.toISOString());
  });

  it("a missed tick catches up: ended occurrences are recorded opened and closed, the current one opened, none twice", async () => {
    const agency = await seedAgency();
    const first = minutesAhead(10);
    const window = await createWindow(agency, {
      kind: "business_hours",
      name: "Daily hour",
      timezone: "UTC",
      start: localWallClock("UTC", first),
      duration_minutes: 60,
      recurrence: { freq: "daily" },
    });
    const DAY = 24 * 60 * MINUTE;
    // The cron was down for three days; the next tick comes 30 minutes into the fourth occurrence.
    const late = new Date(first.getTime() + 3 * DAY + 30 * MINUTE);
    await tick(late);
    await tick(late);
    const rows = await occurrenceRows(window.id);
    expect(rows.map((r) => r.starts_at)).toEqual(
      [0, 1, 2, 3].map((d) => new Date(first.getTime() + d * DAY).toISOString()),
    );
    for (const row of rows.slice(0, 3)) {
      expect(row).toMatchObject({ opened_at: late.toISOString(), closed_at: late.toISOString() });
    }
    expect(rows[3]).toMatchObject({ opened_at: late.toISOString(), closed_at: null });
    const next = (await api(`/v1/windows/${window.id}`, { token: agency.tokens.viewer })).body
      .next_occurrence;
    expect(next.starts_at).toBe(new Date(first.getTime() + 4 * DAY).toISOString());
  });

  it("a release scheduled for an occurrence that ended before any tick ran is not deployed late: its go is withdrawn once", async () => {
    const agency = await seedAgency();
    const start = minutesAhead(15);
    const window = await createWindow(agency, {
      kind: "maintenance",
      name: "Short window",
      timezone: "UTC",
      start: localWallClock("UTC", start),
      duration_minutes: 30,
    });
    const id = await readyForGo(agency, { window_id: window.id, occurrence_starts_at: start.toISOString() });
    const go = await decide(agency, id, { kind: "go_no_go", outcome: "go", rationale: "Ready" });
    expect(go.body.status).toBe("scheduled");

    const late = new Date(start.getTime() + 45 * MINUTE); // every tick during the window was missed
    await tick(late);
    await tick(late);
    const after = await releaseOf(agency, id);
    expect({ stage: after.stage, status: after.status }).toEqual({
      stage: "pre_deployment_verification",
      status: "active",
    });
    const rows = await occurrenceRows(window.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ opened_at: late.toISOString(), closed_at: late.toISOString() });
    const events = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
    const withdrawn = events.body.items.filter((e: { type: string }) => e.type === "go_withdrawn");
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0].data.cause).toBe("window_missed");
  });
});
