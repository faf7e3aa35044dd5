import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { DatabaseHandle, databaseConfig } from "../db/client";
import { runtimeConfig } from "../env";
import { uuidv7 } from "../lib/ids";
import { ApiError, problemBody } from "../lib/problem";
import type { AppEnv } from "./context";
import { logUnexpected, toApiError, zodIssuesToFieldErrors } from "./errors";
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeyParam } from "./openapi";
import { countFailedAuthentication, limitUnauthenticatedSurfaces } from "./rate-limits";

export const MAX_BODY_BYTES = 1024 * 1024;

const VALIDATION_TARGET: Record<string, string> = {
  json: "body",
  query: "query",
  param: "path",
  header: "header",
  form: "body",
  cookie: "cookie",
};

/** An OpenAPIHono app with the shared validation hook; every route module builds on one. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = VALIDATION_TARGET[result.target] ?? result.target;
        const errors = zodIssuesToFieldErrors(target, result.error.issues);
        const first = errors[0];
        throw new ApiError(
          "validation_failed",
          first
            ? `${first.path}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
            : "Invalid request.",
          { errors },
        );
      }
    },
  });
}

/** The app with request ids, limits, per-request database handles and problem+json errors. */
export function createApp() {
  const app = createRouter();
  // Shared components, registered before any route is mounted so each use refers to them.
  app.openAPIRegistry.registerParameter("IdempotencyKey", IdempotencyKeyParam);
  app.openAPIRegistry.registerComponent("headers", "IdempotentReplayed", IDEMPOTENT_REPLAYED_HEADER);

  app.use("*", async (c, next) => {
    const incoming = c.req.header("X-Request-Id");
    const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : uuidv7();
    c.set("requestId", requestId);
    await next();
    c.header("X-Request-Id", requestId);
  });

  app.use("*", secureHeaders({ crossOriginResourcePolicy: "same-site" }));

  // Before the body is read or Postgres is touched: a flood is refused at the cheapest point.
  app.use("*", limitUnauthenticatedSurfaces);

  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("payload_too_large", "The request body is over 1 MiB; send less.");
      },
    }),
  );

  // Everything but liveness needs configuration and may need Postgres. The
  // pool is opened lazily and ended after the response has been sent.
  app.use("*", async (c, next) => {
    if (c.req.path === "/health") return next();
    const config = runtimeConfig(c.env);
    // Reads follow DB_TRANSPORT; writes and everything else on the handle use the WebSocket pool.
    const database = new DatabaseHandle(databaseConfig(config));
    c.set("config", config);
    c.set("database", database);
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(database.end());
    }
  });

  app.use("*", async (c, next) => {
    const method = c.req.method;
    if ((method === "POST" || method === "PUT" || method === "PATCH") && c.req.path.startsWith("/v1/")) {
      const type = c.req.header("Content-Type") ?? "";
      const length = c.req.header("Content-Length");
      const hasBody = length !== "0" && (length !== undefined || c.req.raw.body !== null);
      if (hasBody && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
        throw new ApiError(
          "unsupported_media_type",
          "Send the body as JSON with `Content-Type: application/json`.",
        );
      }
      // Every PUT and PATCH takes a body; an empty one must not read as `{}` (a PUT of
      // recipients would then clear the list).
      if (!hasBody && method !== "POST") {
        throw new ApiError(
          "bad_request",
          "This request needs a JSON body with `Content-Type: application/json`; it was empty.",
        );
      }
    }
    await next();
  });

  app.onError(async (error, c) => {
    const apiError = await countFailedAuthentication(c, toApiError(error));
    const requestId = c.get("requestId") ?? "unknown";
    // A database outage is expected now and then and says so to the caller. A coordinator reset
    // happens on every deploy, but a stream of them is worth seeing: a warning with the request id
    // only. Anything else on our side is logged in full.
    if (apiError.code === "coordinator_unavailable")
      console.warn(`coordinator_unavailable request_id=${requestId}`);
    else if (apiError.status >= 500 && apiError.code !== "database_unavailable")
      logUnexpected(error, requestId);
    const body = problemBody(apiError, c.req.path, requestId);
    return new Response(JSON.stringify(body), {
      status: apiError.status,
      headers: { "Content-Type": "application/problem+json", "X-Request-Id": requestId, ...apiError.headers },
    });
  });

  app.notFound((c) => {
    const error = new ApiError(
      "not_found",
      `No route for ${c.req.method} ${c.req.path}. See /docs for the API reference.`,
    );
    const requestId = c.get("requestId") ?? "unknown";
    return new Response(JSON.stringify(problemBody(error, c.req.path, requestId)), {
      status: 404,
      headers: { "Content-Type": "application/problem+json", "X-Request-Id": requestId },
    });
  });

  return app;
}
