import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Operation, operations } from "../support/spec";
import { fillPath, pathValues, releasePathChoices, seedWorld, type World } from "../support/world";
import { credentialsFor } from "./credentials";
import { idPool } from "./id-pool";
import { formatFailure, Tally } from "./report";
import {
  type FuzzRequest,
  invalidRequest,
  oversizedRequests,
  type RequestContext,
  validRequest,
} from "./requests";
import { checkResponse } from "./response-check";
import { propertySeed, regressionSeedsFor, replayCommand } from "./seeds";
import { send } from "./send";
import { fuzzSettings, type PropertyName } from "./settings";

// Spec-driven fuzzing: every operation of openapi/openapi.json gets valid and
// invalid requests generated from its schemas, against one seeded world.
// Every answer must be a documented status with a documented media type and
// a body that validates against the documented schema, and never a 5xx.
// Failures are collected (not stopped at), printed with a replay command,
// and fail the operation's test and the summary.

const settings = fuzzSettings();
const METHOD_ORDER: Record<string, number> = { get: 0, put: 1, patch: 2, post: 3, delete: 4 };
// Reads first, deletes last: a deleted project or window would turn the rest into 404s.
const ordered = operations()
  .map((operation, position) => ({ operation, position }))
  .sort(
    (a, b) =>
      (METHOD_ORDER[a.operation.method] ?? 9) - (METHOD_ORDER[b.operation.method] ?? 9) ||
      a.position - b.position,
  )
  .map(({ operation }) => operation);
const selected = settings.operation
  ? ordered.filter((operation) => operation.id === settings.operation)
  : ordered;
if (selected.length === 0)
  throw new Error(`FUZZ_OPERATION ${settings.operation} is not an operation of the document`);

const tally = new Tally();
let world: World;

function contextFor(operation: Operation): RequestContext {
  const values = pathValues(world, operation.path);
  return {
    pathValues: values,
    pathChoices: releasePathChoices(world, operation.path) ?? [fillPath(operation.path, values)],
    uuidsFor: idPool(world),
    credentials: credentialsFor(operation, world),
  };
}

async function exercise(operation: Operation, request: FuzzRequest, replay: string): Promise<void> {
  let response: Awaited<ReturnType<typeof send>>;
  try {
    response = await send(request);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    tally.record(operation.id, request, 0);
    tally.failures.push({
      operation: operation.id,
      request,
      response: { status: 0, headers: new Headers(), text: "" },
      broken: [{ check: "exception", detail }],
      replay,
    });
    return;
  }
  tally.record(operation.id, request, response.status);
  const broken = checkResponse(operation, response, request.expect);
  if (request.mustBeRefused && response.status < 400) {
    broken.push({
      check: "refused",
      detail: `a request the spec rules out (${request.kind}) got ${response.status}`,
    });
  }
  const exchange = { operation: operation.id, request, response, broken, replay };
  if (broken.length > 0) tally.failures.push(exchange);
  if (settings.path) console.log(formatFailure(exchange));
}

async function runProperty(
  operation: Operation,
  property: PropertyName,
  requests: fc.Arbitrary<FuzzRequest>,
  runs: number,
  seed: number,
): Promise<void> {
  const replaying = settings.path;
  if (replaying && replaying.property !== property) return;
  let index = replaying?.index ?? 0;
  const details = await fc.check(
    fc.asyncProperty(requests, async (request) => {
      const current = index++;
      await exercise(operation, request, replayCommand(seed, operation.id, property, current));
      return true;
    }),
    {
      seed: propertySeed(seed, operation.id, property),
      numRuns: replaying ? 1 : runs,
      ...(replaying ? { path: String(replaying.index) } : {}),
    },
  );
  // The property records failures instead of failing; anything else is the harness breaking.
  if (details.failed) throw details.errorInstance;
}

describe("spec-driven fuzzing of every operation", () => {
  beforeAll(async () => {
    console.log(
      `fuzz seed: ${settings.seed} — replay with FUZZ_SEED=${settings.seed} npm run test:hardening`,
    );
    world = await seedWorld();
  });

  for (const operation of selected) {
    it(operation.id, async () => {
      const context = contextFor(operation);
      const before = tally.failures.length;
      tally.operations.add(operation.id);
      // The run's seed, then every seed that once found a bug in this operation (replayed at the
      // same place in the order, so the world is as it was when they found it).
      for (const seed of [settings.seed, ...(settings.path ? [] : regressionSeedsFor(operation.id))]) {
        await runProperty(operation, "valid", validRequest(operation, context), settings.runs, seed);
        await runProperty(operation, "invalid", invalidRequest(operation, context), settings.runs * 2, seed);
      }
      if (!settings.path) {
        for (const request of oversizedRequests(operation, context)) {
          await exercise(
            operation,
            request,
            `sent on every run: FUZZ_OPERATION='${operation.id}' npm run test:hardening -- test/hardening/fuzz`,
          );
        }
      }
      const mine = tally.failures.slice(before);
      expect(mine.length, mine.map(formatFailure).join("\n")).toBe(0);
    });
  }

  it("covered every operation with zero failures", () => {
    const total = operations().length;
    if (tally.failures.length > 0) {
      console.log(
        `fuzz failures (${tally.failures.length}):\n${tally.failures.map(formatFailure).join("\n")}`,
      );
    }
    console.log(`fuzz: statuses per operation\n${tally.statusTable()}`);
    console.log(`[hardening] ${tally.summary(total, settings.seed)}`);
    if (!settings.operation) expect(tally.operations.size).toBe(total);
    expect(tally.failures.length).toBe(0);
  });
});
