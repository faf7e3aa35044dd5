import fc from "fast-check";
import { type JsonSchema, resolve } from "../support/spec";
import { patternRegExp, type SchemaType, typesOf, validate } from "./schema-validator";

// fast-check arbitraries for values a JSON Schema accepts. Boundaries are
// generated on purpose (empty and maximal strings, minimum and maximum
// numbers, odd but valid Unicode), and UUID fields draw from the world's real
// ids half of the time so valid requests reach past the 404s into the
// handlers. Lengths are fitted by mapping, never by a `.filter` that could
// reject everything: a schema no value can satisfy (an impossible pattern)
// must show up as invalid output in the generator's own test, not as a
// generator that spins forever.

export interface ValueOptions {
  /** Ids of things that exist, by property or parameter name; `format: uuid` strings pick from them half of the time. */
  uuidsFor?: (name: string | undefined) => readonly string[];
}

const MAX_GENERATED_ITEMS = 4;

/** Strings of valid but awkward text: accents, right-to-left script, emoji with joiners, CJK. */
const awkwardText = fc.constantFrom(
  "Café déjà vu",
  "مرحبا بالعالم",
  "שלום",
  "👩‍💻🚀",
  "日本語のテキスト",
  "e\u0301\u0301",
  "Zoë O'Brien-Smith",
  "<script>alert(1)</script>",
  "'; DROP TABLE releases; --",
  "{{7*7}}<%= 7*7 %>",
);

function fitLength(text: string, min: number, max: number): string {
  const points = Array.from(text);
  if (points.length > max) return points.slice(0, max).join("");
  if (points.length < min) return text + "a".repeat(min - points.length);
  return text;
}

function stringValue(
  schema: JsonSchema,
  options: ValueOptions,
  name: string | undefined,
): fc.Arbitrary<string> {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  const fitted = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((text) => fitLength(text, min, max));
  const examples = [
    schema.example,
    schema.default,
    ...(Array.isArray(schema.examples) ? schema.examples : []),
  ]
    .filter((example): example is string => typeof example === "string")
    .filter((example) => validate({ ...schema, type: "string" }, example).length === 0);
  const withExamples = (arbitrary: fc.Arbitrary<string>) =>
    examples.length > 0
      ? fc.oneof({ weight: 2, arbitrary }, { weight: 1, arbitrary: fc.constantFrom(...examples) })
      : arbitrary;

  switch (schema.format) {
    case "uuid": {
      const pool = options.uuidsFor?.(name) ?? [];
      return pool.length > 0 ? fc.oneof(fc.constantFrom(...pool), fc.uuid()) : fc.uuid();
    }
    case "date-time":
      return withExamples(
        fc
          .date({
            min: new Date("2000-01-01T00:00:00Z"),
            max: new Date("2099-12-31T23:59:59Z"),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString()),
      );
    case "date":
      return withExamples(
        fc
          .date({
            min: new Date("2000-01-01T00:00:00Z"),
            max: new Date("2099-12-31T00:00:00Z"),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString().slice(0, 10)),
      );
    case "email":
      // Mostly plain addresses, so valid requests get past the API's stricter email check;
      // sometimes RFC 5322's odd but valid ones.
      return withExamples(
        fc
          .oneof(
            {
              weight: 3,
              arbitrary: fc.stringMatching(/^[a-z0-9]{1,20}(\.[a-z0-9]{1,10})?@[a-z0-9]{1,20}\.example$/),
            },
            { weight: 1, arbitrary: fc.emailAddress() },
          )
          .map((email) =>
            email.length > Math.min(max, 254) ? `a@${"b".repeat(Math.max(1, min - 4))}.au` : email,
          ),
      );
    case "uri":
      return withExamples(fc.webUrl().map((url) => (url.length > max ? "https://example.com/" : url)));
  }
  if (typeof schema.pattern === "string") {
    return withExamples(
      fc.stringMatching(patternRegExp(schema.pattern)).map((text) => fitLength(text, min, max)),
    );
  }

  const choices: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: fitted(fc.string({ unit: "grapheme-ascii", minLength: min })) },
    { weight: 2, arbitrary: fitted(fc.string({ unit: "grapheme", minLength: min })) },
    { weight: 2, arbitrary: fitted(awkwardText) },
    { weight: 1, arbitrary: fc.constant(fitLength("", min, max)) },
  ];
  if (Number.isFinite(max) && max <= 100_000) {
    choices.push({ weight: 1, arbitrary: fc.constant("x".repeat(Math.max(max, min))) });
  }
  return withExamples(fc.oneof(...choices));
}

const INT32 = 2 ** 31;

