// Optional settings that `wrangler types` cannot know about (it lists only
// [vars] and the required secrets). See README "Configuration".
interface OptionalSettings {
  /** host:port of the WebSocket bridge, for a non-Neon Postgres (development, tests, CI). */
  DB_WS_PROXY?: string;
  /** How read-only requests reach Postgres: "websocket" (default) or "http" (Neon's HTTP SQL transaction). */
  DB_TRANSPORT?: string;
  /** URL of the bridge's HTTP SQL endpoint (`http://host:port/sql`), for DB_TRANSPORT=http without Neon. */
  DB_HTTP_ENDPOINT?: string;
  /** JSON array of public JWKs still accepted while a signing key rotates out. */
  JWT_VERIFY_KEYS?: string;
  /** Secret: 32 random bytes (base64) that sign unsubscribe links; unset, derived from DATA_ENCRYPTION_KEY. */
  LINK_SIGNING_KEY?: string;
  /** Secret: the link key before the last rotation, still accepted (unset it to retire its links at once). */
  LINK_SIGNING_KEY_PREVIOUS?: string;
  /** Lifetime of new API tokens in days (default 90). */
  TOKEN_TTL_DAYS?: string;
  /** Public origin used in links sent to people (unsubscribe, release notes). */
  PUBLIC_BASE_URL?: string;
  /** Resend API key (secret). Unset: notifications stay queued and GET /v1/notifications says so. */
  RESEND_API_KEY?: string;
  /** Resend API origin; set for a local fake in tests and development. */
  RESEND_BASE_URL?: string;
  /** Signing secret (`whsec_…`) of the Resend webhook that reports bounces and complaints. */
  RESEND_WEBHOOK_SECRET?: string;
  /** From-address (or just its domain) used when an agency has no sender email of its own. */
  EMAIL_FROM?: string;
  /** "true": webhook endpoints may also be http(s) on loopback addresses (development and tests only). */
  WEBHOOKS_ALLOW_LOOPBACK?: string;
}

interface Env extends OptionalSettings {}

declare namespace Cloudflare {
  interface Env extends OptionalSettings {}
}
