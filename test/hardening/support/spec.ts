import document from "../../../openapi/openapi.json";

// The OpenAPI document as the sweeps see it: every operation, its security,
// parameters, request body and documented responses. The sweeps iterate this
// list, so a route added later is covered without new test code.

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
const METHODS: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete"];

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is open-ended; the walkers narrow it
export type JsonSchema = Record<string, any>;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema?: JsonSchema;
}

export interface Operation {
  /** "POST /v1/releases/{id}/decisions": how reports and replays name it. */
  id: string;
  method: HttpMethod;
  path: string;
  /** Security scheme names that may authenticate it; empty for public operations. */
  schemes: string[];
  /** `x-roles`: the member roles that may call it at all (bearer operations). */
  roles: string[] | undefined;
  parameters: Parameter[];
  requestBody: { required: boolean; content: Record<string, MediaType> } | undefined;
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

export const spec = document as unknown as {
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; parameters?: Record<string, JsonSchema> };
};

/** An operation's parameter, or the shared one (components/parameters) it refers to. */
export function resolveParameter(parameter: JsonSchema): JsonSchema {
  if (!parameter.$ref) return parameter;
  const name = String(parameter.$ref).replace("#/components/parameters/", "");
  const target = spec.components.parameters?.[name];
  if (!target) throw new Error(`unresolved parameter $ref ${parameter.$ref}`);
  return target;
}

export function operations(): Operation[] {
  const list: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const security = (op.security ?? []) as Record<string, unknown>[];
      list.push({
        id: `${method.toUpperCase()} ${path}`,
        method,
        path,
        schemes: [...new Set(security.flatMap((requirement) => Object.keys(requirement)))],
        roles: op["x-roles"] as string[] | undefined,
        parameters: ((op.parameters ?? []) as JsonSchema[]).map(resolveParameter).map((p) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          schema: p.schema ?? {},
        })),
        requestBody: op.requestBody
          ? { required: Boolean(op.requestBody.required), content: op.requestBody.content ?? {} }
          : undefined,
        responses: op.responses ?? {},
      });
    }
  }
  return list;
}

/** Follows `$ref`s into components/schemas (parameters are resolved by resolveParameter). */
export function resolve(schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current?.$ref; depth++) {
    if (depth > 32) throw new Error(`$ref cycle at ${schema.$ref}`);
    const name = String(current.$ref).replace("#/components/schemas/", "");
    const target = spec.components.schemas[name];
    if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

export const pathParameterNames = (path: string): string[] =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);

export const isWrite = (operation: Operation) => operation.method !== "get";
export const usesBearer = (operation: Operation) => operation.schemes.includes("bearerAuth");
