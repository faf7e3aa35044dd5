import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../app/create-app";
import { jsonContent } from "../../app/openapi";
import { signingKeys } from "../../lib/auth/keys";

const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi("JWKS");

const jwks = createRoute({
  operationId: "getJwks",
  description:
    "The public ES256 keys (current and still accepted during a rotation) that verify API tokens, for systems that check tokens themselves.",
  security: [],
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Service"],
  summary: "Public keys that verify this API's tokens",
  responses: { 200: jsonContent(JwksSchema, "The JSON Web Key Set, including keys still rotating out.") },
});

export const jwksRouter = createRouter().openapi(jwks, async (c) => {
  const keys = await signingKeys(c.get("config"));
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ keys: keys.jwks.keys as Record<string, unknown>[] }, 200);
});
