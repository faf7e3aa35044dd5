import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type JsonSchema, operations, resolve, spec } from "../support/spec";
import { toJsonText } from "./hostile-values";
import { invalidBody } from "./invalid-bodies";
import { validate } from "./schema-validator";
import { fuzzSettings } from "./settings";
import { validValue } from "./valid-values";

// The generators and the validator check each other on every request schema
// of the document: what validValue generates must validate, and what
// invalidBody breaks on purpose must not. A generator bug and a validator bug
// would have to agree to go unnoticed, and the hand-written cases below pin
// the validator to known answers.

const { seed } = fuzzSettings();
const RUNS = 60;

interface NamedSchema {
  name: string;
  schema: JsonSchema;
}

/** Every schema a request is made of: JSON bodies and parameters, one entry per distinct schema. */
function requestSchemas(): NamedSchema[] {
  const seen = new Map<string, NamedSchema>();
  for (const operation of operations()) {
    const body = operation.requestBody?.content["application/json"]?.schema;
    if (body) seen.set(JSON.stringify(body), { name: `${operation.id} body`, schema: body });
    for (const parameter of operation.parameters) {
      const key = JSON.stringify(parameter.schema);
      if (!seen.has(key))
        seen.set(key, {
          name: `${operation.id} ${parameter.in} ${parameter.name}`,
          schema: parameter.schema,
        });
    }
  }
  return [...seen.values()];
}

const bodySchemas = () => requestSchemas().filter(({ name }) => name.endsWith(" body"));

// Kinds of breakage that can never satisfy the schema (odd Unicode, edge
// numbers, huge strings without a maxLength and malformed-looking formats
// may still be valid: they are hostile, not necessarily invalid).
const CERTAINLY_INVALID =
  /^(wrong type|missing required|outside the enum|over maxLength|under minLength|over maxItems|under minItems|unknown field|wrong top-level type)/;

describe("schema arbitraries against the schema validator", () => {
  it("prints the seed", () => {
    console.log(`schema arbitraries seed: ${seed} — replay with FUZZ_SEED=${seed} npm run test:hardening`);
  });

  for (const { name, schema } of requestSchemas()) {
    it(`generates only valid values for ${name}`, () => {
      fc.assert(
        fc.property(validValue(schema), (value) => {
          // What the API receives is the JSON text, so validate the value after a round trip.
          const sent = JSON.parse(toJsonText(value) || "null");
          expect(validate(schema, sent), JSON.stringify(value)).toEqual([]);
        }),
        { seed, numRuns: RUNS },
      );
    });
  }

  for (const { name, schema } of bodySchemas()) {
    it(`breaks ${name} so the validator rejects it`, () => {
      const kinds = new Set<string>();
      fc.assert(
        fc.property(invalidBody(schema), ({ kind, body }) => {
          kinds.add(kind.split(" at ")[0] as string);
          if (!CERTAINLY_INVALID.test(kind)) return;
          const sent = JSON.parse(toJsonText(body));
          expect(validate(schema, sent), `${kind}: ${toJsonText(body).slice(0, 200)}`).not.toEqual([]);
        }),
        { seed, numRuns: RUNS * 2 },
      );
      expect(kinds.size).toBeGreaterThan(1);
    });
  }
});

describe("the document's own examples", () => {
  it("validate against the schema they illustrate", () => {
    const problems: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (Array.isArray(node)) {
        for (const [index, item] of node.entries()) visit(item, `${at}[${index}]`);
      }
      if (typeof node !== "object" || node === null || Array.isArray(node)) return;
      const schema = node as JsonSchema;
      if ("example" in schema && (schema.type || schema.$ref || schema.enum || schema.properties)) {
        const { example, ...rest } = schema;
        for (const error of validate(rest, example)) problems.push(`${at}: ${error}`);
      }
      for (const [key, value] of Object.entries(schema)) {
        if (key !== "example" && key !== "examples") visit(value, `${at}.${key}`);
      }
    };
    visit(spec.components.schemas, "#/components/schemas");
    visit(spec.paths, "#/paths");
    expect(problems).toEqual([]);
  });
});

