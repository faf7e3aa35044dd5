import fc from "fast-check";
import { MAX_BODY_BYTES } from "../../../src/app/create-app";
import { type JsonSchema, type Operation, type Parameter, pathParameterNames } from "../support/spec";
import { fillPath } from "../support/world";
import {
  HOSTILE_PATH_SEGMENTS,
  HOSTILE_QUERY_VALUES,
  MALFORMED_BYTES,
  MALFORMED_JSON,
  toJsonText,
  WRONG_CONTENT_TYPES,
} from "./hostile-values";
import { invalidBody } from "./invalid-bodies";
import { validate } from "./schema-validator";
import { validValue } from "./valid-values";

// Requests for one operation, as fast-check arbitraries: valid ones (every
// parameter and the body drawn from the document's schemas) and invalid ones
// (one thing broken: the body, its encoding or content type, a path or query
// parameter, a header, the credentials).

export interface FuzzRequest {
  /** "valid", or what was broken: "malformed JSON", "wrong type at $.risk", … */
  kind: string;
  valid: boolean;
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body as a stream without Content-Length. */
  streamed?: boolean;
  /** Statuses this request must get beyond the documented ones (the 1 MiB limit must answer 413). */
  expect?: number[];
  /**
   * The request breaks what the spec requires (a body that fails its schema, malformed JSON, a
   * required body or query parameter missing, a wrong Content-Type for a required body, a path
   * value that names nothing, broken credentials or signatures), so it must be refused with a 4xx.
   */
  mustBeRefused?: boolean;
}

export interface RequestContext {
  /** A valid value for every path parameter (the seeded world's). */
  pathValues: Record<string, string>;
  /** Filled paths valid requests choose from: one per release stage for a release's own operations. */
  pathChoices: readonly string[];
  /** Ids that exist, for UUID fields and query parameters, by their name (see id-pool.ts). */
  uuidsFor: (name: string | undefined) => readonly string[];
  /** Authorization and other headers that make the operation's credentials valid. */
  credentials: Record<string, string>;
}

const JSON_TYPE = "application/json";
const jsonMediaSchema = (operation: Operation): JsonSchema | undefined =>
  operation.requestBody?.content[JSON_TYPE]?.schema;
const hasBody = (operation: Operation) => operation.method !== "get" && operation.method !== "delete";

/** Percent-encodes as UTF-8; a lone surrogate becomes U+FFFD instead of throwing like encodeURIComponent. */
export function encodeComponent(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

const queryString = (pairs: [string, string][]) =>
  pairs.length === 0 ? "" : `?${pairs.map(([name, value]) => `${name}=${value}`).join("&")}`;

const parametersIn = (operation: Operation, place: Parameter["in"]) =>
  operation.parameters.filter((parameter) => parameter.in === place);

const scalarText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Valid query pairs: required parameters always, optional ones sometimes. */
function validQuery(operation: Operation, context: RequestContext): fc.Arbitrary<[string, string][]> {
  const parameters = parametersIn(operation, "query");
  const pairs = parameters.map((parameter) => {
    const value = validValue(parameter.schema, { uuidsFor: context.uuidsFor }, 0, parameter.name).map(
      (item): [string, string] => [parameter.name, encodeComponent(scalarText(item))],
    );
    return parameter.required
      ? value.map((pair) => [pair])
      : fc.option(value, { nil: undefined, freq: 2 }).map((pair) => (pair ? [pair] : []));
  });
  return fc.tuple(...pairs).map((lists) => lists.flat() as [string, string][]);
}

// Visible ASCII: header values cannot carry control characters, and the API
// takes Idempotency-Key as 1–255 visible characters.
const HEADER_VALUE = fc.oneof(fc.uuid(), fc.stringMatching(/^[\x21-\x7e]{1,64}$/));

/** Valid header parameters (Idempotency-Key, If-Match): sometimes sent, always as printable ASCII. */
function validHeaders(operation: Operation): fc.Arbitrary<Record<string, string>> {
  const parameters = parametersIn(operation, "header");
  const entries = parameters.map((parameter) =>
    fc.option(
      HEADER_VALUE.map((value) => [parameter.name, value] as const),
      { nil: undefined, freq: 2 },
    ),
  );
  return fc.tuple(...entries).map((list) => Object.fromEntries(list.filter((entry) => entry !== undefined)));
}

function validBody(operation: Operation, context: RequestContext): fc.Arbitrary<string | undefined> {
  const schema = jsonMediaSchema(operation);
  if (!schema) return fc.constant(undefined);
  const body = validValue(schema, { uuidsFor: context.uuidsFor }).map((value) => toJsonText(value));
  return operation.requestBody?.required ? body : fc.option(body, { nil: undefined });
}

function assemble(
  operation: Operation,
  context: RequestContext,
  parts: {
    kind: string;
    valid: boolean;
    path?: string;
    query: [string, string][];
    headers: Record<string, string>;
    body?: string | Uint8Array;
    contentType?: string | null;
    mustBeRefused?: boolean;
  },
): FuzzRequest {
  const headers: Record<string, string> = { ...context.credentials, ...parts.headers };
  const contentType = parts.contentType === undefined ? JSON_TYPE : parts.contentType;
  if (parts.body !== undefined && contentType !== null) headers["content-type"] = contentType;
  return {
    kind: parts.kind,
    valid: parts.valid,
    method: operation.method.toUpperCase(),
    url: `${parts.path ?? fillPath(operation.path, context.pathValues)}${queryString(parts.query)}`,
    headers,
    ...(parts.body === undefined ? {} : { body: parts.body }),
    ...(parts.mustBeRefused ? { mustBeRefused: true } : {}),
  };
}

/** Requests every part of which the document accepts. */
export function validRequest(operation: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      query: validQuery(operation, context),
      headers: validHeaders(operation),
      body: validBody(operation, context),
      path: fc.constantFrom(...context.pathChoices),
    })
    .map(({ query, headers, body, path }) =>
      assemble(operation, context, { kind: "valid", valid: true, path, query, headers, body }),
    );
}

