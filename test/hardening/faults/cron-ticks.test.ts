// Duplicate and missed cron ticks, through the Worker's scheduled handler: the
// same scheduled time fired twice (one after the other, and both at once)
// opens each window occurrence once, starts each scheduled release once and
// sends each email once; a tick that comes hours late still catches up on
// everything that fell due in between, once.
//
// The cron works across agencies and the database clock is shared with other
// files, so every slot here is at least 30 minutes ahead (clear of the ticks
// near "now" that other files run) and every assertion reads only this
// file's windows, releases and recipients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addContact, fakeControl, fakeFor } from "../../notifications/support";
import { api } from "../../support/api";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { createWindow, localWallClock, occurrenceRows, tick } from "../../windows/support";
import {
  type OutboxRow,
  outboxRows,
  scheduledRelease,
  setRecipients,
  waitForOutbox,
  wholeMinutesAhead,
} from "../support/faults";

const MINUTE = 60_000;
let agency: SeededAgency;
const summary = { ticks: 0, duplicateTicks: 0, occurrences: 0, releasesStarted: 0, emails: 0 };

beforeAll(async () => {
  agency = await seedAgency();
});

afterAll(() => {
  console.log(
    `[hardening] faults/cron-ticks: ${summary.ticks} ticks (${summary.duplicateTicks} duplicates, sequential and concurrent, and a tick 3 h late) → ${summary.occurrences} window occurrences opened once each, ${summary.releasesStarted} scheduled releases started once each, ${summary.emails} emails sent once each`,
  );
});

async function runTicks(...at: Date[]) {
  summary.ticks += at.length;
  await Promise.all(at.map((instant) => tick(instant)));
}