describe("the schema validator on known answers", () => {
  const schema = (value: JsonSchema) => value;

  it("checks types, including type arrays and integers", () => {
    expect(validate(schema({ type: ["string", "null"] }), null)).toEqual([]);
    expect(validate(schema({ type: ["string", "null"] }), 3)).toHaveLength(1);
    expect(validate(schema({ type: "integer" }), 2)).toEqual([]);
    expect(validate(schema({ type: "integer" }), 2.5)).toHaveLength(1);
    expect(validate(schema({ type: "number" }), 2)).toEqual([]);
    expect(validate(schema({ type: "object" }), [])).toHaveLength(1);
  });

  it("counts string length in code points and checks patterns and formats", () => {
    expect(validate(schema({ type: "string", maxLength: 2 }), "👩👩")).toEqual([]);
    expect(validate(schema({ type: "string", maxLength: 1 }), "👩👩")).toHaveLength(1);
    expect(validate(schema({ type: "string", minLength: 1 }), "")).toHaveLength(1);
    expect(validate(schema({ type: "string", pattern: "^[a-z]+$" }), "abc")).toEqual([]);
    expect(validate(schema({ type: "string", pattern: "^[a-z]+$" }), "ab1")).toHaveLength(1);
    expect(
      validate(schema({ type: "string", format: "uuid" }), "0190a7f0-4e8e-7c7a-9b1e-3a0b1c2d3e4f"),
    ).toEqual([]);
    expect(validate(schema({ type: "string", format: "uuid" }), "0190a7f0")).toHaveLength(1);
    expect(validate(schema({ type: "string", format: "date-time" }), "2026-11-26T11:00:00.000Z")).toEqual([]);
    expect(validate(schema({ type: "string", format: "date-time" }), "2026-13-45T25:61:00Z")).toHaveLength(1);
    expect(validate(schema({ type: "string", format: "date-time" }), "2026-11-26")).toHaveLength(1);
    expect(validate(schema({ type: "string", format: "email" }), "ana@acme.example")).toEqual([]);
    expect(validate(schema({ type: "string", format: "email" }), "ana")).toHaveLength(1);
    expect(validate(schema({ type: "string", format: "uri" }), "https://example.com/a")).toEqual([]);
    expect(validate(schema({ type: "string", format: "uri" }), "/relative")).toHaveLength(1);
  });

  it("checks numbers against their bounds", () => {
    expect(validate(schema({ type: "integer", minimum: 1, maximum: 200 }), 1)).toEqual([]);
    expect(validate(schema({ type: "integer", minimum: 1, maximum: 200 }), 0)).toHaveLength(1);
    expect(validate(schema({ type: "integer", minimum: 1, maximum: 200 }), 201)).toHaveLength(1);
  });

  it("checks objects: required, unknown and additional properties", () => {
    const closed = schema({
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
      additionalProperties: false,
    });
    expect(validate(closed, { a: "x" })).toEqual([]);
    expect(validate(closed, {})).toEqual(["$.a: required but missing"]);
    expect(validate(closed, { a: "x", b: 1 })).toEqual(["$.b: unknown property"]);
    const map = schema({ type: "object", additionalProperties: { type: "string", enum: ["x"] } });
    expect(validate(map, { anything: "x" })).toEqual([]);
    expect(validate(map, { anything: "y" })).toHaveLength(1);
  });

  it("checks arrays and their items", () => {
    const list = schema({ type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 });
    expect(validate(list, ["a"])).toEqual([]);
    expect(validate(list, [])).toHaveLength(1);
    expect(validate(list, ["a", "b", "c"])).toHaveLength(1);
    expect(validate(list, [1])).toEqual(["$[0]: expected string, got integer 1"]);
  });

  it("requires exactly one oneOf branch and every allOf part, following $refs", () => {
    const either = schema({ oneOf: [{ type: "string" }, { type: "string", maxLength: 3 }] });
    expect(validate(either, "abcdef")).toEqual([]);
    expect(validate(either, "ab")).toHaveLength(1);
    const both = schema({ allOf: [{ $ref: "#/components/schemas/Problem" }, { required: ["errors"] }] });
    const problem = {
      type: "t",
      title: "t",
      status: 400,
      detail: "d",
      instance: "/",
      request_id: "r",
      code: "c",
    };
    expect(validate(both, { ...problem, errors: [] })).toEqual([]);
    expect(validate(both, problem)).toEqual(["$.errors: required but missing"]);
    expect(() => validate({ $ref: "#/components/schemas/NoSuchSchema" }, {})).toThrow(/unresolved/);
    expect(resolve({ $ref: "#/components/schemas/Problem" }).type).toBe("object");
  });
});
