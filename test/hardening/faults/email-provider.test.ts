// The email provider failing: 500s, then a request it accepts but never
// answers (a timeout), then recovery. The real cron (the Worker's scheduled
// handler) retries with the message's one Idempotency-Key until it is
// delivered exactly once; two drains running at once never both send it.
// test/notifications/sending.test.ts covers each failure alone through the
// outbox drain; here the failures come in sequence and through the cron.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addContact,
  fakeControl,
  fakeFor,
  notificationsOf,
  scanLogsForEmailAddresses,
  setSender,
} from "../../notifications/support";
import { api } from "../../support/api";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { releaseInExecution } from "../../support/releases";
import { tick } from "../../windows/support";
import {
  type OutboxRow,
  outboxRows,
  scheduledRelease,
  setRecipients,
  waitForOutbox,
  wholeMinutesAhead,
} from "../support/faults";

scanLogsForEmailAddresses();

let agency: SeededAgency;
const summary = { messages: 0, attempts: 0, deliveries: 0, concurrentTicks: 0 };

beforeAll(async () => {
  agency = await seedAgency();
  await setSender(agency);
});

afterAll(() => {
  console.log(
    `[hardening] faults/email-provider: ${summary.messages} messages through 500s, a provider timeout and concurrent cron ticks → ${summary.attempts} attempts, one Idempotency-Key per message, ${summary.deliveries} deliveries (exactly one each); ${summary.concurrentTicks} ticks ran while another drain held the message`,
  );
});

async function ok(path: string, body: unknown, token = agency.tokens.engineer) {
  const res = await api(path, { token, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
}

/** Deployed and smoke-tested, into post-deployment verification: queues the "deployed" message. */
async function deploy(releaseId: string) {
  await ok(`/v1/releases/${releaseId}/deployment-log`, { kind: "deployment_started" });
  await ok(`/v1/releases/${releaseId}/deployment-log`, { kind: "deployment_completed" });
  await ok(`/v1/releases/${releaseId}/test-results`, { stage: "smoke", suite: "homepage", status: "passed" });
  await ok(
    `/v1/releases/${releaseId}/transitions`,
    { to: "post_deployment_verification" },
    agency.tokens.release_manager,
  );
}

/** What the provider saw for one message: each request's answer, the keys used, and the deliveries. */
async function providerRecordFor(address: string, messageId: string) {
  const { requests, deliveries } = await fakeFor(address);
  return {
    answers: requests.map((r) => r.answered),
    keys: [...new Set(requests.map((r) => r.headers["idempotency-key"]))],
    deliveries: deliveries.filter((d) => d.idempotency_key === messageId),
  };
}

const only = (rows: OutboxRow[], event: string) => {
  const matching = rows.filter((row) => row.event === event);
  expect(matching, JSON.stringify(rows)).toHaveLength(1);
  return matching[0] as OutboxRow;
};

describe("faults: the email provider failing", () => {
  it("500, 500, a timeout, then recovery: the cron retries with one Idempotency-Key and delivers once", async () => {
    const person = await addContact(agency, { consent: true });
    const releaseId = await releaseInExecution(agency);
    await setRecipients(agency, releaseId, [person.id]);
    await fakeControl("fail", person.email, 2);
    await fakeControl("hang", person.email, 1);
    await deploy(releaseId);

    // The command's waitUntil kick makes the first attempt (a 500); the cron takes it from there.
    await waitForOutbox(
      agency.tenantId,
      releaseId,
      (rows) => rows.some((row) => row.event === "deployed" && row.status === "retrying"),
      "the kick's first attempt",
    );
    let lastTick = Date.now();
    for (let round = 0; round < 6; round++) {
      const row = only(await outboxRows(agency.tenantId, releaseId), "deployed");
      if (row.status === "sent") break;
      // The tick the cron runs once the retry is due (backoff 30 s, 60 s, 120 s).
      lastTick = Math.max(lastTick + 1_000, Date.parse(row.next_attempt_at) + 1_000);
      await tick(new Date(lastTick));
    }

    const row = only(await outboxRows(agency.tenantId, releaseId), "deployed");
    const provider = await providerRecordFor(person.email, row.id);
    expect(provider.answers).toEqual([500, 500, "hung", 200]);
    expect(provider.keys).toEqual([row.id]);
    expect(provider.deliveries).toHaveLength(1);
    expect(row).toMatchObject({
      status: "sent",
      attempts: 4,
      last_error: null,
      provider_message_id: provider.deliveries[0]?.id,
    });
    const listed = (await notificationsOf(agency, releaseId)).items;
    expect(listed.map((m) => ({ event: m.event, status: m.status, attempts: m.attempts }))).toEqual([
      { event: "deployed", status: "sent", attempts: 4 },
    ]);

    // Sent is final: a later tick sends nothing more.
    await tick(new Date(lastTick + 5 * 60_000));
    expect((await fakeFor(person.email)).requests).toHaveLength(4);
    summary.messages++;
    summary.attempts += provider.answers.length;
    summary.deliveries += provider.deliveries.length;
  });

  it("two cron drains at once: while one waits on the provider the other leaves the message alone; one delivery", async () => {
    const person = await addContact(agency, { consent: true });
    const opensAt = wholeMinutesAhead(3);
    const releaseId = await scheduledRelease(agency, {
      starts_at: opensAt.toISOString(),
      ends_at: new Date(opensAt.getTime() + 60 * 60_000).toISOString(),
    });
    // Listed after the go: the only message is the one the cron queues when the window opens.
    await setRecipients(agency, releaseId, [person.id]);
    await fakeControl("hang", person.email, 1);

    // Tick A opens the window, queues "window opened" and sends it: the provider never answers.
    const first = tick(new Date(opensAt.getTime() + 10_000));
    for (let poll = 0; poll < 150 && (await fakeFor(person.email)).requests.length === 0; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await fakeFor(person.email)).requests.map((r) => r.answered)).toEqual(["hung"]);

    // Ticks B and C run while A still waits: the message is leased to A, so neither sends it.
    // Their clock is before A's retry would be due, so the outcome does not depend on whether
    // A's provider timeout has already run out in real time.
    await Promise.all([
      tick(new Date(opensAt.getTime() + 20_000)),
      tick(new Date(opensAt.getTime() + 20_000)),
    ]);
    summary.concurrentTicks += 2;
    expect((await fakeFor(person.email)).requests).toHaveLength(1);
    await first;
    const failed = only(await outboxRows(agency.tenantId, releaseId), "window_opened");
    expect(failed).toMatchObject({ status: "retrying", attempts: 1 });
    expect(failed.last_error).toMatch(/^no response /);

    // Two ticks at once when the retry is due: exactly one of them sends it.
    const due = new Date(Date.parse(failed.next_attempt_at) + 1_000);
    await Promise.all([tick(due), tick(due)]);
    summary.concurrentTicks += 2;

    const row = only(await outboxRows(agency.tenantId, releaseId), "window_opened");
    const provider = await providerRecordFor(person.email, row.id);
    expect(provider.answers).toEqual(["hung", 200]);
    expect(provider.keys).toEqual([row.id]);
    expect(provider.deliveries).toHaveLength(1);
    expect(row).toMatchObject({
      status: "sent",
      attempts: 2,
      provider_message_id: provider.deliveries[0]?.id,
    });
    summary.messages++;
    summary.attempts += provider.answers.length;
    summary.deliveries += provider.deliveries.length;
  });
});
