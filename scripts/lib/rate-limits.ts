// The rate limits wrangler.toml declares, read with wrangler's own config reader, and a relaxed copy
// for runs that send thousands of requests from one address with a handful of tokens (the test suite,
// the hardening sweeps, the bench and the load run): they keep the limiter in the request path, so its
// cost is measured, without tripping it. The abuse part of the hardening run uses the real figures.
import { unstable_readConfig } from "wrangler";

export interface ConfiguredRateLimit {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: 10 | 60 };
}

/** A limit no test or bench run reaches. */
const RELAXED_LIMIT = 1_000_000;

export function configuredRateLimits(wranglerConfigPath: string): ConfiguredRateLimit[] {
  return unstable_readConfig({ config: wranglerConfigPath }).ratelimits as ConfiguredRateLimit[];
}

/** Miniflare's `ratelimits` option: every binding of wrangler.toml, with its limit relaxed. */
export function relaxedMiniflareRateLimits(wranglerConfigPath: string) {
  return Object.fromEntries(
    configuredRateLimits(wranglerConfigPath).map((binding) => [
      binding.name,
      { namespace_id: binding.namespace_id, simple: { limit: RELAXED_LIMIT, period: binding.simple.period } },
    ]),
  );
}

/** The same, as bindings for wrangler's `unstable_startWorker`. */
export function relaxedStartWorkerRateLimits(wranglerConfigPath: string) {
  return Object.fromEntries(
    Object.entries(relaxedMiniflareRateLimits(wranglerConfigPath)).map(([name, options]) => [
      name,
      { type: "ratelimit" as const, ...options },
    ]),
  );
}
