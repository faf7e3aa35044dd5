import fc from "fast-check";
import { ROLES, type Role } from "../../../src/lib/auth/tokens";
import { type JsonSchema, type Operation, resolve } from "./spec";
import { fillPath, pathValues, type World } from "./world";

/**
 * A minimal VALID request for an operation, built from its schemas alone, so a
 * sweep reaches the handler's tenant lookup and role check instead of stopping
 * at validation. Deterministic: the same operation and worlds give the same
 * request (the one pattern fallback uses fast-check with a fixed seed).
 *
 * The choices, in order of precedence for each value:
 *  - `const`, then the first non-null `enum` value, then `example`, then `default`;
 *  - ids (`format: uuid`) are the world's ids, picked by the property's name:
 *    `client_id` → a client, `project_ids` → [a project], `member_id` → the
 *    member sending the request (`actor`; the spare member when none is
 *    given: a member acting for themselves is what every role may do, e.g.
 *    mint their own token), and a property named after a role (`owner_id`,
 *    `release_manager_id`) → the member with that role. They come from
 *    `bodyWorld`, the world of the tenant whose token sends the request: a
 *    cross-tenant probe then differs from a real request only in its path, so a
 *    404 proves the path lookup is scoped, not that a body id was foreign;
 *  - other formats: email, uri, date, date-time (an instant two to three weeks
 *    ahead, one hour later for each further date-time of the same object, so
 *    `starts_at` < `ends_at` in declaration order; a fixed past instant where
 *    the description says the value may not be in the future, like consent);
 *  - strings honour `minLength`/`maxLength` and `pattern`; numbers the bounds;
 *  - objects carry their required properties only. An object that requires
 *    nothing (most PATCH bodies) carries its first property, plus any sibling
 *    the first one's description says it goes `with` ("its start (with ends_at)"):
 *    an empty PATCH is a request nobody sends, and some handlers refuse it as
 *    having nothing to change;
 *  - arrays have `minItems` items; `oneOf`/`anyOf` take their first branch.
 * Query and header parameters are filled only when required; path parameters
 * come from `pathWorld` (pathValues). A body that is not required is left out.
 */
export interface ValidRequest {
  method: string;
  /** The path with its parameters filled and required query parameters appended. */
  url: string;
  body?: unknown;
  headers: Record<string, string>;
}

export interface RequestWorlds {
  /** Whose ids fill the path (the tenant being probed). */
  pathWorld: World;
  /** Whose ids fill the body (the tenant whose token sends it); defaults to pathWorld. */
  bodyWorld?: World;
  /** The role of bodyWorld's member whose token sends the request: `member_id` names them. */
  actor?: Role;
  /**
   * Also fill every optional property that holds an id (and give arrays of
   * them one item), leading a body that requires nothing with its first id:
   * for probes about the ids a body names, not the minimal request.
   */
  optionalIds?: boolean;
}

/**
 * A Tuesday at 01:00 UTC (late morning on the east coast: business hours) two to three weeks ahead,
 * outside the holiday season and November's first week (Melbourne Cup), so a slot booked with it
 * passes the window policy and its bounds (at most 366 days ahead).
 */
function futureInstant(now: number): number {
  const day = new Date(now + 14 * 86_400_000);
  day.setUTCHours(1, 0, 0, 0);
  for (;;) {
    const month = day.getUTCMonth();
    const date = day.getUTCDate();
    const quiet = !(month === 11 && date >= 15) && month !== 0 && !(month === 10 && date <= 7);
    if (day.getUTCDay() === 2 && quiet) return day.getTime();
    day.setUTCDate(date + 1);
  }
}
const FUTURE_INSTANT = futureInstant(Date.now());
/** For values that must not lie in the future (when consent was obtained). */
const PAST_INSTANT = Date.UTC(2025, 2, 4, 1, 0, 0);
const FALLBACK_UUID = "00000000-0000-4000-8000-000000000000";
/** fast-check's seed for the one random fallback (a string for a `pattern` no fixed candidate matches). */
export const PATTERN_SEED = 8;

