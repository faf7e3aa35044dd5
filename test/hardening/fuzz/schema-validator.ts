import { type JsonSchema, resolve } from "../support/spec";

// A small JSON Schema (2020-12, as OpenAPI 3.1 uses it) validator for the
// keywords the document uses. Written by hand because workerd forbids eval
// and new Function, which schema compilers rely on. It returns every error
// it finds, each with the JSON path where it was found, so a failure report
// says what to fix.

export type SchemaType = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";

/** The type keyword as a list; an object schema without `type` but with properties is an object. */
export function typesOf(schema: JsonSchema): SchemaType[] | undefined {
  if (Array.isArray(schema.type)) return schema.type as SchemaType[];
  if (typeof schema.type === "string") return [schema.type as SchemaType];
  if (schema.properties || schema.additionalProperties !== undefined) return ["object"];
  if (schema.items) return ["array"];
  return undefined;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function hasType(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
  }
}

/** What a value is, in JSON Schema's words (for error messages and wrong-type generation). */
export function jsonTypeOf(value: unknown): SchemaType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as SchemaType;
}

const patterns = new Map<string, RegExp>();
/** ECMA-262 regex with the `u` flag when the pattern allows it (JSON Schema's recommendation). */
export function patternRegExp(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) {
    try {
      regex = new RegExp(pattern, "u");
    } catch {
      regex = new RegExp(pattern);
    }
    patterns.set(pattern, regex);
  }
  return regex;
}

/** JSON Schema counts string length in code points, not UTF-16 units. */
export const codePointLength = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The `format`s the document uses; unknown formats annotate only, as the specification says. */
export function formatError(format: string, value: string): string | undefined {
  switch (format) {
    case "uuid":
      return UUID.test(value) ? undefined : "is not a UUID";
    case "date":
      return isCalendarDate(value) ? undefined : "is not a date (YYYY-MM-DD)";
    case "date-time": {
      const match = DATE_TIME.exec(value);
      const valid =
        match !== null &&
        isCalendarDate(match[1] as string) &&
        Number(match[2]) < 24 &&
        Number(match[3]) < 60 &&
        Number(match[4]) < 61 &&
        (match[7] === undefined || (Number(match[7]) < 24 && Number(match[8]) < 60));
      return valid ? undefined : "is not an RFC 3339 date-time";
    }
    case "email":
      return EMAIL.test(value) ? undefined : "is not an email address";
    case "uri":
      return /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value) ? undefined : "is not an absolute URI";
    default:
      return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) =>
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

const describeValue = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** Every way `value` breaks `schema`, as "path: message"; empty when it validates. */
export function validate(schema: JsonSchema, value: unknown, at = "$"): string[] {
  const resolved = resolve(schema) as JsonSchema | boolean | undefined;
  if (resolved === true || resolved === undefined) return [];
  if (resolved === false) return [`${at}: no value is allowed here`];
  const target = resolved;
  const errors: string[] = [];

  if (target.allOf) {
    for (const part of target.allOf as JsonSchema[]) errors.push(...validate(part, value, at));
  }
  if (target.anyOf) {
    const branches = target.anyOf as JsonSchema[];
    if (!branches.some((branch) => validate(branch, value, at).length === 0)) {
      errors.push(`${at}: matches none of anyOf's ${branches.length} schemas`);
    }
  }
  if (target.oneOf) {
    const branches = target.oneOf as JsonSchema[];
    const results = branches.map((branch) => validate(branch, value, at));
    const matching = results.filter((result) => result.length === 0).length;
    if (matching !== 1) {
      const closest = results.reduce((best, result) => (result.length < best.length ? result : best));
      errors.push(
        `${at}: matches ${matching} of oneOf's ${branches.length} schemas, not exactly one${
          matching === 0 ? ` (closest: ${closest.slice(0, 2).join("; ")})` : ""
        }`,
      );
    }
  }

  const types = typesOf(target);
  if (types && !types.some((type) => hasType(value, type))) {
    errors.push(`${at}: expected ${types.join(" or ")}, got ${jsonTypeOf(value)} ${describeValue(value)}`);
    return errors;
  }
  if (target.enum && !(target.enum as unknown[]).some((option) => deepEqual(option, value))) {
    errors.push(`${at}: ${describeValue(value)} is not one of ${JSON.stringify(target.enum)}`);
  }
  if ("const" in target && !deepEqual(target.const, value)) {
    errors.push(`${at}: must be ${JSON.stringify(target.const)}`);
  }

  if (typeof value === "string") errors.push(...stringErrors(target, value, at));
  else if (typeof value === "number") errors.push(...numberErrors(target, value, at));
  else if (Array.isArray(value)) errors.push(...arrayErrors(target, value, at));
  else if (isPlainObject(value)) errors.push(...objectErrors(target, value, at));
  return errors;
}

