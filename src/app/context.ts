import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { DatabaseHandle } from "../db/client";
import type { RuntimeConfig } from "../env";
import type { TokenClaims } from "../lib/auth/tokens";

export interface AppVariables {
  requestId: string;
  database: DatabaseHandle;
  config: RuntimeConfig;
  /** Set once the bearer token's signature has been verified. */
  claims?: TokenClaims;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type AppContext = Context<AppEnv>;
export type App = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