export function validRequest(operation: Operation, worlds: RequestWorlds): ValidRequest {
  const bodyWorld = worlds.bodyWorld ?? worlds.pathWorld;
  const builder = new ValueBuilder(bodyWorld, operation.id, worlds.actor, worlds.optionalIds ?? false);
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    if (!parameter.required || parameter.in === "path") continue;
    const value = String(builder.value(parameter.schema, parameter.name));
    if (parameter.in === "query") query.set(parameter.name, value);
    else if (parameter.in === "header") headers[parameter.name] = value;
  }
  const path = fillPath(operation.path, pathValues(worlds.pathWorld, operation.path));
  const url = query.size > 0 ? `${path}?${query}` : path;
  const request: ValidRequest = { method: operation.method.toUpperCase(), url, headers };
  if (operation.requestBody?.required) {
    const [contentType, media] = jsonFirst(operation.requestBody.content);
    headers["Content-Type"] = contentType;
    request.body = builder.value(media?.schema ?? {}, "body");
  }
  return request;
}

function jsonFirst(content: Record<string, { schema?: JsonSchema }>) {
  const entries = Object.entries(content);
  const json = entries.find(([type]) => type === "application/json");
  const chosen = json ?? entries[0];
  if (!chosen) throw new Error("request body without a content type");
  return chosen;
}

class ValueBuilder {
  private dateTimes = 0;
  constructor(
    private readonly world: World,
    private readonly operationId: string,
    private readonly actor: Role | undefined,
    private readonly optionalIds: boolean,
  ) {}

  value(raw: JsonSchema, name: string): unknown {
    const schema = resolve(raw);
    if ("const" in schema) return schema.const;
    const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
    if (branches?.length) {
      const branch = branches.find((b) => resolve(b).type !== "null") ?? branches[0];
      return this.value(branch as JsonSchema, name);
    }
    if (schema.allOf) return this.value(mergeAllOf(schema.allOf as JsonSchema[]), name);
    const enumValue = (schema.enum as unknown[] | undefined)?.find((v) => v !== null);
    if (enumValue !== undefined) return enumValue;
    // A canned example or default (`[]`) would hide the ids an optionalIds probe is about.
    const canned = !(this.optionalIds && schema.format !== "uuid" && holdsId(schema));
    if (canned && schema.example !== undefined) return schema.example;
    if (canned && schema.default !== undefined && schema.default !== null) return schema.default;

    switch (primaryType(schema)) {
      case "object":
        return this.object(schema);
      case "array":
        return this.array(schema, name);
      case "integer":
      case "number":
        return number(schema);
      case "boolean":
        return false;
      case "null":
        return null;
      default:
        return this.string(schema, name);
    }
  }

  private object(schema: JsonSchema): Record<string, unknown> {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const names = Object.keys(properties);
    let chosen = (schema.required ?? []) as string[];
    const holdingIds = this.optionalIds ? names.filter((n) => holdsId(properties[n] ?? {})) : [];
    if (chosen.length === 0 && names.length > 0) {
      const first = (holdingIds[0] ?? names[0]) as string;
      const description = String(resolve(properties[first] as JsonSchema).description ?? "");
      const partners = names.filter(
        (other) => other !== first && new RegExp(`\\bwith ${other}\\b`).test(description),
      );
      chosen = [first, ...partners];
    }
    chosen = [...new Set([...chosen, ...holdingIds])];
    const result: Record<string, unknown> = {};
    for (const property of chosen) {
      result[property] = this.value(properties[property] ?? {}, property);
    }
    return result;
  }

  private array(schema: JsonSchema, name: string): unknown[] {
    const minimum = Math.max(Number(schema.minItems ?? 0), 0);
    const count = this.optionalIds && holdsId(schema.items ?? {}) ? Math.max(minimum, 1) : minimum;
    return Array.from({ length: count }, () => this.value(schema.items ?? {}, name));
  }

