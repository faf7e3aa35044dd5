import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { describeError, logUnexpected, toApiError } from "../../src/app/errors";
import { DatabaseHandle } from "../../src/db/client";
import { inTenantScope } from "../../src/db/scope";
import { isDurableObjectUnavailability } from "../../src/lib/durable-object-errors";
import type { ReleaseCommand } from "../../src/releases/command";
import {
  commandFailure,
  coordinatorName,
  coordinatorUnavailable,
} from "../../src/releases/coordinator-client";
import { executeReleaseCommand, executeReleaseCommands } from "../../src/releases/execute-command";
import { writeRelease } from "../../src/releases/operation-context";
import { loadReleaseState } from "../../src/releases/release-state";
import type { ReleaseCoordinator } from "../../workers/release-coordinator";
import { api } from "../support/api";
import { withDatabase } from "../support/database";
import { type SeededAgency, seedAgency } from "../support/harness";
import { createRelease, decide, planAndVerify } from "../support/releases";

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
});

async function claimsOf(token: string) {
  const { verifyToken } = await import("../../src/lib/auth/tokens");
  const { runtimeConfig } = await import("../../src/env");
  return verifyToken(runtimeConfig(env), token);
}

async function haltCommand(releaseId: string, kind: "halt" | "resume"): Promise<ReleaseCommand> {
  return {
    tenantId: agency.tenantId,
    releaseId,
    principal: { kind: "token", claims: await claimsOf(agency.tokens.release_manager) },
    requestId: crypto.randomUUID(),
    operation: {
      name: "lifecycle",
      input: { type: "decision", kind, outcome: null, rationale: `${kind} for test` },
    },
  };
}

async function eventTypes(releaseId: string): Promise<string[]> {
  const res = await api(`/v1/releases/${releaseId}/events?limit=200`, { token: agency.tokens.viewer });
  return res.body.items.map((e: { type: string }) => e.type);
}

/** The release's halts and resumes, in the order they were recorded. */
async function haltsAndResumes(releaseId: string): Promise<string[]> {
  return (await eventTypes(releaseId)).filter((t) => t === "release_halted" || t === "release_resumed");
}

describe("errors from a coordinator's stub", () => {
  it("turns only what the platform marks as a reset, retryable or overloaded into a 503", () => {
    const reset = Object.assign(new Error("Durable Object reset because its code was updated."), {
      durableObjectReset: true,
    });
    const unreachable = Object.assign(new Error("Network connection lost."), { retryable: true });
    const overloaded = Object.assign(new Error("Durable Object is overloaded."), { overloaded: true });
    for (const error of [reset, unreachable, overloaded])
      expect(isDurableObjectUnavailability(error)).toBe(true);
    expect(coordinatorUnavailable(reset)).toMatchObject({ status: 503, headers: { "Retry-After": "1" } });
    expect(coordinatorUnavailable(overloaded)).toMatchObject({
      status: 503,
      headers: { "Retry-After": "5" },
    });

    // Our own bugs stay 500s that get logged, never a retry loop.
    const ourBug = Object.assign(new TypeError("cannot read properties of undefined"), { remote: true });
    const notSerialisable = new DOMException("could not be cloned", "DataCloneError");
    for (const error of [ourBug, notSerialisable, new Error("plain")]) {
      expect(isDurableObjectUnavailability(error)).toBe(false);
    }
  });
});

describe("an unexpected error inside a command", () => {
  it("comes back with its name, message and where it was thrown, and the caller's log line carries them", async () => {
    const releaseId = await createRelease(agency);
    const stub = env.RELEASE_COORDINATOR.get(
      env.RELEASE_COORDINATOR.idFromName(coordinatorName(agency.tenantId, releaseId)),
    );
    // A patch with no body cannot come through the API (the route validates it): here it stands
    // for a bug of ours inside the object.
    const command: ReleaseCommand = {
      ...(await haltCommand(releaseId, "halt")),
      operation: { name: "patch", input: null as unknown as Record<string, never> },
    };
    const outcome = await runInDurableObject(stub, (instance: ReleaseCoordinator) =>
      instance.execute(command),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem.code).toBe("internal");
    expect(outcome.problem.cause).toMatchObject({
      name: "TypeError",
      message: expect.stringContaining("Cannot read properties of null"),
      where: expect.stringContaining("patchRelease"),
    });
    // The client sees none of it.
    expect(outcome.problem.detail).not.toContain("TypeError");

    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      logUnexpected(commandFailure(outcome.problem), "request-under-test");
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0] ?? "{}");
    expect(logged).toMatchObject({
      level: "error",
      request_id: "request-under-test",
      error: "TypeError",
      message: expect.stringContaining("Cannot read properties of null"),
      where: expect.stringContaining("patchRelease"),
    });
  });

  it("masks email addresses and the quoted values of Postgres data errors in what it logs", () => {
    const described = describeError(new Error("no member dana@example.com.au in this agency"));
    expect(described.message).toBe("no member [email] in this agency");
    const pgError = Object.assign(new Error('invalid input syntax for type uuid: "dana-secret"'), {
      code: "22P02",
    });
    expect(describeError(pgError)).toMatchObject({
      message: 'invalid input syntax for type uuid: "[value]"',
      sqlstate: "22P02",
    });
  });
});

