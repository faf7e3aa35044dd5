import { defineConfig } from "vitest/config";
import { workerPool } from "./test/setup/worker-pool.ts";

// Every suite runs inside workerd against the real Worker. The global setup
// (Node) starts the database (embedded PGlite, or DATABASE_URL's server), the
// WebSocket bridge the Neon driver needs for it, and applies migrations.
// Rate limits are relaxed here; the abuse part of `npm run test:hardening` runs the real ones.
export default defineConfig({
  plugins: [workerPool({ rateLimits: "relaxed" })],
  test: {
    globalSetup: ["./test/setup/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // The hardening sweeps have their own command (vitest.hardening.config.ts).
    exclude: ["test/hardening/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
