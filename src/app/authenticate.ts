import type { MiddlewareHandler } from "hono";
import { assertPlatformAdmin } from "../lib/auth/admin";
import { bearerToken, verifyToken } from "../lib/auth/tokens";
import type { AppEnv } from "./context";

/** Routes under /v1 that the platform admin secret authorises instead of a member token. */
const PLATFORM_ADMIN_ROUTES = new Set(["/v1/tenants"]);

/**
 * Checks credentials before anything reads the body, so a request without a
 * valid token is 401 whatever else is wrong with it. Revocation and the
 * member's current role are checked in the request's tenant transaction.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = c.get("config");
  const authorization = c.req.header("Authorization");
  if (PLATFORM_ADMIN_ROUTES.has(c.req.path)) {
    await assertPlatformAdmin(config, authorization);
  } else {
    c.set("claims", await verifyToken(config, bearerToken(authorization)));
  }
  await next();
};
