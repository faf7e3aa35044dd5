/**
 * A request field the server defaults is optional, but openapi-typescript (and other generators with
 * their default settings) read a `default` keyword as "always present" and make the field required in
 * typed clients — a typed `POST /v1/releases` would then demand `scope` and `change_log`. Only input
 * schemas have optional fields with defaults, so each such `default` moves into the field's description,
 * where people still read it and generators leave the field optional.
 */
export function describeOptionalDefaults<T>(document: T): T {
  visit(document);
  return document;
}

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const schema = node as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  if (schema.properties && typeof schema.properties === "object") {
    const required = new Set(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties)) {
      if (required.has(name) || !property || typeof property !== "object" || !("default" in property))
        continue;
      const when = `Default when omitted: \`${JSON.stringify(property.default)}\`.`;
      property.description =
        typeof property.description === "string" ? `${property.description} ${when}` : when;
      delete property.default;
    }
  }
  for (const value of Object.values(node)) visit(value);
}
