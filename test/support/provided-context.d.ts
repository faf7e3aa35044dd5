// Values the Node global setup hands to the suites running in workerd.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbWsProxy: string;
    /** The bridge's HTTP SQL endpoint (`http://host:port/sql`), for DB_TRANSPORT=http. */
    dbHttpEndpoint: string;
    /** DB_TRANSPORT for the suites' Worker: the environment's when the tests started, else "" (websocket). */
    dbTransport: string;
    /** The bridge's fault-injection endpoint (`http://host:port/__faults`), see scripts/lib/ws-bridge.ts. */
    bridgeFaultControlUrl: string;
    jwtSigningKey: string;
    jwtVerifyKeys: string;
    jwtPreviousPrivateKey: string;
    jwtForeignKey: string;
    adminToken: string;
    dataEncryptionKey: string;
    resendBaseUrl: string;
    resendApiKey: string;
    resendWebhookSecret: string;
    /** The local webhook receiver (scripts/lib/webhook-receiver.ts): POST /r/<name>, GET /__received/<name>. */
    webhookReceiverUrl: string;
    /** wrangler.toml's `[[ratelimits]]` bindings, for the abuse tests (vitest.abuse.config.ts). */
    rateLimits: { name: string; simple: { limit: number; period: number } }[];
    fuzz: { seed: number; runs: number | null; operation: string | null; path: string | null };
  }
}