const FORGED_SIGNATURES: Record<string, string> = {
  "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
  "x-gitlab-token": "forged",
  "x-hub-signature": "sha1=forged",
  "circleci-signature": `v1=${"0".repeat(64)}`,
  "webhook-id": "msg_forged",
  "webhook-timestamp": "1",
  "webhook-signature": "v1,Zm9yZ2Vk",
  "svix-id": "msg_forged",
  "svix-timestamp": "1",
  "svix-signature": "v1,Zm9yZ2Vk",
};

const BROKEN_AUTHORIZATION = [
  "Bearer",
  "Bearer ",
  "Bearer x.y.z",
  "Bearer eyJhbGciOiJub25lIn0.e30.",
  "Basic YWRtaW46YWRtaW4=",
  `Bearer ${"a".repeat(10_000)}`,
  "bearer\ttoken",
];

const SEGMENT_SLOT = "__fuzz_segment__";

const HOSTILE_HEADER_VALUES = [
  "",
  " ",
  "x".repeat(10_000),
  "\u00e9\u00ff",
  'W/"1"',
  "*",
  '"999999999999"',
  "%00",
];

/**
 * Some of the "malformed" texts are JSON after all, as a server reads them: a leading BOM is
 * dropped by the Fetch standard's UTF-8 decode, and duplicate keys are legal (the last wins).
 */
function readsAsJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ""));
    return true;
  } catch {
    return false;
  }
}

/** Whether the body, as the server will parse it, fails the schema (or is not JSON at all). */
function breaksSchema(schema: JsonSchema, text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return true;
  }
  return validate(schema, parsed).length > 0;
}

