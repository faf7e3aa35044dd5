import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../../src/lib/auth/tokens";
import { createRelease } from "../../releases/release-driver";
import { tenantFingerprint } from "../support/fingerprint";
import { type Operation, operations, pathParameterNames, usesBearer } from "../support/spec";
import { validRequest, worldId } from "../support/valid-request";
import { seedWorld, type World } from "../support/world";
import {
  changedTables,
  Failures,
  problemMismatch,
  readsThenWritesThenDeletes,
  send,
  tablesMentioning,
} from "./sweep";

// Tenant isolation, read from the OpenAPI document: for every bearer operation
// whose path names a resource, agency B's members (each role the operation's
// x-roles admits) get 404 not_found for agency A's ids, with a valid body of
// B's own ids, and A's data stays byte-for-byte the same (tenantFingerprint:
// row count and digest of every tenant table). Reads are compared once around
// the whole read pass, every write around itself.
//
// Beyond the path ids: B's lists and other reads without path ids mention
// none of A's ids; A's writes whose bodies name B's ids (member_id, client_id,
// project_ids…) are refused and store none of them; A's reads filtered by B's
// ids (?client_id=…) show nothing of B. Each has a control showing the same
// request succeeds with the agency's own ids, so the refusals mean something.
//
// Operations with path values but no bearerAuth in their security are
// capability URLs (public notes pages, unsubscribe links, CI webhook
// receivers): whoever holds the URL is meant to reach it, so there is no
// "other tenant's credentials" to try. They are listed as excluded.

let a: World;
let b: World;
/** A with its releases path pointing at a release in planning, where release writes read their bodies. */
let aPlanning: World;
beforeAll(async () => {
  a = await seedWorld();
  b = await seedWorld();
  const planning = await createRelease(a.agency, { risk: "low" });
  aPlanning = { ...a, byCollection: { ...a.byCollection, releases: planning } };
});

const all = operations();
const withPathIds = all.filter((operation) => pathParameterNames(operation.path).length > 0);
const swept = readsThenWritesThenDeletes(withPathIds.filter(usesBearer));
const capabilityUrls = withPathIds.filter((operation) => !usesBearer(operation));
const reads = swept.filter((operation) => operation.method === "get");
const writes = swept.filter((operation) => operation.method !== "get");
/** Bearer reads without path ids (lists, calendars, the tenant): B's answers must not mention A's ids. */
const collections = all.filter(
  (operation) => usesBearer(operation) && operation.method === "get" && !withPathIds.includes(operation),
);

/** Every bearer write, path ids or not: the ones whose bodies name other resources. */
const bearerWrites = readsThenWritesThenDeletes(all.filter((o) => usesBearer(o) && o.method !== "get"));
/** Bearer reads with optional id filters in their query (`?client_id=`, `?project_id=`…). */
const filteredReads = all.filter(
  (o) =>
    usesBearer(o) &&
    o.method === "get" &&
    o.parameters.some((p) => p.in === "query" && p.schema.format === "uuid"),
);

/** Every id of a world an answer could leak: the agency, its members, and everything the paths name. */
const idsOf = (world: World) => [
  world.agency.tenantId,
  ...Object.values(world.agency.members).map((member) => member.id),
  ...Object.values(world.byCollection),
  world.publishedReleaseId,
];

/** How long an agency's data must stay the same before a fingerprint of it is taken as settled. */
const SETTLED_FOR_MS = 200;

/**
 * The agency's fingerprint once work a request left running after its answer (waitUntil) has
 * stopped changing it: the same over SETTLED_FOR_MS, or the last one taken after about 10 s.
 */
async function settledFingerprint(tenantId: string) {
  let last = await tenantFingerprint(tenantId);
  let stableSince = Date.now();
  for (let i = 0; i < 100 && Date.now() - stableSince < SETTLED_FOR_MS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await tenantFingerprint(tenantId);
    if (changedTables(last, next).length > 0) stableSince = Date.now();
    last = next;
  }
  return last;
}

/** The roles of B that try each operation: every role x-roles admits (the owner when it says nothing). */
const rolesFor = (operation: Operation): Role[] =>
  operation.roles?.length ? (operation.roles as Role[]) : ["owner"];