  private string(schema: JsonSchema, name: string): string {
    switch (schema.format) {
      case "uuid":
        return this.id(name);
      case "email":
        return `sweep.${name.replace(/[^a-z0-9]/gi, "")}@people.example`;
      case "uri":
      case "url":
        return "https://example.com/sweep";
      case "date":
        return new Date(FUTURE_INSTANT).toISOString().slice(0, 10);
      case "date-time":
        if (/not in the future/i.test(String(schema.description ?? "")))
          return new Date(PAST_INSTANT).toISOString();
        return new Date(FUTURE_INSTANT + 3_600_000 * this.dateTimes++).toISOString();
    }
    const min = Number(schema.minLength ?? 1);
    const max = Number(schema.maxLength ?? Number.POSITIVE_INFINITY);
    const fits = (candidate: string) =>
      candidate.length >= min &&
      candidate.length <= max &&
      (!schema.pattern || new RegExp(schema.pattern as string, "u").test(candidate));
    const padded = (word: string) => word.padEnd(Math.max(min, word.length), "x");
    for (const candidate of ["sweep", "sweep-value", "sweep/value", "abcdef1", "+61 2 9000 0000", "1"]) {
      const value = padded(candidate);
      if (fits(value)) return value;
    }
    if (schema.pattern) {
      const [sample] = fc.sample(fc.stringMatching(new RegExp(schema.pattern as string, "u")), {
        seed: PATTERN_SEED,
        numRuns: 20,
      });
      if (sample !== undefined && fits(sample)) return sample;
    }
    throw new Error(
      `${this.operationId}: cannot build a valid "${name}" (pattern ${schema.pattern}); give the schema an example`,
    );
  }

  private id(name: string): string {
    return worldId(this.world, name, this.actor) ?? FALLBACK_UUID;
  }
}

/** The world's id for a property or parameter named like `client_id`, `project_ids` or `owner_id`, if it has one. */
export function worldId(world: World, name: string, actor?: Role): string | undefined {
  const base = name.replace(/_ids?$/, "");
  if (base === "member" && actor) return world.agency.members[actor].id;
  const byCollection = world.byCollection[`${base}s`];
  if (byCollection) return byCollection;
  if ((ROLES as readonly string[]).includes(base)) return world.agency.members[base as Role].id;
  return world.byName[name];
}

/** Whether a value of this schema is or contains an id (`format: uuid`). */
function holdsId(raw: JsonSchema, depth = 0): boolean {
  const schema = resolve(raw);
  if (depth > 8) return false;
  if (schema.format === "uuid") return true;
  const parts: JsonSchema[] = [
    ...Object.values((schema.properties ?? {}) as Record<string, JsonSchema>),
    ...((schema.oneOf ?? schema.anyOf ?? schema.allOf ?? []) as JsonSchema[]),
    ...(schema.items ? [schema.items as JsonSchema] : []),
  ];
  return parts.some((part) => holdsId(part, depth + 1));
}

function primaryType(schema: JsonSchema): string | undefined {
  const type = schema.type as string | string[] | undefined;
  if (Array.isArray(type)) return type.find((t) => t !== "null") ?? type[0];
  if (type) return type;
  if (schema.properties) return "object";
  if (schema.items) return "array";
  return undefined;
}

function number(schema: JsonSchema): number {
  const integer = primaryType(schema) === "integer";
  let value = 1;
  if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === "number") value = Math.max(value, schema.exclusiveMinimum + 1);
  if (typeof schema.maximum === "number") value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === "number") value = Math.min(value, schema.exclusiveMaximum - 1);
  return integer ? Math.ceil(value) : value;
}

function mergeAllOf(parts: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = { type: "object", properties: {}, required: [] };
  for (const part of parts.map(resolve)) {
    Object.assign(merged.properties, part.properties ?? {});
    merged.required.push(...((part.required as string[] | undefined) ?? []));
  }
  return merged;
}