function stringErrors(schema: JsonSchema, value: string, at: string): string[] {
  const errors: string[] = [];
  const length = codePointLength(value);
  if (typeof schema.minLength === "number" && length < schema.minLength) {
    errors.push(`${at}: length ${length} is under minLength ${schema.minLength}`);
  }
  if (typeof schema.maxLength === "number" && length > schema.maxLength) {
    errors.push(`${at}: length ${length} is over maxLength ${schema.maxLength}`);
  }
  if (typeof schema.pattern === "string" && !patternRegExp(schema.pattern).test(value)) {
    errors.push(`${at}: ${describeValue(value)} does not match ${schema.pattern}`);
  }
  if (typeof schema.format === "string") {
    const problem = formatError(schema.format, value);
    if (problem) errors.push(`${at}: ${describeValue(value)} ${problem}`);
  }
  return errors;
}

function numberErrors(schema: JsonSchema, value: number, at: string): string[] {
  const errors: string[] = [];
  if (typeof schema.minimum === "number" && value < schema.minimum) {
    errors.push(`${at}: ${value} is under minimum ${schema.minimum}`);
  }
  if (typeof schema.maximum === "number" && value > schema.maximum) {
    errors.push(`${at}: ${value} is over maximum ${schema.maximum}`);
  }
  if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
    errors.push(`${at}: ${value} is not over exclusiveMinimum ${schema.exclusiveMinimum}`);
  }
  if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) {
    errors.push(`${at}: ${value} is not under exclusiveMaximum ${schema.exclusiveMaximum}`);
  }
  return errors;
}

function arrayErrors(schema: JsonSchema, value: unknown[], at: string): string[] {
  const errors: string[] = [];
  if (typeof schema.minItems === "number" && value.length < schema.minItems) {
    errors.push(`${at}: ${value.length} items, under minItems ${schema.minItems}`);
  }
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
    errors.push(`${at}: ${value.length} items, over maxItems ${schema.maxItems}`);
  }
  if (schema.uniqueItems === true) {
    const duplicate = value.findIndex((item, index) => value.slice(0, index).some((x) => deepEqual(x, item)));
    if (duplicate >= 0) errors.push(`${at}[${duplicate}]: duplicates an earlier item (uniqueItems)`);
  }
  if (schema.items !== undefined) {
    value.forEach((item, index) => {
      errors.push(...validate(schema.items, item, `${at}[${index}]`));
    });
  }
  return errors;
}

function objectErrors(schema: JsonSchema, value: Record<string, unknown>, at: string): string[] {
  const errors: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const name of (schema.required ?? []) as string[]) {
    if (!(name in value)) errors.push(`${at}.${name}: required but missing`);
  }
  for (const [name, item] of Object.entries(value)) {
    const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (property) errors.push(...validate(property, item, `${at}.${name}`));
    else if (schema.additionalProperties === false) errors.push(`${at}.${name}: unknown property`);
    else if (isPlainObject(schema.additionalProperties)) {
      errors.push(...validate(schema.additionalProperties, item, `${at}.${name}`));
    }
  }
  return errors;
}
