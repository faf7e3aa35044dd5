import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Every suite runs inside workerd against the real Worker. The global setup
// (Node) starts the database (embedded PGlite, or DATABASE_URL's server), the
// WebSocket bridge the Neon driver needs for it, and applies migrations.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject<string>("databaseUrl"),
          DB_WS_PROXY: inject<string>("dbWsProxy"),
          JWT_SIGNING_KEY: inject<string>("jwtSigningKey"),
          JWT_VERIFY_KEYS: inject<string>("jwtVerifyKeys"),
          ADMIN_TOKEN: inject<string>("adminToken"),
          DATA_ENCRYPTION_KEY: inject<string>("dataEncryptionKey"),
          TEST_JWT_FOREIGN_KEY: inject<string>("jwtForeignKey"),
          RESEND_API_KEY: inject<string>("resendApiKey"),
          RESEND_BASE_URL: inject<string>("resendBaseUrl"),
          RESEND_WEBHOOK_SECRET: inject<string>("resendWebhookSecret"),
          // The origin the suites call the Worker on (test/support/api.ts): links in emails come
          // from configuration only, never from a request's Host header.
          PUBLIC_BASE_URL: "http://api.test",
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/setup/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // The hardening sweeps have their own command (vitest.hardening.config.ts).
    exclude: ["test/hardening/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
