import { z } from "@hono/zod-openapi";
import { OPENAPI_DOCS } from "./openapi-docs";
import { ProblemSchema } from "./problem-schema";

export { ProblemSchema };

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

const ERROR_RESPONSES = {
  400: problem("The request is malformed or did not validate; `errors[]` says which fields to fix."),
  401: problem("No credentials, or credentials that are invalid, expired or revoked."),
  403: problem("Authenticated, but your role may not do this."),
  404: problem("No such resource in your agency."),
  409: problem("The request conflicts with the resource's current state."),
  412: problem("If-Match did not match the current ETag."),
  413: problem("The body is larger than 1 MiB."),
  415: problem("The body must be application/json."),
  422: problem("The Idempotency-Key was used for a different request."),
  428: problem("This update needs an If-Match header."),
  429: {
    ...problem(
      "Too many requests: the limit for your API token (1,200 a minute), your address (30 refused credentials, 120 public page or feed requests, 30 admin requests a minute) or this webhook receiver (600 deliveries a minute per sending address) is spent. Nothing was done; retry after `Retry-After` seconds.",
    ),
    headers: {
      "Retry-After": {
        description: "Seconds until the limit's current minute ends.",
        schema: { type: "integer", minimum: 1, maximum: 60 },
      },
    },
  },
  500: problem("An unexpected error; the response carries a request id to report."),
  503: {
    ...problem(
      "The database or the release's coordinator is briefly unavailable; retry after `Retry-After` seconds (with the same Idempotency-Key).",
    ),
    headers: {
      "Retry-After": {
        description: "Seconds to wait before retrying.",
        schema: { type: "integer", minimum: 1 },
      },
    },
  },
} as const;

type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** The error responses a route can give, spread into its `responses`. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  const picked = {} as { [K in S | 429 | 500 | 503]: (typeof ERROR_RESPONSES)[K] };
  // Every route errorResponses serves is rate limited (src/app/rate-limits.ts), so 429 is always possible.
  for (const status of [...statuses, 429, 500, 503] as (S | 429 | 500 | 503)[]) {
    (picked as Record<number, unknown>)[status] = ERROR_RESPONSES[status];
  }
  return picked;
}

/** Errors every authenticated tenant route can give. */
export const TENANT_READ_ERRORS = [400, 401, 403, 404] as const;
export const TENANT_WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422] as const;

/**
 * A member's API token. Every route with it also declares `"x-roles"`: the roles that may call it
 * at all, from the same constant its handler (or the release command) checks, so the hardening
 * sweeps can read who gets 403 from the document (test/platform/openapi-roles.test.ts).
 */
export const bearerSecurity = [{ bearerAuth: [] }];

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A 201 whose resource has its own URL: the body, and that URL in `Location`. */
export const createdContent = <T extends z.ZodType>(schema: T, description: string, location: string) => ({
  ...jsonContent(schema, description),
  headers: {
    Location: {
      description: `The new resource's URL (${location}).`,
      schema: { type: "string" as const, format: "uri-reference" },
    },
  },
});

/**
 * The `Idempotency-Key` request header, one parameter component that every operation whose
 * handler honours it refers to (createApp registers it before any route, so each use becomes a
 * `$ref`). The key stays lowercase: Hono hands header validators lowercase names.
 */
export const IdempotencyKeyParam = z
  .string()
  .optional()
  .openapi("IdempotencyKey", {
    param: { name: "idempotency-key", in: "header" },
    // Documented here; request-scope.ts checks it with a message that says what to fix.
    minLength: 1,
    maxLength: 255,
    pattern: "^[!-~]+$",
    example: "6f1c2b8e-harbour-bikes-release-2.4.0",
    ...(OPENAPI_DOCS && {
      description:
        "1–255 visible ASCII characters. Retrying with the same key returns the first response instead of acting twice; the key is bound to the caller (another member's use of it is 422). A response carrying a credential shown once is not kept: its retry is 409 with `applied`.",
    }),
  });

/**
 * The release's row version as an ETag (`"7"`). Every response about one release that has just
 * been read or changed sends it (release commands go through command-route.ts, which always sets
 * it); If-Match takes it back.
 */
export const RELEASE_ETAG_HEADER = {
  ETag: {
    description: "The release's version after this request; send it back as If-Match to edit the release.",
    schema: { type: "string" as const, example: '"7"' },
  },
};

/** A response that carries the release's ETag. */
export const withReleaseEtag = <R extends { description: string; headers?: Record<string, unknown> }>(
  response: R,
) => ({ ...response, headers: { ...response.headers, ...RELEASE_ETAG_HEADER } });

export const IdempotencyKeyHeader = z.object({ "idempotency-key": IdempotencyKeyParam });

/** The response header a replayed Idempotency-Key answer carries (components.headers). */
export const IDEMPOTENT_REPLAYED_HEADER = {
  description:
    "`true` when this is the stored first answer to an earlier request with the same Idempotency-Key; absent when the request was acted on now.",
  schema: { type: "string" as const, enum: ["true"] },
};

const idempotentReplayedRef = { $ref: "#/components/headers/IdempotentReplayed" };

/** A success response of an operation that honours Idempotency-Key: it may be a replay, and says so. */
export const mayBeReplayed = <R extends { description: string; headers?: Record<string, unknown> }>(
  response: R,
) => ({
  ...response,
  headers: { ...response.headers, "Idempotent-Replayed": idempotentReplayedRef },
});

export const UuidParam = (name: string, description: string) =>
  z.uuid({ message: `${name} must be a UUID` }).openapi({ param: { name, in: "path" }, description });

export const PaginationQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi("PageLimit", {
      param: { name: "limit", in: "query" },
      ...(OPENAPI_DOCS && { description: "Page size, 1–200 (default 50)." }),
    }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi("PageCursor", {
      param: { name: "cursor", in: "query" },
      ...(OPENAPI_DOCS && { description: "`next_cursor` from the previous page." }),
    }),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({
          ...(OPENAPI_DOCS && { description: "Pass as `cursor` for the next page; null at the end." }),
        }),
    })
    .openapi(name);

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-26T11:00:00.000Z" });