describe("tenant isolation sweep", () => {
  const failures = new Failures();
  let probes = 0;
  let changes = 0;
  let collectionsShowingOwnIds = 0;
  let bodyIdProbes = 0;
  let filterProbes = 0;

  async function probe(operation: Operation, attacker: World, victim: World, role: Role) {
    probes++;
    const request = validRequest(operation, { pathWorld: victim, bodyWorld: attacker, actor: role });
    const res = await send(request, attacker.agency.tokens[role]);
    const mismatch = problemMismatch(res, 404, "not_found");
    if (mismatch) failures.add(operation, `${role} of another agency: ${mismatch}`);
  }

  it("the sweep has something to sweep, and every excluded operation is public in the spec", () => {
    expect(reads.length).toBeGreaterThan(0);
    expect(writes.length).toBeGreaterThan(0);
    for (const operation of capabilityUrls) expect(operation.schemes).not.toContain("bearerAuth");
  });

  it("A's ids are real: A's owner reads every one of them (the control for the 404s below)", async () => {
    const control = new Failures();
    for (const operation of reads) {
      const res = await send(validRequest(operation, { pathWorld: a }), a.agency.tokens.owner);
      if (res.status !== 200) control.add(operation, `A's owner got ${res.status} ${res.text.slice(0, 200)}`);
    }
    control.print("isolation control");
    expect(control.list).toEqual([]);
  });

  it("B's members get 404 for every read of A's ids, and A's data is unchanged", async () => {
    const before = await tenantFingerprint(a.agency.tenantId);
    for (const operation of reads) {
      for (const role of rolesFor(operation)) await probe(operation, b, a, role);
    }
    const changed = changedTables(before, await tenantFingerprint(a.agency.tenantId));
    changes += changed.length;
    if (changed.length > 0) failures.add("read pass", `A's tables changed: ${changed.join(", ")}`);
  });

  it("A's owner gets 404 for every read of B's ids (the reverse direction)", async () => {
    for (const operation of reads) await probe(operation, a, b, "owner");
  });

  it("B's lists, calendars and other reads without path ids never mention one of A's ids", async () => {
    for (const operation of collections) {
      const owner = await send(validRequest(operation, { pathWorld: b }), b.agency.tokens.owner);
      if (idsOf(b).some((id) => owner.text.includes(id))) collectionsShowingOwnIds++;
      for (const role of rolesFor(operation)) {
        probes++;
        const res = await send(validRequest(operation, { pathWorld: b, actor: role }), b.agency.tokens[role]);
        if (res.status !== 200)
          failures.add(operation, `B's ${role} got ${res.status} ${res.text.slice(0, 200)}`);
        const leaked = idsOf(a).filter((id) => res.text.includes(id));
        if (leaked.length > 0) failures.add(operation, `B's ${role} sees A's ids ${leaked.join(", ")}`);
      }
    }
    // The control: these answers do carry ids, B's own, so the absence of A's means something.
    expect(collectionsShowingOwnIds).toBeGreaterThan(collections.length / 2);
  });

  it("B's members get 404 for every write to A's ids, and each write leaves A's data unchanged", async () => {
    for (const operation of writes) {
      const before = await tenantFingerprint(a.agency.tenantId);
      for (const role of rolesFor(operation)) await probe(operation, b, a, role);
      const changed = changedTables(before, await tenantFingerprint(a.agency.tenantId));
      changes += changed.length;
      if (changed.length > 0) failures.add(operation, `A's tables changed: ${changed.join(", ")}`);
    }
  });

  it("A's writes whose bodies name B's ids are refused with 422, and neither agency's data changes", async () => {
    // Each body is sent twice by A's owner, every id in it filled: first with A's own ids (the
    // control: the body is one A may send), then with B's, which must be refused (4xx) and
    // change nothing in A or B. Release paths point at a release in planning, which reads bodies.
    const foreignStatuses = new Map<number, number>();
    let named = 0;
    let ownAccepted = 0;
    for (const operation of bearerWrites) {
      const worlds = { pathWorld: aPlanning, actor: "owner" as const, optionalIds: true };
      const own = validRequest(operation, worlds);
      const foreign = validRequest(operation, { ...worlds, bodyWorld: b });
      if (JSON.stringify(own.body) === JSON.stringify(foreign.body)) continue; // names no ids
      named++;
      probes++;
      bodyIdProbes++;
      const control = await send(own, a.agency.tokens.owner);
      // Only when A's own ids are accepted does a refusal of B's prove the id check; otherwise
      // (the world's state refuses this body for another reason) the probe only shows that
      // nothing is written, and is counted as inconclusive in the report.
      const conclusive = control.status < 300;
      if (conclusive) ownAccepted++;
      const [aBefore, bBefore] = await Promise.all([
        // The control's own work after its answer (the outbox kicked in waitUntil, its emails sent)
        // may still be changing A: wait until it has stopped, or it would be taken for the probe's.
        settledFingerprint(a.agency.tenantId),
        tenantFingerprint(b.agency.tenantId),
      ]);
      const res = await send(foreign, a.agency.tokens.owner);
      foreignStatuses.set(res.status, (foreignStatuses.get(res.status) ?? 0) + 1);
      // The API's convention: a body naming an id outside the caller's agency is 422 with the field.
      const namesAnIdField = ((res.body?.errors ?? []) as { path?: string }[]).some((e) =>
        /^body\.[a-z_]*(id|ids|contacts|members)\b/.test(e.path ?? ""),
      );
      if (conclusive ? res.status !== 422 || !namesAnIdField : res.status < 400 || res.status >= 500) {
        failures.add(
          operation,
          `A's owner naming B's ids ${JSON.stringify(foreign.body)} got ${res.status}${conclusive ? ", not a 422 naming the id field" : ""}: ${res.text.slice(0, 200)}`,
        );
      }
      const changed = [
        ...changedTables(aBefore, await tenantFingerprint(a.agency.tenantId)).map((t) => `A.${t}`),
        ...changedTables(bBefore, await tenantFingerprint(b.agency.tenantId)).map((t) => `B.${t}`),
      ];
      changes += changed.length;
      if (changed.length > 0) failures.add(operation, `naming B's ids changed ${changed.join(", ")}`);
    }
    const stored = await tablesMentioning(a.agency.tenantId, idsOf(b));
    if (stored.length > 0) failures.add("body ids", `A's tables mention B's ids: ${stored.join(", ")}`);
    console.log(
      `[hardening] isolation: ${named} writes whose bodies name ids: with A's own ids ${ownAccepted} applied (2xx, the others refused for state and so inconclusive); ` +
        `with B's ids → ${[...foreignStatuses].map(([status, count]) => `${count}× ${status}`).join(", ")}`,
    );
    expect(named).toBeGreaterThan(0);
  });

  it("A's reads filtered by B's ids (?client_id=, ?project_id=…) show nothing of B", async () => {
    let ownFiltersAnswered = 0;
    const filtered = (operation: Operation, name: string, id: string) => {
      const request = validRequest(operation, { pathWorld: a });
      const url = new URL(request.url, "http://api.test");
      url.searchParams.set(name, id);
      return send({ ...request, url: `${url.pathname}${url.search}` }, a.agency.tokens.owner);
    };
    for (const operation of filteredReads) {
      for (const parameter of operation.parameters) {
        if (parameter.in !== "query" || parameter.schema.format !== "uuid") continue;
        const theirs = worldId(b, parameter.name);
        const ours = worldId(a, parameter.name);
        if (!theirs || !ours) continue;
        probes++;
        filterProbes++;
        // The control: the same filter with A's own id is a request A's owner may send.
        if ((await filtered(operation, parameter.name, ours)).status === 200) ownFiltersAnswered++;
        const res = await filtered(operation, parameter.name, theirs);
        const leaked = idsOf(b).filter((id) => id !== theirs && res.text.includes(id));
        if (res.status >= 500 || (res.status !== 404 && res.status >= 300) || leaked.length > 0) {
          failures.add(
            operation,
            `?${parameter.name}=B's id: ${res.status}, B's ids shown: ${leaked.join(", ") || "none"}`,
          );
        }
      }
    }
    expect(ownFiltersAnswered).toBe(filterProbes);
    expect(filterProbes).toBeGreaterThan(0);
  });

  it("A's ids are real for writes too, and the fingerprint sees A's own writes (the control for the above)", async () => {
    // After the probes, so A's owner may now change and delete A's things.
    const control = new Failures();
    const before = await tenantFingerprint(a.agency.tenantId);
    for (const operation of writes) {
      const res = await send(validRequest(operation, { pathWorld: a }), a.agency.tokens.owner);
      if (res.status === 404 || res.status >= 500) {
        control.add(operation, `A's owner got ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    const changed = changedTables(before, await tenantFingerprint(a.agency.tenantId));
    control.print("isolation write control");
    expect(control.list).toEqual([]);
    expect(changed.length).toBeGreaterThan(0);
  });

  it("reports", () => {
    failures.print("isolation");
    console.log(
      `[hardening] isolation: ${swept.length} operations with path ids (${reads.length} reads, ${writes.length} writes) × B's roles ` +
        `and ${collections.length} reads without path ids that must not mention A's ids (${collectionsShowingOwnIds} of them show B's own), ` +
        `${bodyIdProbes} writes naming B's ids in A's requests, ${filterProbes} reads filtered by B's ids → ${probes} probes, ${failures.list.length} failures, ${changes} changes to A's tables; ` +
        `${capabilityUrls.length} capability-URL operations excluded (no bearerAuth in their security): ` +
        capabilityUrls
          .map((operation) => `${operation.id} [${operation.schemes.join(",") || "public"}]`)
          .join("; "),
    );
    expect(failures.list).toEqual([]);
  });
});
