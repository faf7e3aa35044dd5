import type { Operation } from "../support/spec";
import { validate } from "./schema-validator";

// Whether a response is one the document promises for the operation: no
// server error, a documented status, a documented media type for it, and a
// JSON body that validates against the documented schema.

export interface ObservedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface BrokenPromise {
  /** Which check failed: "5xx", "undocumented status", "unexpected status", "content type", "schema". */
  check: string;
  detail: string;
}

const mediaTypeOf = (header: string | null) => (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
const isJson = (mediaType: string) => /^application\/(.+\+)?json$/.test(mediaType);

/** Every way `response` breaks the document's promise for `operation`; empty when it keeps it. */
export function checkResponse(
  operation: Operation,
  response: ObservedResponse,
  expectedStatuses?: readonly number[],
): BrokenPromise[] {
  const broken: BrokenPromise[] = [];
  if (response.status >= 500) {
    broken.push({ check: "5xx", detail: `${response.status} from ${operation.id}` });
  }
  if (expectedStatuses && !expectedStatuses.includes(response.status)) {
    broken.push({
      check: "unexpected status",
      detail: `${response.status}, expected ${expectedStatuses.join(" or ")}`,
    });
  }
  const documented = operation.responses[String(response.status)] ?? operation.responses.default;
  if (!documented) {
    broken.push({
      check: "undocumented status",
      detail: `${response.status} is not among ${Object.keys(operation.responses).join(", ")}`,
    });
    return broken;
  }

  const content = documented.content ?? {};
  const mediaType = mediaTypeOf(response.headers.get("content-type"));
  const documentedTypes = Object.keys(content).map((type) => type.toLowerCase());
  if (documentedTypes.length === 0) {
    if (response.text.length > 0) {
      broken.push({
        check: "content type",
        detail: `${response.status} documents no body, got ${response.text.length} characters of ${mediaType || "untyped"}`,
      });
    }
    return broken;
  }
  if (!documentedTypes.includes(mediaType)) {
    broken.push({
      check: "content type",
      detail: `${response.status} with ${mediaType || "no Content-Type"}; documented: ${documentedTypes.join(", ")}`,
    });
    return broken;
  }
  const schema = Object.entries(content).find(([type]) => type.toLowerCase() === mediaType)?.[1].schema;
  if (!schema) return broken;
  if (!isJson(mediaType)) {
    // Documented as text (HTML, Markdown, iCalendar, Atom): the schema can only say "a string".
    return broken;
  }
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    broken.push({ check: "schema", detail: `${mediaType} body is not JSON` });
    return broken;
  }
  const errors = validate(schema, body);
  if (errors.length > 0) {
    broken.push({
      check: "schema",
      detail: `${errors.length} error(s): ${errors.slice(0, 5).join("; ")}${errors.length > 5 ? "; …" : ""}`,
    });
  }
  return broken;
}
