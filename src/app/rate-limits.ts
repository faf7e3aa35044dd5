import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import type { AppContext, AppEnv } from "./context";

// Rate limits with Cloudflare's rate limiting binding (wrangler.toml `[[ratelimits]]`): counted at the
// edge, before any database work, so a flood of bad signatures or guessed tokens costs no Postgres
// transaction. The limits themselves live in wrangler.toml; this file decides what is counted and
// under which key.

/** What a request is counted as; each has its own binding (and figure) in wrangler.toml. */
export type RateLimitedSurface = "credential" | "failed_auth" | "public" | "webhooks" | "admin";

const BINDING: Record<RateLimitedSurface, keyof Env> = {
  credential: "RATE_LIMIT_CREDENTIAL",
  failed_auth: "RATE_LIMIT_FAILED_AUTH",
  public: "RATE_LIMIT_PUBLIC",
  webhooks: "RATE_LIMIT_WEBHOOKS",
  admin: "RATE_LIMIT_ADMIN",
};

const WHAT_WAS_LIMITED: Record<RateLimitedSurface, string> = {
  credential: "This API token has sent too many requests",
  failed_auth: "Too many requests with invalid credentials came from your address",
  public: "Too many requests for public pages came from your address",
  webhooks: "This receiver has had too many deliveries from your address",
  admin: "Too many platform admin requests came from your address",
};

/** Every binding in wrangler.toml counts over 60 seconds (the binding allows 10 or 60). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

const secondsLeftInPeriod = (now: number) =>
  RATE_LIMIT_PERIOD_SECONDS - (Math.floor(now / 1000) % RATE_LIMIT_PERIOD_SECONDS);

function rateLimited(surface: RateLimitedSurface, retryAfter: number): ApiError {
  return new ApiError(
    "rate_limited",
    `${WHAT_WAS_LIMITED[surface]}. Wait ${retryAfter} s (Retry-After) before trying again; the limits are in the API reference under "Rate limits".`,
    {},
    { "Retry-After": String(retryAfter) },
  );
}

/**
 * The caller's address as Cloudflare saw it. Cloudflare sets CF-Connecting-IP on every request
 * that reaches a Worker; only local runs (wrangler dev, tests) lack it and share one key.
 */
export function clientAddress(c: AppContext): string {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

/**
 * Counts one request against a surface's limit and throws 429 once it is spent. The key is hashed:
 * the binding (and, locally, its store) never holds an address or a token id in clear.
 */
export async function enforceRateLimit(
  env: Env,
  surface: RateLimitedSurface,
  key: string,
  now = Date.now(),
): Promise<void> {
  const limiter = env[BINDING[surface]] as RateLimit | undefined;
  // A Worker deployed without the binding is misconfigured, not unlimited: say so loudly.
  if (!limiter) throw new ApiError("misconfigured", `The ${BINDING[surface]} rate limit binding is missing.`);
  const { success } = await limiter.limit({ key: `${surface}:${(await sha256Hex(key)).slice(0, 32)}` });
  if (!success) throw rateLimited(surface, secondsLeftInPeriod(now));
}

/**
 * Addresses whose refused-credential budget is spent, remembered by this isolate until the period
 * ends. Checking a webhook signature or a feed token needs a secret from Postgres; with this, a
 * flood of bad ones is refused before that lookup instead of after it. Memory only, bounded.
 */
const credentialFailuresSpent = new Map<string, number>();
const MAX_REMEMBERED_ADDRESSES = 10_000;

function rememberSpent(address: string, until: number) {
  credentialFailuresSpent.delete(address);
  credentialFailuresSpent.set(address, until);
  if (credentialFailuresSpent.size > MAX_REMEMBERED_ADDRESSES) {
    const oldest = credentialFailuresSpent.keys().next().value;
    if (oldest !== undefined) credentialFailuresSpent.delete(oldest);
  }
}

function refuseIfCredentialFailuresSpent(address: string, now = Date.now()) {
  const until = credentialFailuresSpent.get(address);
  if (until === undefined) return;
  if (until <= now) {
    credentialFailuresSpent.delete(address);
    return;
  }
  throw rateLimited("failed_auth", Math.max(1, Math.ceil((until - now) / 1000)));
}

const FEED_PATH = "/v1/calendar.ics";
const ADMIN_PATHS = new Set(["/v1/tenants"]);

/**
 * The surfaces anyone can reach without a member token, counted per client address before anything
 * else runs: webhook receivers (per receiver too, so one integration's flood does not spend
 * another's), public pages, the readiness probe (it asks Postgres), token calendar feeds and the
 * platform admin routes. Member-token requests are counted per token once the signature holds
 * (authenticate.ts).
 */
export const limitUnauthenticatedSurfaces: MiddlewareHandler<AppEnv> = async (c, next) => {
  const path = c.req.path;
  const address = clientAddress(c);
  if (path.startsWith("/hooks/")) {
    refuseIfCredentialFailuresSpent(address);
    const receiver = path.slice("/hooks/".length).toLowerCase();
    await enforceRateLimit(c.env, "webhooks", `${receiver}|${address}`);
  } else if (
    path.startsWith("/u/") ||
    path.startsWith("/c/") ||
    path.startsWith("/s/") ||
    path.startsWith("/a/") ||
    path.startsWith("/r/") ||
    path === "/ready"
  ) {
    await enforceRateLimit(c.env, "public", address);
  } else if (path === FEED_PATH && c.req.header("Authorization") === undefined && c.req.query("token")) {
    refuseIfCredentialFailuresSpent(address);
    await enforceRateLimit(c.env, "public", address);
  } else if (ADMIN_PATHS.has(path)) {
    await enforceRateLimit(c.env, "admin", address);
  }
  await next();
};

/**
 * A refused credential (401) counts against the caller's address; past the limit the answer is 429,
 * so guessing tokens or signatures stops paying off whatever the endpoint. A webhook receiver's URL
 * is itself a credential: an unknown receiver (404) counts too, or random receiver ids would each
 * get a fresh per-receiver budget and a database lookup.
 */
export async function countFailedAuthentication(c: AppContext, error: ApiError): Promise<ApiError> {
  const refused =
    error.code === "unauthorized" || (error.code === "not_found" && c.req.path.startsWith("/hooks/"));
  if (!refused) return error;
  const address = clientAddress(c);
  const now = Date.now();
  try {
    await enforceRateLimit(c.env, "failed_auth", address, now);
    return error;
  } catch (limited) {
    // The refusal stands either way: a limiter that fails must not turn a 401 into a 500.
    if (!(limited instanceof ApiError) || limited.code !== "rate_limited") return error;
    rememberSpent(address, now + secondsLeftInPeriod(now) * 1000);
    return limited;
  }
}