async function releaseOf(id: string) {
  const res = await api(`/v1/releases/${id}`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body as { stage: string; status: string; row_version: number };
}

async function eventsOf(id: string) {
  const res = await api(`/v1/releases/${id}/events?limit=200`, { token: agency.tokens.viewer });
  expect(res.status, res.text).toBe(200);
  return res.body.items as {
    type: string;
    actor: { kind: string; name?: string };
    data: { cause?: string };
    request_id: string | null;
  }[];
}

/** The scheduler's own state changes of a release (starting it, or withdrawing its go). */
async function schedulerChanges(id: string) {
  return (await eventsOf(id)).filter((e) => e.actor.kind === "system" && e.actor.name === "scheduler");
}

/** A one-off UTC maintenance window (no holiday or zone in play). */
async function oneOffWindow(name: string, start: Date, minutes: number) {
  const window = await createWindow(agency, {
    kind: "maintenance",
    name,
    timezone: "UTC",
    start: localWallClock("UTC", start),
    duration_minutes: minutes,
  });
  expect(window.next_occurrence?.starts_at).toBe(start.toISOString());
  return window;
}

/** What the provider saw for one outbox message (its id is the Idempotency-Key). */
async function providerAnswers(address: string, messageId: string) {
  const { requests, deliveries } = await fakeFor(address);
  return {
    answers: requests.filter((r) => r.headers["idempotency-key"] === messageId).map((r) => r.answered),
    deliveries: deliveries.filter((d) => d.idempotency_key === messageId).length,
  };
}

const pick = (rows: OutboxRow[], event: string) => rows.find((row) => row.event === event);

/** A maintenance window 30 minutes ahead with a release scheduled into it and a stakeholder to tell. */
async function scheduledIntoWindow(label: string) {
  const opensAt = wholeMinutesAhead(30);
  const window = await oneOffWindow(label, opensAt, 60);
  const person = await addContact(agency, { consent: true });
  const releaseId = await scheduledRelease(agency, {
    window_id: window.id,
    occurrence_starts_at: opensAt.toISOString(),
  });
  await setRecipients(agency, releaseId, [person.id]);
  return { window, person, releaseId, opensAt };
}

/** After the window's tick(s): one occurrence, the release started once, "window opened" sent once. */
async function expectOpenedOnce(scenario: Awaited<ReturnType<typeof scheduledIntoWindow>>, tickedAt: Date) {
  const { window, person, releaseId, opensAt } = scenario;
  expect(await occurrenceRows(window.id)).toEqual([
    {
      occurrence_key: `${window.id}@${opensAt.toISOString()}`,
      starts_at: opensAt.toISOString(),
      ends_at: new Date(opensAt.getTime() + 60 * MINUTE).toISOString(),
      opened_at: tickedAt.toISOString(),
      closed_at: null,
    },
  ]);
  const started = await releaseOf(releaseId);
  expect({ stage: started.stage, status: started.status }).toEqual({
    stage: "deployment_execution",
    status: "active",
  });
  expect((await schedulerChanges(releaseId)).map((e) => e.type)).toEqual(["release_state_changed"]);
  const rows = await outboxRows(agency.tenantId, releaseId);
  expect(rows.map((row) => ({ event: row.event, status: row.status, attempts: row.attempts }))).toEqual([
    { event: "window_opened", status: "sent", attempts: 1 },
  ]);
  expect(await providerAnswers(person.email, rows[0]?.id ?? "")).toEqual({ answers: [200], deliveries: 1 });
  return started;
}

/** One occurrence opened, one release started, one email sent. */
function countOpenedOnce() {
  summary.occurrences++;
  summary.releasesStarted++;
  summary.emails++;
}

describe("faults: duplicate and missed cron ticks", () => {
  it("the same tick twice in a row opens, starts and sends once", async () => {
    const scenario = await scheduledIntoWindow("Duplicate tick, sequential");
    const at = new Date(scenario.opensAt.getTime() + 20_000);
    await runTicks(at);
    await runTicks(at);
    summary.duplicateTicks++;
    await expectOpenedOnce(scenario, at);
    countOpenedOnce();
  });

  it("the same tick twice at the same moment opens, starts and sends once; a third changes nothing", async () => {
    const scenario = await scheduledIntoWindow("Duplicate tick, concurrent");
    const at = new Date(scenario.opensAt.getTime() + 20_000);
    await runTicks(at, at);
    summary.duplicateTicks++;
    const started = await expectOpenedOnce(scenario, at);
    await runTicks(at);
    summary.duplicateTicks++;
    expect((await releaseOf(scenario.releaseId)).row_version).toBe(started.row_version);
    await expectOpenedOnce(scenario, at);
    countOpenedOnce();
  });

  it("a tick 3 hours late catches up on everything that fell due, once, and the next tick adds nothing", async () => {
    const opensAt = wholeMinutesAhead(30);
    // Missed entirely: its window opened and closed while the cron was down.
    const missedWindow = await oneOffWindow("Missed while the cron was down", opensAt, 30);
    const missedId = await scheduledRelease(agency, {
      window_id: missedWindow.id,
      occurrence_starts_at: opensAt.toISOString(),
    });
    // Opened while the cron was down and still open when it comes back.
    const openWindowStart = new Date(opensAt.getTime() + 60 * MINUTE);
    const openWindow = await oneOffWindow("Still open when the cron is back", openWindowStart, 240);
    const person = await addContact(agency, { consent: true });
    // The go's "scheduled" message fails on its first attempt (the command's kick); its retry
    // falls due while the cron is down.
    await fakeControl("fail", person.email, 1);
    const caughtUpId = await scheduledRelease(
      agency,
      { window_id: openWindow.id, occurrence_starts_at: openWindowStart.toISOString() },
      [person.id],
    );
    await waitForOutbox(
      agency.tenantId,
      caughtUpId,
      (rows) => pick(rows, "release_scheduled")?.status === "retrying",
      "the kick's failed first attempt",
    );

    const late = new Date(opensAt.getTime() + 3 * 60 * MINUTE + 17_000);
    await runTicks(late);
    await runTicks(late);
    summary.duplicateTicks++;

    expect(await occurrenceRows(missedWindow.id)).toEqual([
      expect.objectContaining({ opened_at: late.toISOString(), closed_at: late.toISOString() }),
    ]);
    expect(await occurrenceRows(openWindow.id)).toEqual([
      expect.objectContaining({ opened_at: late.toISOString(), closed_at: null }),
    ]);
    summary.occurrences += 2;

    const withdrawn = await releaseOf(missedId);
    expect({ stage: withdrawn.stage, status: withdrawn.status }).toEqual({
      stage: "pre_deployment_verification",
      status: "active",
    });
    // One command of the scheduler: the go withdrawn (and the state change it makes), once.
    const missedChanges = await schedulerChanges(missedId);
    expect(missedChanges.filter((e) => e.type === "go_withdrawn").map((e) => e.data.cause)).toEqual([
      "window_missed",
    ]);
    expect(new Set(missedChanges.map((e) => e.request_id)).size).toBe(1);

    const started = await releaseOf(caughtUpId);
    expect({ stage: started.stage, status: started.status }).toEqual({
      stage: "deployment_execution",
      status: "active",
    });
    expect((await schedulerChanges(caughtUpId)).map((e) => e.type)).toEqual(["release_state_changed"]);
    summary.releasesStarted++;

    const rows = await outboxRows(agency.tenantId, caughtUpId);
    expect(rows.map((row) => ({ event: row.event, status: row.status, attempts: row.attempts }))).toEqual([
      { event: "release_scheduled", status: "sent", attempts: 2 },
      { event: "window_opened", status: "sent", attempts: 1 },
    ]);
    expect(await providerAnswers(person.email, pick(rows, "release_scheduled")?.id ?? "")).toEqual({
      answers: [500, 200],
      deliveries: 1,
    });
    expect(await providerAnswers(person.email, pick(rows, "window_opened")?.id ?? "")).toEqual({
      answers: [200],
      deliveries: 1,
    });
    summary.emails += 2;

    // The cron's next regular tick has nothing left to do for any of it.
    const versions = [(await releaseOf(missedId)).row_version, started.row_version];
    await runTicks(new Date(late.getTime() + MINUTE));
    expect([(await releaseOf(missedId)).row_version, (await releaseOf(caughtUpId)).row_version]).toEqual(
      versions,
    );
    expect((await fakeFor(person.email)).requests).toHaveLength(3);
    expect(await occurrenceRows(openWindow.id)).toHaveLength(1);
  });
});
