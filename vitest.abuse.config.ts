import { defineConfig } from "vitest/config";
import { configuredRateLimits } from "./scripts/lib/rate-limits.ts";
import { workerPool } from "./test/setup/worker-pool.ts";

// The abuse part of `npm run test:hardening`: floods of bad credentials, signatures and public-page
// requests against wrangler.toml's real rate limits (every other suite relaxes them), and the
// timings of pathological text through the renderers. Its own workerd, so the limits it spends are
// nobody else's.
export default defineConfig({
  plugins: [workerPool({ rateLimits: "configured" })],
  test: {
    globalSetup: ["./test/setup/global-setup.ts"],
    include: ["test/hardening/abuse/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // The figures the tests expect, from the same file the Worker's bindings come from.
    provide: { rateLimits: configuredRateLimits("./wrangler.toml") },
  },
});
