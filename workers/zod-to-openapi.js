// The Worker bundle's "@asteasolutions/zod-to-openapi" (wrangler.toml [alias]). The API's document
// is generated at build time (`npm run openapi`, in Node with the real library) and served as a
// static asset, so the Worker never generates one: it keeps what routing and validation touch — a
// registry that records routes and components, and `.openapi()` on every zod schema — and leaves
// out the generators and the metadata store (about 30 KiB of minified code per cold start). Every
// route still declares its documentation in one place, next to its schemas; only the runtime
// skips reading it. Should anything call a generator, it fails loudly instead of serving a
// document without its descriptions.

function notInWorker(what) {
  return new Error(
    `${what} is not part of this Worker: the OpenAPI document is generated at build time (npm run openapi) and served as a static asset.`,
  );
}

export function extendZodWithOpenApi(zod) {
  if (typeof zod.ZodType.prototype.openapi !== "undefined") return;
  // Documentation only: the schema validates exactly as before, so the method hands it back.
  zod.ZodType.prototype.openapi = function openapi() {
    return this;
  };
}

export function getOpenApiMetadata() {
  return {};
}

export function getRefId() {
  return undefined;
}

export class OpenAPIRegistry {
  constructor(parents) {
    this.parents = parents;
    this._definitions = [];
  }

  get definitions() {
    const parentDefinitions = this.parents?.flatMap((parent) => parent._definitions) ?? [];
    return [...parentDefinitions, ...this._definitions];
  }

  register(_refId, zodSchema) {
    this._definitions.push({ type: "schema", schema: zodSchema });
    return zodSchema;
  }

  registerParameter(_refId, zodSchema) {
    this._definitions.push({ type: "parameter", schema: zodSchema });
    return zodSchema;
  }

  registerPath(route) {
    this._definitions.push({ type: "route", route });
  }

  registerWebhook(webhook) {
    this._definitions.push({ type: "webhook", webhook });
  }

  registerComponent(type, name, component) {
    this._definitions.push({ type: "component", componentType: type, name, component });
    return { name, ref: { $ref: `#/components/${type}/${name}` } };
  }
}

class GeneratorLeftOut {
  constructor() {
    throw notInWorker("Generating an OpenAPI document");
  }
}

export class OpenApiGeneratorV3 extends GeneratorLeftOut {}
export class OpenApiGeneratorV31 extends GeneratorLeftOut {}
export class OpenApiGeneratorV32 extends GeneratorLeftOut {}

export function zodToOpenAPIRegistry() {
  throw notInWorker("Converting schemas to an OpenAPI registry");
}
