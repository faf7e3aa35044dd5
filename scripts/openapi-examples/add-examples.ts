import { RELEASE_ETAG_HEADER } from "../../src/app/openapi";
import { notificationListExample } from "./delivery-examples";
import { documentExamples } from "./document-examples";
import { type OperationFacts, problemExample } from "./problem-examples";
import { SCHEMA_EXAMPLES } from "./schema-examples";

// Puts an `example` on every request and response media type of the OpenAPI document, from the
// catalogues beside this file: JSON bodies by the component schema they refer to, problem+json
// by status and operation family, documents (markdown, iCalendar, SVG, Atom, HTML) by operation.
// scripts/openapi.ts applies it when writing openapi/openapi.json, the document the Worker serves
// as a static asset; `npm run openapi:check` fails when the committed file is not the routes'
// document plus these examples, and the platform tests check that every example validates.

// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
type Json = Record<string, any>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Examples for inline schemas, by operationId and status (the schema is not a component). */
const INLINE_EXAMPLES: Record<string, Record<string, unknown>> = {
  listNotifications: { "200": notificationListExample },
};

const refName = (schema: Json | undefined): string | undefined =>
  typeof schema?.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : undefined;

function operationFacts(document: Json, path: string, method: string, operation: Json): OperationFacts {
  const family = operation.tags?.[0] ?? "";
  const parameters = (operation.parameters ?? []) as Json[];
  const familyWrite = Object.values(document.paths as Json)
    .flatMap((item: Json) => METHODS.filter((m) => m !== "get" && item[m]).map((m) => item[m] as Json))
    .find((other) => other.tags?.[0] === family && (other["x-roles"]?.length ?? 4) < 4);
  const bodySchema =
    document.components.schemas[refName(operation.requestBody?.content?.["application/json"]?.schema) ?? ""];
  const firstRequired = bodySchema?.required?.[0] as string | undefined;
  const fieldType = firstRequired ? bodySchema.properties?.[firstRequired]?.type : undefined;
  return {
    operationId: operation.operationId,
    method,
    path,
    family,
    security: ((operation.security ?? []) as Json[]).flatMap((requirement) => Object.keys(requirement)),
    roles: operation["x-roles"],
    familyWriteRoles: familyWrite?.["x-roles"],
    releaseCommand:
      method !== "get" &&
      path.includes("{id}") &&
      Object.values(operation.responses as Json).some(
        (response: Json) => response.headers?.ETag?.description === RELEASE_ETAG_HEADER.ETag.description,
      ),
    firstBodyField: firstRequired
      ? { name: firstRequired, type: typeof fieldType === "string" ? fieldType : "string" }
      : undefined,
    queryParameters: parameters
      .map((p) => (p.$ref ? document.components.parameters[p.$ref.split("/").pop()] : p))
      .filter((p) => p?.in === "query")
      .map((p) => p.name),
  };
}

function exampleFor(
  facts: OperationFacts,
  status: string,
  mediaType: string,
  media: Json,
  usedSchemas: Set<string>,
): unknown {
  if (mediaType === "application/problem+json") return problemExample(facts, Number(status));
  if (!mediaType.endsWith("json")) return documentExamples[facts.operationId]?.[status];
  const inline = INLINE_EXAMPLES[facts.operationId]?.[status];
  if (inline !== undefined) return inline;
  const name = refName(media.schema);
  if (name) usedSchemas.add(name);
  return name ? SCHEMA_EXAMPLES[name] : undefined;
}

/** The document with an example on every media type; throws naming every one it has none for. */
export function withExamples<D extends object>(document: D): D {
  const copy = structuredClone(document) as Json;
  const missing: string[] = [];
  const usedSchemas = new Set<string>();
  for (const [path, item] of Object.entries(copy.paths as Json)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (!operation) continue;
      const facts = operationFacts(copy, path, method, operation);
      const targets: [string, Json | undefined][] = [
        ["request", operation.requestBody?.content],
        ...Object.entries(operation.responses as Json).map(
          ([status, response]) => [status, response.content] as [string, Json | undefined],
        ),
      ];
      for (const [status, content] of targets) {
        for (const [mediaType, media] of Object.entries(content ?? {})) {
          const example = exampleFor(facts, status, mediaType, media as Json, usedSchemas);
          if (example === undefined) missing.push(`${method.toUpperCase()} ${path} ${status} ${mediaType}`);
          else (media as Json).example = structuredClone(example);
        }
      }
    }
  }
  // An example whose schema no body uses any more would rot unseen: it goes when its schema goes.
  for (const name of Object.keys(SCHEMA_EXAMPLES)) {
    if (!usedSchemas.has(name))
      missing.push(`components.schemas.${name} is no body's schema: remove its example`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Examples out of step with the document (scripts/openapi-examples):\n${missing.join("\n")}`,
    );
  }
  return copy as D;
}
