import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

// `npm run test:hardening`: the spec-driven sweeps (fuzzing, tenant isolation,
// token attacks) and fault injection, on the same stack as `npm test` (the
// real Worker in workerd, the Neon driver through the bridge, a real
// Postgres). Kept out of `npm test` because it sends thousands of requests.
// FUZZ_SEED replays a run; the seed in use is printed at the start.
const config = mergeConfig(
  base,
  defineConfig({
    test: {
      testTimeout: 300_000,
      hookTimeout: 300_000,
      // One file at a time: the cron fault tests fire ticks that act on every
      // agency, and the isolation sweep compares whole-tenant fingerprints.
      fileParallelism: false,
      // The fuzz sweep's settings, handed into workerd (test/hardening/fuzz/settings.ts reads them).
      provide: {
        fuzz: {
          seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31,
          runs: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : null,
          operation: process.env.FUZZ_OPERATION ?? null,
          path: process.env.FUZZ_PATH ?? null,
        },
      },
    },
  }),
);
// mergeConfig concatenates arrays; the hardening run replaces the file lists.
// The abuse tests run against the real rate limits in their own workerd (vitest.abuse.config.ts).
config.test = {
  ...config.test,
  include: ["test/hardening/**/*.test.ts"],
  exclude: ["test/hardening/abuse/**", "node_modules/**"],
};
export default config;
