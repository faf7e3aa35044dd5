import fc from "fast-check";
import { type JsonSchema, resolve } from "../support/spec";
import { boundaryNumbers, EDGE_NUMBERS, ODD_UNICODE, RawJson } from "./hostile-values";
import { isPlainObject, jsonTypeOf, type SchemaType, typesOf, validate } from "./schema-validator";
import { mergeAllOf, type ValueOptions, validValue } from "./valid-values";

// Invalid JSON bodies for a schema: a valid value with one thing broken at
// one place — a wrong type, a missing required field, an unknown field, a
// string past maxLength, odd Unicode, a number past its bounds, a value
// outside an enum, too many items. Every place in the value is a candidate,
// so nested objects and array items are broken too. Odd Unicode and edge
// numbers may still be schema-valid; they are hostile rather than invalid,
// and the API must answer them with a documented status all the same.

export interface BrokenBody {
  /** What was broken and where: "wrong type at $.risk". */
  kind: string;
  body: unknown;
}

type PathStep = string | number;

interface Site {
  path: PathStep[];
  schema: JsonSchema;
  /** Whether the value has something at this path (optional properties may be absent). */
  present: boolean;
  /** Whether the parent object requires this property. */
  required: boolean;
}

const where = (path: PathStep[]) =>
  `$${path.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("")}`;

/** The resolved schema, with allOf merged and a oneOf narrowed to the branch the value takes. */
function effectiveSchema(schema: JsonSchema, value: unknown): JsonSchema {
  let target = resolve(schema);
  if (target.allOf) target = mergeAllOf(target);
  const branches = (target.oneOf ?? target.anyOf) as JsonSchema[] | undefined;
  if (branches) {
    const taken = branches.find((branch) => validate(branch, value).length === 0) ?? branches[0];
    return taken ? effectiveSchema(taken, value) : target;
  }
  return target;
}

function sitesOf(schema: JsonSchema, value: unknown, path: PathStep[], required: boolean): Site[] {
  const target = effectiveSchema(schema, value);
  const sites: Site[] = [{ path, schema: target, present: value !== undefined, required }];
  if (isPlainObject(value) && target.properties) {
    const requiredNames = new Set((target.required ?? []) as string[]);
    for (const [name, property] of Object.entries(target.properties as Record<string, JsonSchema>)) {
      sites.push(...sitesOf(property, value[name], [...path, name], requiredNames.has(name)));
    }
  } else if (Array.isArray(value) && value.length > 0 && target.items) {
    sites.push(...sitesOf(target.items, value[0], [...path, 0], true));
  }
  return sites;
}

