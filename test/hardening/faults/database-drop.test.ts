// The database connection dropped in the middle of a request's transaction:
// the caller gets 503 problem+json with Retry-After, nothing of the request is
// written, the stack serves the next request, and a retry with the same
// Idempotency-Key applies once. The cut is made by the bridge (the only path
// between the Worker and Postgres), aimed at one request by a marker in its body.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../support/api";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { createRelease, planAndVerify } from "../../support/releases";
import { systemQuery } from "../../windows/support";
import {
  armFault,
  type CutMoment,
  disarmFault,
  expectRetryableProblem,
  faultState,
  sessionIsClean,
  uniqueMarker,
  withConnectionCut,
} from "../support/faults";

let agency: SeededAgency;
const summary = { cuts: 0, partialRows: 0, retriesAppliedOnce: 0 };

beforeAll(async () => {
  agency = await seedAgency();
});

afterAll(() => {
  console.log(
    `[hardening] faults/database-drop: ${summary.cuts} writes cut mid-transaction (route and Durable Object, before and after the statement ran) → 503 + Retry-After, ${summary.partialRows} partial rows, ${summary.retriesAppliedOnce} retries with the same Idempotency-Key applied once`,
  );
});

async function idempotencyKeyRows(key: string): Promise<number> {
  const rows = await systemQuery<{ n: number }>(sql`
    select count(*)::int as n from idempotency_keys where tenant_id = ${agency.tenantId} and key = ${key}`);
  return rows[0]?.n ?? -1;
}

/** The stack serves the next request: the embedded database has no transaction left open, and a read and a write succeed. */
async function expectRecovered(): Promise<void> {
  expect(await sessionIsClean(), "a transaction was left open on the shared database session").toBe(true);
  const read = await api("/v1/clients?limit=1", { token: agency.tokens.viewer });
  expect(read.status, read.text).toBe(200);
  const write = await api("/v1/clients", {
    token: agency.tokens.owner,
    body: { name: uniqueMarker("after-fault") },
  });
  expect(write.status, write.text).toBe(201);
}

const MOMENTS: CutMoment[] = ["after_answer", "before_forwarding"];

