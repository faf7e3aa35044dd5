import { z } from "@hono/zod-openapi";
import { OPENAPI_DOCS } from "./openapi-docs";

// JSON whose shape the API does not fix (audit snapshots of arbitrary rows, the answer withheld
// from a replayed Idempotency-Key, a problem's extension members), typed as JSON with a fixed
// nesting depth instead of a recursive schema: generated clients get plain types (no `unknown`,
// no self-referencing aliases), and the spec-driven sweeps walk every schema without following a
// cycle. The API writes nothing nested deeper than an object holding lists of objects (a change
// log, a team, the gates a decision met); three levels below the top-level object leave room.

const JsonScalarSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .openapi("JsonScalar", { ...(OPENAPI_DOCS && { description: "A JSON string, number, boolean or null." }) });

/** One level of nesting: a scalar, or a list or object of `inner`. */
const nestedOnce = <T extends z.ZodType>(inner: T) =>
  z.union([JsonScalarSchema, z.array(inner), z.record(z.string(), inner)]);

const JsonInnermostSchema = nestedOnce(JsonScalarSchema).openapi("JsonValueInnermost", {
  ...(OPENAPI_DOCS && { description: "A scalar, or a list or object of scalars." }),
});

const JsonInnerSchema = nestedOnce(JsonInnermostSchema).openapi("JsonValueInner", {
  ...(OPENAPI_DOCS && { description: "A scalar, or a list or object of innermost values." }),
});

export const JsonValueSchema = nestedOnce(JsonInnerSchema).openapi("JsonValue", {
  ...(OPENAPI_DOCS && { description: "A JSON value nested at most three levels deep." }),
});

export const JsonObjectSchema = z.record(z.string(), JsonValueSchema).openapi("JsonObject", {
  ...(OPENAPI_DOCS && {
    description: "A JSON object: field names and their values, nested at most three levels below it.",
  }),
});

export type JsonObject = z.infer<typeof JsonObjectSchema>;
