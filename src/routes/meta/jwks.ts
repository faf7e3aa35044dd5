import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../app/create-app";
import { jsonContent } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { signingKeys } from "../../lib/auth/keys";

const JwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .openapi("JWK", { ...(OPENAPI_DOCS && { description: "A public ES256 signing key (RFC 7517)." }) });

const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi("JWKS");

const jwks = createRoute({
  operationId: "getJwks",
  ...(OPENAPI_DOCS && {
    description:
      "The public ES256 keys (current and still accepted during a rotation) that verify API tokens, for systems that check tokens themselves.",
    summary: "Public keys that verify this API's tokens",
  }),
  security: [],
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Service"],
  responses: { 200: jsonContent(JwksSchema, "The JSON Web Key Set, including keys still rotating out.") },
});

export const jwksRouter = createRouter().openapi(jwks, async (c) => {
  const keys = await signingKeys(c.get("config"));
  c.header("Cache-Control", "public, max-age=300");
  // Each key is built by publicJwk (src/lib/auth/keys.ts) from an ES256 key pair.
  return c.json({ keys: keys.jwks.keys as z.infer<typeof JwkSchema>[] }, 200);
});