describe("faults: the database connection dropped mid-request", () => {
  it.each(MOMENTS)(
    "a route's write (POST /v1/clients) cut %s: 503, nothing written, the retry applies once",
    async (when) => {
      const name = uniqueMarker("fault-client");
      const key = crypto.randomUUID();
      const send = () =>
        api("/v1/clients", {
          token: agency.tokens.owner,
          body: { name, timezone: "Australia/Perth" },
          headers: { "Idempotency-Key": key },
        });

      const { response: res, cut, statementRan } = await withConnectionCut(name, when, send);
      expect(cut, "the bridge never saw the marked statement").toBe(true);
      expect(statementRan, "the marked statement ran in the open transaction").toBe(when === "after_answer");
      summary.cuts++;
      expectRetryableProblem(res, "database_unavailable");

      // Nothing of the request: neither the client row nor the idempotency key written before it.
      const clients = await systemQuery<{ n: number }>(sql`
        select count(*)::int as n from clients where tenant_id = ${agency.tenantId} and name = ${name}`);
      const keys = await idempotencyKeyRows(key);
      summary.partialRows += (clients[0]?.n ?? 0) + keys;
      expect(clients[0]?.n).toBe(0);
      expect(keys).toBe(0);

      await expectRecovered();

      const retried = await send();
      expect(retried.status, retried.text).toBe(201);
      expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
      const replayed = await send();
      expect(replayed.status, replayed.text).toBe(201);
      expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
      expect(replayed.body.id).toBe(retried.body.id);
      const after = await systemQuery<{ id: string }>(sql`
        select id from clients where tenant_id = ${agency.tenantId} and name = ${name}`);
      expect(after).toEqual([{ id: retried.body.id }]);
      summary.retriesAppliedOnce++;
    },
  );

  it.each(MOMENTS)(
    "a release command in its Durable Object (halt decision) cut %s: 503, release untouched, the retry applies once",
    async (when) => {
      const releaseId = await createRelease(agency);
      await planAndVerify(agency, releaseId);
      const before = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
      expect(before.status, before.text).toBe(200);
      const eventsBefore = await systemQuery<{ id: string }>(sql`
        select id from release_events where tenant_id = ${agency.tenantId} and release_id = ${releaseId}`);

      // The rationale is written by the audit insert, after the release row's update in the same transaction.
      const rationale = uniqueMarker("fault-halt");
      const key = crypto.randomUUID();
      const send = () =>
        api(`/v1/releases/${releaseId}/decisions`, {
          token: agency.tokens.release_manager,
          body: { kind: "halt", rationale },
          headers: { "Idempotency-Key": key },
        });

      const { response: res, cut, statementRan } = await withConnectionCut(rationale, when, send);
      expect(cut, "the bridge never saw the marked statement").toBe(true);
      expect(statementRan, "the marked statement ran in the open transaction").toBe(when === "after_answer");
      summary.cuts++;
      expectRetryableProblem(res, "database_unavailable");

      const row = await systemQuery<{ status: string; stage: string; row_version: number }>(sql`
        select status, stage, row_version from releases where tenant_id = ${agency.tenantId} and id = ${releaseId}`);
      const eventsAfter = await systemQuery<{ id: string }>(sql`
        select id from release_events where tenant_id = ${agency.tenantId} and release_id = ${releaseId}`);
      const keys = await idempotencyKeyRows(key);
      const partial =
        (row[0]?.row_version === before.body.row_version ? 0 : 1) +
        (eventsAfter.length - eventsBefore.length) +
        keys;
      summary.partialRows += partial;
      expect(row).toEqual([
        { status: before.body.status, stage: before.body.stage, row_version: before.body.row_version },
      ]);
      expect(eventsAfter).toEqual(eventsBefore);
      expect(keys).toBe(0);

      await expectRecovered();

      const retried = await send();
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.status).toBe("halted");
      expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
      const replayed = await send();
      expect(replayed.status, replayed.text).toBe(200);
      expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
      expect(replayed.body.row_version).toBe(retried.body.row_version);
      const halted = await systemQuery<{ type: string }>(sql`
        select type from release_events
        where tenant_id = ${agency.tenantId} and release_id = ${releaseId} and type = 'release_halted'`);
      expect(halted).toHaveLength(1);
      expect(retried.body.row_version).toBe(before.body.row_version + 1);
      summary.retriesAppliedOnce++;
    },
  );

  it("a release command whose connection stops answering: 503 within the limit, the release untouched, and its next decision applies", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const before = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect(before.status, before.text).toBe(200);
    const rationale = uniqueMarker("fault-halt-stall");
    const key = crypto.randomUUID();
    const send = () =>
      api(`/v1/releases/${releaseId}/decisions`, {
        token: agency.tokens.release_manager,
        body: { kind: "halt", rationale },
        headers: { "Idempotency-Key": key },
      });

    const rule = await armFault(rationale, "stall");
    try {
      const res = await send();
      expect((await faultState(rule)).triggered, "the bridge never saw the marked statement").toBe(true);
      expectRetryableProblem(res, "database_unavailable");
      // The object closed the connection rather than wait on it: Postgres rolls the transaction back.
      const deadline = Date.now() + 5_000;
      while (!(await faultState(rule)).closed && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await faultState(rule)).closed, "the stalled connection is still open").toBe(true);
    } finally {
      await disarmFault(rule);
    }
    summary.cuts++;

    const row = await systemQuery<{ row_version: number }>(sql`
      select row_version from releases where tenant_id = ${agency.tenantId} and id = ${releaseId}`);
    expect(row).toEqual([{ row_version: before.body.row_version }]);
    expect(await idempotencyKeyRows(key)).toBe(0);
    await expectRecovered();

    // The release is not frozen behind the stalled transaction: the retry is applied, once.
    const retried = await send();
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.status).toBe("halted");
    expect(retried.body.row_version).toBe(before.body.row_version + 1);
    summary.retriesAppliedOnce++;
  });
});
