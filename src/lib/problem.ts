import { redactCapabilityTokens } from "./redact";
// Every error leaves the API as application/problem+json (RFC 9457). One
// class carries a code; the code fixes the HTTP status and the `type` URI,
// which points at the problem's entry in /docs.
export const PROBLEM_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gates_unmet: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  unprocessable: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  misconfigured: 500,
  database_unavailable: 503,
  coordinator_unavailable: 503,
  email_provider_unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export const PROBLEM_TITLES: Record<ProblemCode, string> = {
  bad_request: "Bad request",
  validation_failed: "The request did not validate",
  malformed_json: "The body is not valid JSON",
  unauthorized: "Authentication required",
  forbidden: "Not allowed",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  gates_unmet: "Gates not met",
  precondition_failed: "The resource changed",
  payload_too_large: "Request body too large",
  unsupported_media_type: "Unsupported media type",
  idempotency_key_reused: "Idempotency-Key reused with a different request",
  unprocessable: "The request cannot be applied",
  precondition_required: "If-Match required",
  rate_limited: "Too many requests",
  internal: "Internal error",
  misconfigured: "Service misconfigured",
  database_unavailable: "Database unavailable",
  coordinator_unavailable: "Release coordinator unavailable",
  email_provider_unavailable: "Email provider unavailable",
};

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemExtras {
  errors?: FieldError[];
  unmet_gates?: unknown[];
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extras: ProblemExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = PROBLEM_STATUS[code];
  }
}

export interface ProblemBody extends ProblemExtras {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  code: ProblemCode;
}

export function problemBody(error: ApiError, instance: string, requestId: string): ProblemBody {
  return {
    type: `/docs#problem-${error.code}`,
    title: PROBLEM_TITLES[error.code],
    status: error.status,
    detail: error.detail,
    // Problems get logged and pasted into tickets: a capability link's token never rides along.
    instance: redactCapabilityTokens(instance),
    request_id: requestId,
    code: error.code,
    ...error.extras,
  };
}

export const notFound = (what: string) => new ApiError("not_found", `${what} was not found.`);
