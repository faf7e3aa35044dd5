// Optional settings that `wrangler types` cannot know about (it lists only
// [vars] and the required secrets). See README "Configuration".
interface OptionalSettings {
  /** host:port of the WebSocket bridge, for a non-Neon Postgres (development, tests, CI). */
  DB_WS_PROXY?: string;
  /** JSON array of public JWKs still accepted while a signing key rotates out. */
  JWT_VERIFY_KEYS?: string;
  /** Lifetime of new API tokens in days (default 90). */
  TOKEN_TTL_DAYS?: string;
  /** Public origin used in links sent to people (unsubscribe, release notes). */
  PUBLIC_BASE_URL?: string;
}

interface Env extends OptionalSettings {}

declare namespace Cloudflare {
  interface Env extends OptionalSettings {}
}
