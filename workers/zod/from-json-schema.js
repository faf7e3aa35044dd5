// zod's `fromJSONSchema` (a JSON Schema → zod converter, about 12 KiB minified) in the Worker
// bundle: the API defines its schemas in code and never converts JSON Schema at run time, so the
// bundle carries this stand-in, which says so if anything ever calls it (see ./index.js).
export function fromJSONSchema() {
  throw new Error("zod's fromJSONSchema is not part of this Worker bundle (workers/zod/from-json-schema.js)");
}
