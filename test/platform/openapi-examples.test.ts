import { describe, expect, it } from "vitest";
import { validate } from "../hardening/fuzz/schema-validator";
import { type JsonSchema, spec } from "../hardening/support/spec";

// Every request and response body in openapi/openapi.json shows an example (from
// scripts/openapi-examples), and every example is valid against the schema of its media type,
// checked with the project's own JSON Schema validator (workerd forbids eval, so no ajv). A route
// added without an example, or a schema changed under one, fails here and in `npm run openapi`.

const METHODS = ["get", "post", "put", "patch", "delete"];

interface MediaTypeAt {
  where: string;
  schema: JsonSchema | undefined;
  hasExample: boolean;
  example: unknown;
}

function mediaTypes(): MediaTypeAt[] {
  const found: MediaTypeAt[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as JsonSchema | undefined;
      if (!operation) continue;
      const bodies: [string, Record<string, JsonSchema> | undefined][] = [
        ["request", operation.requestBody?.content],
        ...Object.entries(operation.responses as Record<string, JsonSchema>).map(
          ([status, response]) =>
            [status, response.content] as [string, Record<string, JsonSchema> | undefined],
        ),
      ];
      for (const [status, content] of bodies) {
        for (const [type, media] of Object.entries(content ?? {})) {
          found.push({
            where: `${method.toUpperCase()} ${path} ${status} ${type}`,
            schema: media.schema,
            hasExample: "example" in media,
            example: media.example,
          });
        }
      }
    }
  }
  return found;
}

describe("examples in the OpenAPI document", () => {
  const all = mediaTypes();

  it("cover every request and response media type", () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(all.filter((media) => !media.hasExample).map((media) => media.where)).toEqual([]);
  });

  it("each validate against their media type's schema", () => {
    const invalid = all.flatMap((media) =>
      media.schema ? validate(media.schema, media.example).map((error) => `${media.where}: ${error}`) : [],
    );
    expect(invalid).toEqual([]);
  });

  it("show problems whose status matches the response they illustrate", () => {
    const mismatched = all
      .filter((media) => media.where.endsWith("application/problem+json"))
      .filter((media) => String((media.example as { status?: number }).status) !== media.where.split(" ")[2]);
    expect(mismatched.map((media) => media.where)).toEqual([]);
  });
});