/** Requests with one thing broken; which kinds apply depends on what the operation takes. */
export function invalidRequest(operation: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  const base = fc.record({ query: validQuery(operation, context), headers: validHeaders(operation) });
  const valid = fc.record({
    query: validQuery(operation, context),
    headers: validHeaders(operation),
    body: validBody(operation, context),
  });
  const kinds: fc.Arbitrary<FuzzRequest>[] = [];
  const schema = jsonMediaSchema(operation);

  if (schema) {
    kinds.push(
      fc.tuple(base, invalidBody(schema, { uuidsFor: context.uuidsFor })).map(([parts, broken]) =>
        assemble(operation, context, {
          ...parts,
          kind: broken.kind,
          valid: false,
          // Not every mutation breaks the schema (odd Unicode, a value that happens to fit a
          // pattern): the validator decides, so only a body the spec rules out must be refused.
          mustBeRefused: breaksSchema(schema, toJsonText(broken.body)),
          body: toJsonText(broken.body),
        }),
      ),
    );
    if (operation.requestBody?.required) {
      kinds.push(
        fc.tuple(base, fc.constantFrom<string | null>(JSON_TYPE, null)).map(([parts, contentType]) =>
          assemble(operation, context, {
            ...parts,
            kind: "missing body",
            valid: false,
            mustBeRefused: true,
            contentType,
          }),
        ),
      );
    }
  }
  if (hasBody(operation)) {
    kinds.push(
      fc.tuple(base, fc.constantFrom(...MALFORMED_JSON)).map(([parts, body]) =>
        assemble(operation, context, {
          ...parts,
          kind: "malformed JSON",
          valid: false,
          mustBeRefused: schema !== undefined && !readsAsJson(body),
          body,
        }),
      ),
      fc.tuple(base, fc.constantFrom(...MALFORMED_BYTES)).map(([parts, body]) =>
        assemble(operation, context, {
          ...parts,
          kind: "malformed UTF-8",
          valid: false,
          mustBeRefused: schema !== undefined,
          body,
        }),
      ),
      fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([parts, contentType]) =>
        assemble(operation, context, {
          ...parts,
          body: parts.body ?? "{}",
          kind: `Content-Type ${contentType ?? "missing"}`,
          valid: false,
          // An optional body sent as something else is simply not read; JSON under another name
          // (upper case, a charset, a +json suffix, RFC 6838) is still JSON and may be accepted.
          mustBeRefused:
            operation.requestBody?.required === true &&
            !/^application\/(.+\+)?json\s*(;|$)/i.test(contentType ?? ""),
          contentType: contentType ?? null,
        }),
      ),
    );
  }

  const pathNames = pathParameterNames(operation.path);
  if (pathNames.length > 0) {
    const segment = fc.oneof(fc.constantFrom(...HOSTILE_PATH_SEGMENTS), fc.uuid());
    kinds.push(
      fc.tuple(valid, fc.constantFrom(...pathNames), segment).map(([parts, name, value]) => {
        const others = fillPath(operation.path, { ...context.pathValues, [name]: SEGMENT_SLOT });
        return assemble(operation, context, {
          ...parts,
          kind: `path {${name}} = ${value.length > 40 ? `${value.slice(0, 12)}… (${value.length} chars)` : value}`,
          valid: false,
          mustBeRefused: true,
          path: others.replace(SEGMENT_SLOT, value),
        });
      }),
    );
  }

  const queryParameters = parametersIn(operation, "query");
  if (queryParameters.length > 0) {
    const names = queryParameters.map((parameter) => parameter.name);
    kinds.push(
      fc
        .tuple(valid, fc.constantFrom(...names), fc.constantFrom(...HOSTILE_QUERY_VALUES), fc.boolean())
        .map(([parts, name, value, repeated]) => {
          const kept = parts.query.filter(([other]) => other !== name);
          const query: [string, string][] = repeated
            ? [...kept, [name, value], [name, "1"]]
            : [...kept, [name, value]];
          return assemble(operation, context, {
            ...parts,
            query,
            kind: `query ${name}${repeated ? " (repeated)" : ""}`,
            valid: false,
          });
        }),
    );
    if (queryParameters.some((parameter) => parameter.required)) {
      kinds.push(
        valid.map((parts) =>
          assemble(operation, context, {
            ...parts,
            query: [],
            kind: "required query missing",
            valid: false,
            mustBeRefused: true,
          }),
        ),
      );
    }
  }

  // Parameters the operation does not take: ignored or refused, but never a 5xx.
  kinds.push(
    fc
      .tuple(
        valid,
        fc.constantFrom("fuzz_unknown", "__proto__", "limit[]", "%00"),
        fc.constantFrom(...HOSTILE_QUERY_VALUES),
      )
      .map(([parts, name, value]) =>
        assemble(operation, context, {
          ...parts,
          query: [...parts.query, [name, value]],
          kind: "unknown query parameter",
          valid: false,
        }),
      ),
  );

  const headerNames = parametersIn(operation, "header").map((parameter) => parameter.name);
  if (headerNames.length > 0) {
    kinds.push(
      fc
        .tuple(valid, fc.constantFrom(...headerNames), fc.constantFrom(...HOSTILE_HEADER_VALUES))
        .map(([parts, name, value]) =>
          assemble(operation, context, {
            ...parts,
            headers: { ...parts.headers, [name]: value },
            kind: `header ${name}`,
            valid: false,
          }),
        ),
    );
  }

  if (operation.schemes.length > 0) {
    kinds.push(
      fc.tuple(valid, fc.constantFrom(...BROKEN_AUTHORIZATION)).map(([parts, authorization]) => {
        const request = assemble(operation, context, {
          ...parts,
          kind: "broken Authorization",
          valid: false,
          mustBeRefused: true,
        });
        request.headers.authorization = authorization;
        return request;
      }),
    );
  } else {
    kinds.push(
      valid.map((parts) =>
        assemble(operation, context, {
          ...parts,
          headers: { ...parts.headers, ...FORGED_SIGNATURES },
          kind: "forged signature headers",
          valid: false,
          // Public pages take no signature; the receivers, which document 401, must refuse a forged one.
          mustBeRefused: "401" in operation.responses,
        }),
      ),
    );
  }
  return fc.oneof(...kinds);
}

/** A JSON document of exactly `bytes` bytes. */
export function paddedJson(bytes: number): string {
  const frame = '{"padding":""}';
  return `{"padding":"${"x".repeat(bytes - frame.length)}"}`;
}

/** Bodies one byte over the 1 MiB limit, with and without Content-Length: the documented 413. */
export function oversizedRequests(operation: Operation, context: RequestContext): FuzzRequest[] {
  if (!hasBody(operation)) return [];
  const body = paddedJson(MAX_BODY_BYTES + 1);
  return [false, true].map((streamed) => ({
    ...assemble(operation, context, { kind: "", valid: false, query: [], headers: {}, body }),
    kind: `body over 1 MiB${streamed ? " (streamed, no Content-Length)" : ""}`,
    streamed,
    expect: [413],
  }));
}
