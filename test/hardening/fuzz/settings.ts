import { inject } from "vitest";

// The sweep's settings, from the environment of `npm run test:hardening`
// (vitest.hardening.config.ts hands them into workerd):
//   FUZZ_SEED       the run's seed (default: from the clock; always printed)
//   FUZZ_RUNS       valid requests per operation; invalid ones get twice as many
//   FUZZ_OPERATION  only this operation ("POST /v1/releases"), to replay a failure
//   FUZZ_PATH       only this generated request ("invalid:17"), with FUZZ_OPERATION

/** Chosen so the sweep takes about three to four minutes on a two-core machine with PGlite. */
export const DEFAULT_RUNS = 60;

export type PropertyName = "valid" | "invalid";

export interface FuzzSettings {
  seed: number;
  runs: number;
  operation: string | undefined;
  path: { property: PropertyName; index: number } | undefined;
}

function parsePath(path: string | null): FuzzSettings["path"] {
  if (!path) return undefined;
  const match = /^(valid|invalid):(\d+)$/.exec(path);
  if (!match) throw new Error(`FUZZ_PATH must look like valid:3 or invalid:17, not ${path}`);
  return { property: match[1] as PropertyName, index: Number(match[2]) };
}

export function fuzzSettings(): FuzzSettings {
  const provided = inject("fuzz");
  if (!Number.isInteger(provided.seed)) throw new Error(`FUZZ_SEED must be an integer, not ${provided.seed}`);
  const runs = provided.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`FUZZ_RUNS must be a positive integer, not ${runs}`);
  const path = parsePath(provided.path);
  if (path && !provided.operation) throw new Error("FUZZ_PATH replays one request: set FUZZ_OPERATION too");
  return { seed: provided.seed, runs, operation: provided.operation ?? undefined, path };
}
