import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { createRouter } from "../../app/create-app";
import { errorResponses, jsonContent } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");
const ReadySchema = z.object({ status: z.literal("ready"), database: z.literal("ok") }).openapi("Ready");

const health = createRoute({
  operationId: "getHealth",
  ...(OPENAPI_DOCS && {
    description:
      "Answers 200 while the Worker runs, without touching the database or needing configuration: for uptime monitors and load balancers.",
    summary: "Liveness: the Worker is running",
  }),
  security: [],
  method: "get",
  path: "/health",
  tags: ["Service"],
  responses: { 200: jsonContent(HealthSchema, "Alive.") },
});

const ready = createRoute({
  operationId: "getReadiness",
  ...(OPENAPI_DOCS && {
    description:
      "Answers 200 when the Worker is configured and Postgres answers a query; 503 with Retry-After when it does not. Use it to hold traffic until a deployment is ready.",
    summary: "Readiness: the database answers",
  }),
  security: [],
  method: "get",
  path: "/ready",
  tags: ["Service"],
  responses: { 200: jsonContent(ReadySchema, "Ready to serve."), ...errorResponses() },
});

export const healthRouter = createRouter()
  .openapi(health, (c) => c.json({ status: "ok" as const }, 200))
  .openapi(ready, async (c) => {
    await c.get("database").withConnection((db) => db.execute(sql`select 1`));
    return c.json({ status: "ready" as const, database: "ok" as const }, 200);
  });
