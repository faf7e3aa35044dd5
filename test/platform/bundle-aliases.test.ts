// The real library by its name: wrangler.toml [alias] applies to the bundle, not to these suites.
import * as zodToOpenApi from "@asteasolutions/zod-to-openapi";
import { describe, expect, it } from "vitest";
// The real library, by path, for the same reason.
import * as standardWebhooks from "../../node_modules/standardwebhooks/dist/index.js";
// zod itself, by path: the alias may also apply to "zod" in this suite.
import * as zod from "../../node_modules/zod/index.js";
import * as zodCore from "../../node_modules/zod/v4/core/index.js";
// The bundle's stand-ins (wrangler.toml [alias]) are plain JavaScript without types.
// @ts-expect-error: no declaration file
import bundledPostalMime from "../../workers/postal-mime.js";
// @ts-expect-error: no declaration file
import * as bundledStandardWebhooks from "../../workers/standardwebhooks.js";
// @ts-expect-error: no declaration file
import * as bundledCore from "../../workers/zod/core.js";
// @ts-expect-error: no declaration file
import * as bundledZod from "../../workers/zod/index.js";
// @ts-expect-error: no declaration file
import * as bundledZodToOpenApi from "../../workers/zod-to-openapi.js";

// The Worker bundle replaces two modules (wrangler.toml [alias]) to leave out code the API never
// runs. These prove the stand-ins offer everything the real modules do except what was left out,
// so a zod upgrade that adds an export fails here instead of in production.

const names = (module: object) => Object.keys(module).sort();

describe("bundle aliases", () => {
  it("the bundle's zod exports every name zod does, except locales", () => {
    expect(names(bundledZod)).toEqual(names(zod).filter((name) => name !== "locales"));
    expect(names(bundledZod.z)).toEqual(names(zod.z).filter((name) => name !== "locales"));
    expect(names(bundledCore)).toEqual(names(zodCore).filter((name) => name !== "locales"));
    // The same objects, not copies: schemas built with either are the same classes.
    expect(bundledZod.z.ZodObject).toBe(zod.z.ZodObject);
    expect(bundledZod.z.string().safeParse(1).error?.issues[0]?.message).toBe(
      "Invalid input: expected string, received number",
    );
  });

  it("the bundle's zod refuses to convert JSON Schema, loudly", () => {
    expect(() => bundledZod.z.fromJSONSchema({ type: "string" })).toThrow(/not part of this Worker bundle/);
  });

  it("the bundle's standardwebhooks has the library's names and refuses to verify, loudly", () => {
    expect(names(bundledStandardWebhooks)).toEqual(
      names(standardWebhooks).filter((name) => name !== "__esModule"),
    );
    expect(() => new bundledStandardWebhooks.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toThrow(
      /not part of this Worker/,
    );
  });

  it("the bundle's zod-to-openapi registers and validates like the library, and refuses to generate, loudly", () => {
    expect(names(bundledZodToOpenApi)).toEqual(names(zodToOpenApi));
    const registry = new bundledZodToOpenApi.OpenAPIRegistry();
    const schema = zod.z.object({ name: zod.z.string() });
    expect(registry.register("Named", schema)).toBe(schema);
    expect(registry.registerComponent("securitySchemes", "bearerAuth", { type: "http" })).toEqual(
      new zodToOpenApi.OpenAPIRegistry().registerComponent("securitySchemes", "bearerAuth", { type: "http" }),
    );
    expect(registry.definitions.map((definition: { type: string }) => definition.type)).toEqual([
      "schema",
      "component",
    ]);
    expect(() => new bundledZodToOpenApi.OpenApiGeneratorV31(registry.definitions)).toThrow(
      /generated at build time/,
    );
  });

  it("the bundle's postal-mime refuses to parse, loudly", () => {
    expect(() => bundledPostalMime.parse("")).toThrow(/not part of this Worker/);
  });
});
