import type { MiddlewareHandler } from "hono";
import { assertPlatformAdmin } from "../lib/auth/admin";
import { assertFeedTokenShape } from "../lib/auth/feed-token";
import { bearerToken, verifyToken } from "../lib/auth/tokens";
import type { AppEnv } from "./context";
import { enforceRateLimit } from "./rate-limits";

/** Routes under /v1 that the platform admin secret authorises instead of a member token. */
const PLATFORM_ADMIN_ROUTES = new Set(["/v1/tenants"]);

/**
 * The calendar feed may be fetched with `?token=` (a calendar feed token) by calendar apps that cannot
 * send headers; the handler looks the token up by its hash. With an Authorization header the bearer
 * token is checked as everywhere else.
 */
const FEED_TOKEN_ROUTE = "/v1/calendar.ics";

/**
 * Checks credentials before anything reads the body, so a request without a
 * valid token is 401 whatever else is wrong with it. Revocation and the
 * member's current role are checked in the request's tenant transaction.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = c.get("config");
  const authorization = c.req.header("Authorization");
  const feedToken = c.req.path === FEED_TOKEN_ROUTE && authorization === undefined && c.req.query("token");
  if (feedToken) {
    // Authorised by the feed token in the handler (a lookup by its hash); one that cannot be a
    // feed token is refused here, like a bearer token whose signature fails.
    assertFeedTokenShape(feedToken);
  } else if (PLATFORM_ADMIN_ROUTES.has(c.req.path)) {
    await assertPlatformAdmin(config, authorization);
  } else {
    const claims = await verifyToken(config, bearerToken(authorization));
    // Counted per token once its signature holds, before the body is read or Postgres is touched.
    await enforceRateLimit(c.env, "credential", claims.tokenId);
    c.set("claims", claims);
  }
  await next();
};