describe("ReleaseCoordinator", () => {
  it("queues commands and applies them in arrival order, one transaction at a time", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const stub = env.RELEASE_COORDINATOR.get(
      env.RELEASE_COORDINATOR.idFromName(coordinatorName(agency.tenantId, releaseId)),
    );
    const commands = [
      await haltCommand(releaseId, "halt"),
      await haltCommand(releaseId, "resume"),
      await haltCommand(releaseId, "halt"),
    ];
    const outcomes = await runInDurableObject(stub, async (instance: ReleaseCoordinator) => {
      const pending = commands.map((command) => instance.execute(command));
      expect(await instance.queueLength()).toBe(3);
      const settled = await Promise.all(pending);
      expect(await instance.queueLength()).toBe(0);
      return settled;
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    const decisions = await haltsAndResumes(releaseId);
    expect(decisions).toEqual(["release_halted", "release_resumed", "release_halted"]);
  });

  it("a reset object loses no accepted decision and a retried one applies once", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const key = crypto.randomUUID();
    const body = { kind: "halt", rationale: "Client asked to pause" };
    const first = await api(`/v1/releases/${releaseId}/decisions`, {
      token: agency.tokens.release_manager,
      body,
      headers: { "Idempotency-Key": key },
    });
    expect(first.status, first.text).toBe(200);
    await abortAllDurableObjects();
    const retried = await api(`/v1/releases/${releaseId}/decisions`, {
      token: agency.tokens.release_manager,
      body,
      headers: { "Idempotency-Key": key },
    });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retried.body.row_version).toBe(first.body.row_version);
    const release = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect(release.body.status).toBe("halted");
    expect((await eventTypes(releaseId)).filter((t) => t === "release_halted")).toHaveLength(1);
  });

  it("answers 503 with nothing written when Postgres cannot be reached", async () => {
    const releaseId = await createRelease(agency);
    const before = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    const unreachable = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: "127.0.0.1:9" });
    const outcome = await executeReleaseCommand(unreachable, await haltCommand(releaseId, "halt"));
    expect(outcome).toMatchObject({
      ok: false,
      problem: { code: "database_unavailable", headers: { "Retry-After": "5" } },
    });
    const after = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect(after.body.row_version).toBe(before.body.row_version);
    expect(after.body.status).toBe("active");
  });

  it("a write that skips the Durable Object still cannot apply a stale change (row version)", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const database = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
    try {
      // Two writers racing outside the object: the row lock and version check let one through at a time.
      const results = await Promise.all([
        executeReleaseCommand(database, await haltCommand(releaseId, "halt")),
        executeReleaseCommand(
          new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY }),
          await haltCommand(releaseId, "halt"),
        ),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const loser = results.find((r) => !r.ok);
      expect(loser).toMatchObject({ ok: false, problem: { code: "conflict" } });
    } finally {
      await database.end();
    }
    expect((await eventTypes(releaseId)).filter((t) => t === "release_halted")).toHaveLength(1);
  });

  it("the release's state read as a prepared statement is the state drizzle reads, locked or not", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    await decide(agency, releaseId, { kind: "halt", rationale: "A prepared read is checked" });
    const [plain, prepared, preparedLocked] = await withDatabase((database) =>
      inTenantScope(database, agency.tenantId, async (tx, statements) =>
        Promise.all([
          loadReleaseState(tx, agency.tenantId, releaseId),
          loadReleaseState(tx, agency.tenantId, releaseId, false, statements),
          loadReleaseState(tx, agency.tenantId, releaseId, true, statements),
        ]),
      ),
    );
    expect(plain?.status).toBe("halted");
    expect(plain?.checklist.length).toBeGreaterThan(0);
    expect(prepared).toEqual(plain);
    expect(preparedLocked).toEqual(plain);
  });

  it("the prepared state read, planned once and reused on a connection, still sees only the scoped tenant's rows", async () => {
    const releaseId = await createRelease(agency);
    const other = await seedAgency();
    const [own, elsewhere] = await withDatabase(async (database) => {
      const read = (tenantId: string) =>
        inTenantScope(database, tenantId, (tx, statements) =>
          loadReleaseState(tx, agency.tenantId, releaseId, false, statements),
        );
      // Past the executions Postgres plans one by one, so the cached generic plan is what runs next.
      const reads = [];
      for (let i = 0; i < 7; i++) reads.push(await read(agency.tenantId));
      const otherTenant = await read(other.tenantId);
      const [plans] = await database.withConnection(
        async (_db, pipeline) =>
          (
            await pipeline.query(
              "select generic_plans::int as generic from pg_prepared_statements where name = 'release_state'",
            )
          ).rows as { generic: number }[],
      );
      expect(plans?.generic).toBeGreaterThan(0);
      return [reads.at(-1), otherTenant];
    });
    expect(own?.id).toBe(releaseId);
    // The query names the first agency; row-level security under the other agency's scope hides it.
    expect(elsewhere).toBeUndefined();
  });

  it("a release write sent ahead on a stale version withholds what was sent with it and answers 409", async () => {
    const releaseId = await createRelease(agency);
    const failure = await withDatabase((database) =>
      inTenantScope(database, agency.tenantId, async (tx, statements) => {
        const state = await loadReleaseState(tx, agency.tenantId, releaseId);
        if (!state) throw new Error("no release");
        const stale = { ...state, row_version: state.row_version - 1 };
        const ctx = {
          tx,
          statements,
          tenantId: agency.tenantId,
          actor: { kind: "system" as const, name: "scheduler" as const },
          state: stale,
          now: new Date(),
          requestId: crypto.randomUUID(),
          policy: state.policy,
          announcements: [],
        };
        await writeRelease(ctx, { title: "Written from a stale read" });
        return loadReleaseState(tx, agency.tenantId, releaseId).then(
          () => null,
          (error: unknown) => error,
        );
      }),
    );
    expect(toApiError(failure)).toMatchObject({ status: 409, code: "conflict" });
    const release = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect(release.body.title).not.toBe("Written from a stale read");
  });

  it("only the release manager (or an owner acting as one) decides; engineers and viewers get 403", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    for (const role of ["engineer", "viewer"] as const) {
      const res = await decide(agency, releaseId, { kind: "halt", rationale: "no" }, agency.tokens[role]);
      expect(res.status, res.text).toBe(403);
    }
    const owner = await decide(
      agency,
      releaseId,
      { kind: "halt", rationale: "Owner stepping in" },
      agency.tokens.owner,
    );
    expect(owner.status, owner.text).toBe(200);
    const events = await api(`/v1/releases/${releaseId}/events?limit=200`, { token: agency.tokens.viewer });
    const halted = events.body.items.find((e: { type: string }) => e.type === "release_halted");
    expect(halted.data.capacity).toBe("owner_as_release_manager");
    expect(halted.actor).toEqual({ kind: "member", member_id: agency.members.owner.id });
  });
});

