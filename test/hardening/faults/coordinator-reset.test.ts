// A release's Durable Object reset while commands wait in its queue (a deploy,
// a crash, the runtime moving it): every caller gets its success or the
// documented retryable 503 (never a 500), the audit trail holds exactly what
// was applied with nothing half-written, and the failed callers' retries with
// their Idempotency-Keys apply each exactly once.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COORDINATOR_RETRY_AFTER_SECONDS, coordinatorName } from "../../../src/releases/coordinator-client";
import { type ApiResponse, api } from "../../support/api";
import { withDatabase } from "../../support/database";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { createRelease, planAndVerify } from "../../support/releases";
import { systemQuery } from "../../windows/support";
import { expectRetryableProblem, sessionIsClean } from "../support/faults";

let agency: SeededAgency;
const summary = { resets: 0, commands: 0, applied: 0, retryable: 0, otherAnswers: 0, retries: 0 };

beforeAll(async () => {
  agency = await seedAgency();
});

afterAll(() => {
  console.log(
    `[hardening] faults/coordinator-reset: ${summary.resets} Durable Object resets with ${summary.commands} commands in flight or queued → ${summary.applied} applied, ${summary.retryable} answered 503 coordinator_unavailable + Retry-After, ${summary.otherAnswers} anything else; ${summary.retries} retries with the same Idempotency-Key, each applied exactly once`,
  );
});

const coordinatorOf = (releaseId: string) =>
  env.RELEASE_COORDINATOR.get(
    env.RELEASE_COORDINATOR.idFromName(coordinatorName(agency.tenantId, releaseId)),
  );

/** Resets the object as the runtime does on a crash or a code update: its memory and its queue are gone. */
async function resetCoordinator(releaseId: string): Promise<void> {
  // The reset also fails the call that carried it; that is expected.
  await runInDurableObject(coordinatorOf(releaseId), (_instance, state) => {
    state.abort("hardening: reset mid-queue");
  }).catch(() => undefined);
  summary.resets++;
}

/** Polls the object's queue length (bounded) until `done` holds; returns the last length seen. */
async function waitForQueue(releaseId: string, done: (length: number) => boolean): Promise<number> {
  const stub = coordinatorOf(releaseId);
  let queued = await stub.queueLength();
  for (let poll = 0; poll < 500 && !done(queued); poll++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    queued = await stub.queueLength();
  }
  return queued;
}

/** One staging test result per command: its suite name identifies its fact row and its audit event. */
interface Command {
  suite: string;
  key: string;
}

function commandsFor(label: string, count: number): Command[] {
  return Array.from({ length: count }, (_, i) => ({ suite: `${label}-${i}`, key: crypto.randomUUID() }));
}

function send(releaseId: string, command: Command): Promise<ApiResponse> {
  return api(`/v1/releases/${releaseId}/test-results`, {
    token: agency.tokens.engineer,
    body: { stage: "staging", suite: command.suite, status: "passed" },
    headers: { "Idempotency-Key": command.key },
  });
}

interface Written {
  results: number;
  events: number;
  keys: number;
}

/** What each command left in Postgres: its test result row, its audit event and its idempotency key. */
async function writtenBy(releaseId: string, commands: Command[]): Promise<Map<string, Written>> {
  const suites = commands.map((c) => c.suite);
  const keys = commands.map((c) => c.key);
  const results = await systemQuery<{ suite: string; n: number }>(sql`
    select suite, count(*)::int as n from test_results
    where tenant_id = ${agency.tenantId} and release_id = ${releaseId}
      and suite in (${sql.join(suites, sql`, `)})
    group by suite`);
  const events = await systemQuery<{ suite: string; n: number }>(sql`
    select data->>'suite' as suite, count(*)::int as n from release_events
    where tenant_id = ${agency.tenantId} and release_id = ${releaseId} and type = 'test_result_recorded'
      and data->>'suite' in (${sql.join(suites, sql`, `)})
    group by 1`);
  const stored = await systemQuery<{ key: string }>(sql`
    select key from idempotency_keys
    where tenant_id = ${agency.tenantId} and key in (${sql.join(keys, sql`, `)})`);
  const count = (rows: { suite: string; n: number }[], suite: string) =>
    rows.find((row) => row.suite === suite)?.n ?? 0;
  return new Map(
    commands.map((c) => [
      c.suite,
      {
        results: count(results, c.suite),
        events: count(events, c.suite),
        keys: stored.filter((row) => row.key === c.key).length,
      },
    ]),
  );
}

