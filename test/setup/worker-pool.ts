import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { relaxedMiniflareRateLimits } from "../../scripts/lib/rate-limits.ts";

const WRANGLER_CONFIG = "./wrangler.toml";

/**
 * The workerd pool every suite runs in: the real Worker from wrangler.toml, with the database,
 * bridge, keys and fake Resend that the global setup started. `rateLimits: "relaxed"` lifts the
 * limits (one address and a handful of tokens send thousands of requests in a suite); "configured"
 * keeps wrangler.toml's figures, for the abuse tests that prove them.
 */
export function workerPool({ rateLimits }: { rateLimits: "relaxed" | "configured" }) {
  return cloudflareTest(({ inject }) => ({
    wrangler: { configPath: WRANGLER_CONFIG },
    miniflare: {
      bindings: {
        DATABASE_URL: inject<string>("databaseUrl"),
        DB_WS_PROXY: inject<string>("dbWsProxy"),
        DB_HTTP_ENDPOINT: inject<string>("dbHttpEndpoint"),
        DB_TRANSPORT: inject<string>("dbTransport"),
        JWT_SIGNING_KEY: inject<string>("jwtSigningKey"),
        JWT_VERIFY_KEYS: inject<string>("jwtVerifyKeys"),
        ADMIN_TOKEN: inject<string>("adminToken"),
        DATA_ENCRYPTION_KEY: inject<string>("dataEncryptionKey"),
        TEST_JWT_FOREIGN_KEY: inject<string>("jwtForeignKey"),
        RESEND_API_KEY: inject<string>("resendApiKey"),
        RESEND_BASE_URL: inject<string>("resendBaseUrl"),
        // Webhook endpoints point at the local receiver (scripts/lib/webhook-receiver.ts).
        WEBHOOKS_ALLOW_LOOPBACK: "true",
        RESEND_WEBHOOK_SECRET: inject<string>("resendWebhookSecret"),
        // The origin the suites call the Worker on (test/support/api.ts): links in emails come
        // from configuration only, never from a request's Host header.
        PUBLIC_BASE_URL: "http://api.test",
      },
      ...(rateLimits === "relaxed" ? { ratelimits: relaxedMiniflareRateLimits(WRANGLER_CONFIG) } : {}),
    },
  }));
}