describe("commands waiting together (one transaction, a savepoint each)", () => {
  async function ownerCommand(
    releaseId: string,
    operation: ReleaseCommand["operation"],
  ): Promise<ReleaseCommand> {
    return {
      ...(await haltCommand(releaseId, "halt")),
      principal: { kind: "token", claims: await claimsOf(agency.tokens.owner) },
      operation,
    };
  }

  it("gives each command its own outcome: a refused or failing one undoes only its own writes", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const engineer = {
      ...(await haltCommand(releaseId, "resume")),
      principal: { kind: "token" as const, claims: await claimsOf(agency.tokens.engineer) },
    };
    const commands = [
      await haltCommand(releaseId, "halt"),
      await haltCommand(releaseId, "halt"), // already halted: refused by the rules
      engineer, // not the release manager: 403
      // Postgres refuses its statement (not a uuid), which aborts the transaction up to the savepoint.
      // The route validates ids, so only a command sent straight to the object can carry one.
      await ownerCommand(releaseId, {
        name: "update_checklist_item",
        input: { item_id: "not-a-uuid", status: "done" },
      }),
      await haltCommand(releaseId, "resume"),
      await ownerCommand(releaseId, { name: "patch", input: { title: "Renamed in the same transaction" } }),
    ];
    const outcomes = await withDatabase((database) => executeReleaseCommands(database, commands));
    expect(outcomes.map((o) => (o.ok ? o.status : o.problem.code))).toEqual([
      200,
      "conflict",
      "forbidden",
      "bad_request",
      200,
      200,
    ]);
    // Each answer shows the release as its own command left it.
    const bodies = outcomes.map((o) => (o.ok ? (o.body as { status: string; row_version: number }) : null));
    expect(bodies[0]?.status).toBe("halted");
    expect(bodies[4]?.status).toBe("active");
    expect(bodies[4]?.row_version).toBe((bodies[0]?.row_version ?? 0) + 1);
    expect(bodies[5]?.row_version).toBe((bodies[4]?.row_version ?? 0) + 1);

    const release = await api(`/v1/releases/${releaseId}`, { token: agency.tokens.viewer });
    expect(release.body).toMatchObject({ status: "active", title: "Renamed in the same transaction" });
    const decisions = await haltsAndResumes(releaseId);
    expect(decisions).toEqual(["release_halted", "release_resumed"]);
  });

  it("a token that is no longer valid is refused with 401 while the others apply", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const halt = await haltCommand(releaseId, "halt");
    const revoked: ReleaseCommand = {
      ...halt,
      principal: {
        kind: "token",
        claims: { ...(await claimsOf(agency.tokens.release_manager)), tokenId: crypto.randomUUID() },
      },
    };
    // First in the transaction, its check travels with the release's locking read and withholds it.
    const outcomes = await withDatabase((database) =>
      executeReleaseCommands(database, [revoked, halt, { ...revoked, requestId: crypto.randomUUID() }]),
    );
    expect(outcomes.map((o) => (o.ok ? o.status : o.problem.code))).toEqual([
      "unauthorized",
      200,
      "unauthorized",
    ]);
    expect((await eventTypes(releaseId)).filter((t) => t === "release_halted")).toHaveLength(1);
  });

  it("the same Idempotency-Key twice in one transaction applies once and answers the second as a replay", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const idempotency = { key: crypto.randomUUID(), fingerprint: "same-request" };
    const halt = { ...(await haltCommand(releaseId, "halt")), idempotency };
    const outcomes = await withDatabase((database) =>
      executeReleaseCommands(database, [halt, { ...halt, requestId: crypto.randomUUID() }]),
    );
    expect(outcomes).toMatchObject([
      { ok: true, replayed: false },
      { ok: true, replayed: true },
    ]);
    const [first, second] = outcomes as { body: unknown }[];
    expect(second?.body).toEqual(first?.body);
    expect((await eventTypes(releaseId)).filter((t) => t === "release_halted")).toHaveLength(1);
  });

  it("answers every command of the transaction with 503 when Postgres cannot be reached", async () => {
    const releaseId = await createRelease(agency);
    const unreachable = new DatabaseHandle({ url: env.DATABASE_URL, wsProxy: "127.0.0.1:9" });
    const outcomes = await executeReleaseCommands(unreachable, [
      await haltCommand(releaseId, "halt"),
      await haltCommand(releaseId, "resume"),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.status : o.problem.code))).toEqual([
      "database_unavailable",
      "database_unavailable",
    ]);
  });

  it("the object applies the commands that waited while one ran in one transaction, in arrival order", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    const stub = env.RELEASE_COORDINATOR.get(
      env.RELEASE_COORDINATOR.idFromName(coordinatorName(agency.tenantId, releaseId)),
    );
    const kinds = ["halt", "resume", "halt", "resume", "halt"] as const;
    const commands = await Promise.all(kinds.map((kind) => haltCommand(releaseId, kind)));
    const outcomes = await runInDurableObject(stub, (instance: ReleaseCoordinator) =>
      Promise.all(commands.map((command) => instance.execute(command))),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true]);
    const versions = outcomes.map((o) => (o.ok ? o.rowVersion : null));
    expect(versions).toEqual([...versions].sort((a, b) => (a ?? 0) - (b ?? 0)));
    const decisions = await haltsAndResumes(releaseId);
    expect(decisions).toEqual([
      "release_halted",
      "release_resumed",
      "release_halted",
      "release_resumed",
      "release_halted",
    ]);
  });

  it("gives the commands of one transaction strictly increasing times, even when the clock stands still", async () => {
    const releaseId = await createRelease(agency);
    await planAndVerify(agency, releaseId);
    // The Workers clock moves only on I/O: commands one round trip apart may read the same millisecond.
    const stoppedClock = () => new Date("2026-12-04T01:00:00.000Z");
    const kinds = ["halt", "resume", "halt"] as const;
    const commands = await Promise.all(kinds.map((kind) => haltCommand(releaseId, kind)));
    const outcomes = await withDatabase((database) =>
      executeReleaseCommands(database, commands, stoppedClock),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    const res = await api(`/v1/releases/${releaseId}/events?limit=200`, { token: agency.tokens.viewer });
    const times = res.body.items
      .filter((e: { type: string }) => e.type === "release_halted" || e.type === "release_resumed")
      .map((e: { created_at: string }) => e.created_at);
    expect(times).toEqual([
      "2026-12-04T01:00:00.000Z",
      "2026-12-04T01:00:00.001Z",
      "2026-12-04T01:00:00.002Z",
    ]);
  });
});
