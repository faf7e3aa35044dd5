import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../../src/lib/auth/tokens";
import { tenantFingerprint } from "../support/fingerprint";
import { type Operation, operations, usesBearer } from "../support/spec";
import { validRequest } from "../support/valid-request";
import { seedWorld, type World } from "../support/world";
import { changedTables, Failures, problemMismatch, readsThenWritesThenDeletes, send } from "./sweep";

// Credentials, read from the OpenAPI document:
//  - every operation that documents a 401, sent without credentials (valid
//    path and body), answers 401 unauthorized problem+json and writes nothing;
//  - every bearer operation, sent by each role its x-roles leaves out, answers
//    403 forbidden problem+json and writes nothing: in particular every write
//    by a viewer unless x-roles admits viewers;
//  - every role x-roles admits is not refused with 403 (nor 401), so x-roles
//    cannot drift from the handlers' checks in either direction. Those
//    requests really act, so they run last, reads first and DELETEs last,
//    on the world's spare member and token where a path names one.
// "Writes nothing" is the world's tenantFingerprint, compared around every
// write and once around each pass of reads.

let world: World;
beforeAll(async () => {
  world = await seedWorld();
});

const all = readsThenWritesThenDeletes(operations());
const documents401 = all.filter((operation) => "401" in operation.responses);
/** Health, keys, public notes and unsubscribe pages: nothing to authenticate, so no 401 to expect. */
const publicWithout401 = all.filter((operation) => !("401" in operation.responses));
const bearer = all.filter(usesBearer);

const fingerprint = () => tenantFingerprint(world.agency.tenantId);

describe("credentials sweep", () => {
  const failures = new Failures();
  let unauthenticated = 0;
  let denials = 0;
  let admitted = 0;
  const refusalsLogged: string[] = [];
  const admittedStatuses = new Map<number, number>();

  /**
   * Runs `probe` for each operation: reads first with the world's data compared
   * once around all of them, then every write compared around itself.
   * `mayLogRefusal` lets an operation add one row to one table: the CI
   * receivers, which have no security scheme in the spec and authenticate by
   * signature, log a refused delivery (rate-limited) so the agency can see a
   * misconfigured secret in GET /v1/integrations/{id}/deliveries.
   */
  async function withoutChanges(
    list: Operation[],
    probe: (operation: Operation) => Promise<void>,
    mayLogRefusal: (operation: Operation) => boolean = () => false,
  ) {
    const reads = list.filter((operation) => operation.method === "get");
    const readsBefore = await fingerprint();
    for (const operation of reads) await probe(operation);
    const readChanges = changedTables(readsBefore, await fingerprint());
    if (readChanges.length > 0) failures.add("reads", `refused, yet changed ${readChanges.join(", ")}`);

    for (const operation of list.filter((o) => o.method !== "get")) {
      const before = await fingerprint();
      await probe(operation);
      const after = await fingerprint();
      const changed = changedTables(before, after);
      const [table] = changed;
      if (
        table &&
        changed.length === 1 &&
        mayLogRefusal(operation) &&
        after[table]?.rows === (before[table]?.rows ?? 0) + 1
      ) {
        refusalsLogged.push(`${operation.id} → one row in ${table}`);
        continue;
      }
      if (changed.length > 0) failures.add(operation, `refused, yet changed ${changed.join(", ")}`);
    }
  }

  it("every bearer operation declares its roles (x-roles), every secured one a 401", () => {
    for (const operation of bearer) {
      if (!operation.roles?.length) failures.add(operation, "no x-roles: its role checks cannot be swept");
      for (const role of operation.roles ?? []) {
        if (!(ROLES as readonly string[]).includes(role)) failures.add(operation, `x-roles names "${role}"`);
      }
    }
    // An operation skipped by the 401 pass must be one with nothing to authenticate.
    for (const operation of publicWithout401) {
      if (operation.schemes.length > 0) failures.add(operation, "secured, yet documents no 401");
    }
    expect(bearer.length).toBeGreaterThan(0);
  });

  it("every operation that documents a 401 answers 401 without credentials and writes nothing", async () => {
    await withoutChanges(
      documents401,
      async (operation) => {
        unauthenticated++;
        const res = await send(validRequest(operation, { pathWorld: world }), null);
        const mismatch = problemMismatch(res, 401, "unauthorized");
        if (mismatch) failures.add(operation, `without credentials: ${mismatch}`);
      },
      (operation) => operation.schemes.length === 0,
    );
  });

  it("every role an operation's x-roles leaves out gets 403 and writes nothing", async () => {
    await withoutChanges(bearer, async (operation) => {
      for (const role of ROLES.filter((r) => !operation.roles?.includes(r))) {
        denials++;
        const res = await send(
          validRequest(operation, { pathWorld: world, actor: role }),
          world.agency.tokens[role],
        );
        const mismatch = problemMismatch(res, 403, "forbidden");
        if (mismatch) failures.add(operation, `${role} (not in x-roles ${operation.roles}): ${mismatch}`);
      }
    });
  });

  it("every write a viewer sends is refused unless x-roles admits viewers (counted above)", () => {
    const viewerWrites = bearer.filter((operation) => operation.method !== "get");
    const admittedViewerWrites = viewerWrites.filter((operation) => operation.roles?.includes("viewer"));
    console.log(
      `[hardening] credentials: viewer writes: ${viewerWrites.length - admittedViewerWrites.length} refused with 403 above; ` +
        `${admittedViewerWrites.length} admitted by x-roles: ${admittedViewerWrites.map((o) => o.id).join(", ")}`,
    );
    expect(viewerWrites.length).toBeGreaterThan(admittedViewerWrites.length);
  });

  it("every role x-roles admits gets past the role check (no 401, no 403)", async () => {
    for (const operation of bearer) {
      for (const role of (operation.roles ?? []) as Role[]) {
        admitted++;
        const res = await send(
          validRequest(operation, { pathWorld: world, actor: role }),
          world.agency.tokens[role],
        );
        admittedStatuses.set(res.status, (admittedStatuses.get(res.status) ?? 0) + 1);
        if (res.status === 401 || res.status === 403 || res.status >= 500) {
          failures.add(operation, `${role} (in x-roles) got ${res.status} ${res.text.slice(0, 300)}`);
        }
      }
    }
  });

  it("reports", () => {
    failures.print("credentials");
    console.log(
      `[hardening] credentials: ${unauthenticated} operations without credentials → 401 ` +
        `(${publicWithout401.length} public operations document no 401: ${publicWithout401.map((o) => o.id).join(", ")}); ` +
        `${denials} role denials → 403; ` +
        `${admitted} admitted role requests not refused (${[...admittedStatuses]
          .sort(([x], [y]) => x - y)
          .map(([status, count]) => `${count}× ${status}`)
          .join(", ")}); ${failures.list.length} failures; ` +
        `refusals logged by public receivers: ${refusalsLogged.join(", ") || "none"}`,
    );
    expect(failures.list).toEqual([]);
  });
});
