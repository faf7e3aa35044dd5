import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { createRouter } from "../../app/create-app";
import { errorResponses, jsonContent } from "../../app/openapi";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");
const ReadySchema = z.object({ status: z.literal("ready"), database: z.literal("ok") }).openapi("Ready");

const health = createRoute({
  operationId: "getHealth",
  security: [],
  method: "get",
  path: "/health",
  tags: ["Service"],
  summary: "Liveness: the Worker is running",
  responses: { 200: jsonContent(HealthSchema, "Alive.") },
});

const ready = createRoute({
  operationId: "getReadiness",
  security: [],
  method: "get",
  path: "/ready",
  tags: ["Service"],
  summary: "Readiness: the database answers",
  responses: { 200: jsonContent(ReadySchema, "Ready to serve."), ...errorResponses() },
});

export const healthRouter = createRouter()
  .openapi(health, (c) => c.json({ status: "ok" as const }, 200))
  .openapi(ready, async (c) => {
    await c.get("database").withConnection((db) => db.execute(sql`select 1`));
    return c.json({ status: "ready" as const, database: "ok" as const }, 200);
  });