function setAt(root: unknown, path: PathStep[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<PathStep, unknown>;
  let cursor = copy;
  for (const step of path.slice(0, -1)) cursor = cursor[step] as Record<PathStep, unknown>;
  const last = path[path.length - 1] as PathStep;
  if (replacement === undefined) delete cursor[last];
  else cursor[last] = replacement;
  return copy;
}

const SAMPLE_OF_TYPE: Record<SchemaType, unknown> = {
  string: "fuzz",
  integer: 7,
  number: 1.25,
  boolean: true,
  null: null,
  array: [],
  object: {},
};

/** Values of every JSON type the schema does not allow (integer counts as a number). */
function wrongTypeValues(schema: JsonSchema): unknown[] {
  const allowed = typesOf(schema);
  if (!allowed) return [];
  const allows = (value: unknown) => {
    const type = jsonTypeOf(value);
    return allowed.includes(type) || (type === "integer" && allowed.includes("number"));
  };
  const candidates = [
    ...Object.values(SAMPLE_OF_TYPE),
    "7",
    "true",
    "null",
    [1, 2],
    { nested: { deep: [] } },
  ];
  return candidates.filter((candidate) => !allows(candidate));
}

function brokenAt(site: Site): fc.Arbitrary<{ kind: string; replacement: unknown }>[] {
  const { schema } = site;
  const at = where(site.path);
  const choices: fc.Arbitrary<{ kind: string; replacement: unknown }>[] = [];
  const replaceWith = (kind: string, values: readonly unknown[]) => {
    if (values.length > 0) {
      choices.push(
        fc.constantFrom(...values).map((replacement) => ({ kind: `${kind} at ${at}`, replacement })),
      );
    }
  };
  const types = typesOf(schema) ?? [];

  replaceWith("wrong type", wrongTypeValues(schema));
  if (site.required && site.present && site.path.length > 0) replaceWith("missing required", [undefined]);
  if (Array.isArray(schema.enum)) replaceWith("outside the enum", ["not_a_member", "", "PLANNING"]);

  if (types.includes("string")) {
    if (typeof schema.maxLength === "number") {
      replaceWith("over maxLength", ["x".repeat(schema.maxLength + 1), "é".repeat(schema.maxLength + 1)]);
    }
    if (typeof schema.minLength === "number" && schema.minLength > 0) {
      replaceWith("under minLength", ["x".repeat(schema.minLength - 1)]);
    }
    replaceWith("huge string", ["x".repeat(200_000), "€".repeat(300_000)]);
    replaceWith("odd Unicode", ODD_UNICODE);
    if (schema.format || schema.pattern) {
      replaceWith("malformed format", [
        "not-a-uuid",
        "2026-13-45T25:61:00Z",
        "2026-02-30",
        "not an email",
        "javascript:alert(1)",
        "0190a7f0-4e8e-7c7a-9b1e-3a0b1c2d3e4",
      ]);
    }
  }
  if (types.includes("number") || types.includes("integer")) {
    replaceWith("edge number", [...boundaryNumbers(schema), ...EDGE_NUMBERS]);
  }
  if (types.includes("array")) {
    const item = validValue(schema.items ?? {});
    if (typeof schema.maxItems === "number") {
      const count = schema.maxItems + 1;
      choices.push(
        fc.array(item, { minLength: 1, maxLength: 1 }).map(([one]) => ({
          kind: `over maxItems at ${at}`,
          replacement: Array.from({ length: count }, () => one),
        })),
      );
    }
    if (typeof schema.minItems === "number" && schema.minItems > 0) replaceWith("under minItems", [[]]);
  }
  if (types.includes("object")) {
    if (schema.additionalProperties === false) {
      replaceWith("unknown field", [undefined]);
    }
  }
  return choices;
}

/** One schema-breaking change applied to a valid value (an unknown field is added, not replaced). */
function breakValue(schema: JsonSchema, value: unknown): fc.Arbitrary<BrokenBody> {
  const sites = sitesOf(schema, value, [], true);
  const mutations = sites.flatMap((site) =>
    brokenAt(site).map((choice) =>
      choice.map(({ kind, replacement }): BrokenBody => {
        if (kind.startsWith("unknown field")) {
          const current = site.present ? (structuredClone(valueAt(value, site.path)) as object) : {};
          return {
            kind,
            body: setAt(value, site.path, { ...current, fuzz_unknown_field: "surprise" }),
          };
        }
        return { kind, body: setAt(value, site.path, replacement) };
      }),
    ),
  );
  const topLevel = fc
    .constantFrom<unknown>([], [{}], "a string", 42, null, true, new RawJson("-0"))
    .map((body): BrokenBody => ({ kind: "wrong top-level type", body }));
  return mutations.length > 0 ? fc.oneof(topLevel, ...mutations) : topLevel;
}

function valueAt(root: unknown, path: PathStep[]): unknown {
  let cursor = root;
  for (const step of path) cursor = (cursor as Record<PathStep, unknown> | undefined)?.[step];
  return cursor;
}

/** Bodies derived from a valid one with one thing broken somewhere. */
export function invalidBody(schema: JsonSchema, options: ValueOptions = {}): fc.Arbitrary<BrokenBody> {
  return validValue(schema, options).chain((value) => breakValue(schema, value));
}