/**
 * The checks every reset must pass: each answer is a success or the
 * documented 503; every command is all-or-nothing in Postgres; the applied
 * ones are exactly the successes plus, at most, a command that committed as
 * the reset hit (its caller cannot know, so its retry must be a replay); and
 * retrying every 503 with its key leaves each command applied exactly once.
 */
async function expectResetHandled(releaseId: string, commands: Command[], answers: ApiResponse[]) {
  // The reset object's connections were abandoned mid-command: none may leave a transaction open.
  expect(await sessionIsClean(), "a transaction was left open on the shared database session").toBe(true);
  summary.commands += commands.length;
  for (const answer of answers) {
    if (answer.status === 200) {
      summary.applied++;
      continue;
    }
    if (answer.status !== 503) summary.otherAnswers++;
    expect(expectRetryableProblem(answer, "coordinator_unavailable")).toBe(COORDINATOR_RETRY_AFTER_SECONDS);
    summary.retryable++;
  }

  const written = await writtenBy(releaseId, commands);
  const failedButApplied: string[] = [];
  commands.forEach((command, i) => {
    const w = written.get(command.suite);
    // All or nothing: the fact, its audit event and the stored answer commit together.
    expect(w, command.suite).toSatisfy(
      (x: Written) =>
        (x.results === 0 && x.events === 0 && x.keys === 0) ||
        (x.results === 1 && x.events === 1 && x.keys === 1),
    );
    if (answers[i]?.status === 200) expect(w?.events, command.suite).toBe(1);
    else if (w?.events === 1) failedButApplied.push(command.suite);
  });
  // Only the command that was running when the object went can have committed unanswered.
  expect(failedButApplied.length).toBeLessThanOrEqual(1);

  const retried = await Promise.all(
    commands.map((command, i) => (answers[i]?.status === 200 ? undefined : send(releaseId, command))),
  );
  commands.forEach((command, i) => {
    const retry = retried[i];
    if (!retry) return;
    summary.retries++;
    expect(retry.status, retry.text).toBe(200);
    const replay = failedButApplied.includes(command.suite);
    expect(retry.headers.get("Idempotent-Replayed"), command.suite).toBe(replay ? "true" : null);
  });

  const after = await writtenBy(releaseId, commands);
  for (const command of commands) {
    expect(after.get(command.suite), command.suite).toEqual({ results: 1, events: 1, keys: 1 });
  }
}

describe("faults: a release's Durable Object reset mid-queue", () => {
  it("the head command blocked in Postgres and four queued behind it: all 503, nothing written, each retry applies once", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const commands = commandsFor("reset-blocked", 5);

    // A lock on the release row holds the first command inside its transaction, so the
    // others are certainly queued when the object goes (on PGlite, whose one session is
    // shared, the open transaction holds every other connection back the same way).
    const { queued, answers } = await withDatabase((handle) =>
      handle.withConnection(async (_db, client) => {
        await client.query("begin");
        await client.query("select id from releases where id = $1 for update", [releaseId]);
        const pending = commands.map((command) => send(releaseId, command));
        const queued = await waitForQueue(releaseId, (length) => length === commands.length);
        await resetCoordinator(releaseId);
        await client.query("rollback");
        return { queued, answers: await Promise.all(pending) };
      }),
    );
    expect(queued).toBe(commands.length);
    expect(answers.map((a) => a.status)).toEqual(commands.map(() => 503));
    await expectResetHandled(releaseId, commands, answers);
  });

  it("a reset while commands run and wait unobstructed: successes stand, the rest 503, each retry applies once", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const commands = commandsFor("reset-running", 8);
    const pending = commands.map((command) => send(releaseId, command));
    // Reset once all have arrived and a few have been applied, with one running and the rest waiting.
    // (Should the object outrun the polling, the checks below still hold, with less to retry.)
    await waitForQueue(releaseId, (length) => length === commands.length);
    await waitForQueue(releaseId, (length) => length <= commands.length - 3);
    await resetCoordinator(releaseId);
    const answers = await Promise.all(pending);
    await expectResetHandled(releaseId, commands, answers);
  });
});