function integerValue(schema: JsonSchema): fc.Arbitrary<number> {
  const low = typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : Number.MIN_SAFE_INTEGER;
  const high = typeof schema.maximum === "number" ? Math.floor(schema.maximum) : Number.MAX_SAFE_INTEGER;
  const inRange = (value: number) => value >= low && value <= high;
  const boundaries = [
    low,
    low + 1,
    high - 1,
    high,
    0,
    1,
    -1,
    INT32 - 1,
    INT32,
    Number.MAX_SAFE_INTEGER,
  ].filter(inRange);
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: Math.max(low, -INT32), max: Math.min(high, INT32 - 1) }) },
    { weight: 1, arbitrary: fc.constantFrom(...boundaries) },
  );
}

function numberValue(schema: JsonSchema): fc.Arbitrary<number> {
  const constraints: fc.DoubleConstraints = { noNaN: true, noDefaultInfinity: true };
  if (typeof schema.minimum === "number") constraints.min = schema.minimum;
  if (typeof schema.maximum === "number") constraints.max = schema.maximum;
  return fc.oneof(
    { weight: 2, arbitrary: integerValue(schema) },
    { weight: 2, arbitrary: fc.double(constraints) },
  );
}

function arrayValue(
  schema: JsonSchema,
  options: ValueOptions,
  depth: number,
  name: string | undefined,
): fc.Arbitrary<unknown[]> {
  const minLength = typeof schema.minItems === "number" ? schema.minItems : 0;
  const declaredMax = typeof schema.maxItems === "number" ? schema.maxItems : Number.POSITIVE_INFINITY;
  const maxLength = Math.min(declaredMax, Math.max(minLength, MAX_GENERATED_ITEMS));
  return fc.array(validValue(schema.items ?? {}, options, depth + 1, name), { minLength, maxLength });
}

function objectValue(
  schema: JsonSchema,
  options: ValueOptions,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    model[name] = validValue(property, options, depth + 1, name);
  }
  // Required names the schema lists without describing: anything goes.
  for (const name of required) model[name] ??= fc.jsonValue({ maxDepth: 1 });
  const declared = fc.record(model, { requiredKeys: [...required], noNullPrototype: true });
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === false || extra === true) return declared;
  const extraEntries = fc.array(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 40 }).filter((name) => !Object.hasOwn(properties, name)),
      validValue(extra, options, depth + 1),
    ),
    { maxLength: MAX_GENERATED_ITEMS },
  );
  // fromEntries makes own properties even of "__proto__".
  return fc
    .tuple(declared, extraEntries)
    .map(([known, entries]) => Object.fromEntries([...entries, ...Object.entries(known)]));
}

function valueOfType(
  type: SchemaType,
  schema: JsonSchema,
  options: ValueOptions,
  depth: number,
  name: string | undefined,
) {
  switch (type) {
    case "string":
      return stringValue(schema, options, name);
    case "integer":
      return integerValue(schema);
    case "number":
      return numberValue(schema);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return arrayValue(schema, options, depth, name);
    case "object":
      return objectValue(schema, options, depth);
  }
}

/** Merges allOf parts into one object schema (the document only combines objects). */
export function mergeAllOf(schema: JsonSchema): JsonSchema {
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = { ...rest };
  for (const part of allOf as JsonSchema[]) {
    const resolved = resolve(part);
    const flat = resolved.allOf ? mergeAllOf(resolved) : resolved;
    merged = {
      ...flat,
      ...merged,
      properties: { ...(flat.properties ?? {}), ...(merged.properties ?? {}) },
      required: [...new Set([...(flat.required ?? []), ...(merged.required ?? [])])],
    };
  }
  return merged;
}

/** An arbitrary whose every value validates against `schema`; `name` is the property or parameter it is for. */
export function validValue(
  schema: JsonSchema,
  options: ValueOptions = {},
  depth = 0,
  name?: string,
): fc.Arbitrary<unknown> {
  const target = resolve(schema);
  if (depth > 12) throw new Error("schema nests deeper than 12 levels; is it recursive?");
  if (target.allOf) return validValue(mergeAllOf(target), options, depth, name);
  if (target.oneOf || target.anyOf) {
    const branches = (target.oneOf ?? target.anyOf) as JsonSchema[];
    return fc.oneof(...branches.map((branch) => validValue(branch, options, depth + 1, name)));
  }
  if (Array.isArray(target.enum)) return fc.constantFrom(...(target.enum as unknown[]));
  if ("const" in target) return fc.constant(target.const);
  const types = typesOf(target);
  if (!types) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => valueOfType(type, target, options, depth, name)));
}
