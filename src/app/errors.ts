import { HTTPException } from "hono/http-exception";
import { ConfigurationError } from "../env";
import { ApiError, type FieldError } from "../lib/problem";

// Unique constraints named in the schema, turned into what the caller should change.
const UNIQUE_VIOLATIONS: Record<string, { field: string; message: string }> = {
  tenants_slug_key: {
    field: "slug",
    message: "An agency with this slug already exists; choose another slug.",
  },
  members_tenant_email_key: {
    field: "email",
    message: "A member with this email already exists in your agency.",
  },
  clients_tenant_name_key: {
    field: "name",
    message: "A client with this name already exists in your agency.",
  },
  projects_tenant_slug_key: {
    field: "slug",
    message: "A project with this slug already exists in your agency.",
  },
};

interface PostgresError {
  code?: string;
  constraint?: string;
}

function postgresErrorOf(error: unknown): PostgresError | undefined {
  const candidate = (error as { cause?: unknown })?.cause ?? error;
  const code = (candidate as PostgresError | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? (candidate as PostgresError) : undefined;
}

/** Maps anything thrown while serving a request to an ApiError; unknown errors become 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A check on a statement sent ahead (a stale release version, a revoked token) rejects the query
  // sent with it, which drizzle wraps; the check's own problem is the answer.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof ApiError) return cause;
  if (error instanceof ConfigurationError) {
    return new ApiError("misconfigured", `The service is not configured: ${error.problems.join("; ")}.`);
  }
  if (error instanceof HTTPException) {
    if (error.status === 413)
      return new ApiError("payload_too_large", "The request body is over 1 MiB; send less.");
    if (error.status === 400 && /JSON/i.test(error.message)) {
      return new ApiError("malformed_json", "The request body is not valid JSON; check quoting and commas.");
    }
    return new ApiError(error.status === 401 ? "unauthorized" : "bad_request", error.message);
  }
  const pg = postgresErrorOf(error);
  if (pg?.code === "23505") {
    const known = pg.constraint ? UNIQUE_VIOLATIONS[pg.constraint] : undefined;
    return new ApiError(
      "conflict",
      known?.message ?? "A resource with the same unique values already exists.",
      {
        ...(known ? { errors: [{ path: known.field, message: "already taken" }] } : {}),
      },
    );
  }
  if (pg?.code === "23503") {
    return new ApiError(
      "conflict",
      "This resource is still referenced by others, or refers to one that does not exist.",
    );
  }
  // Postgres text cannot hold U+0000 (22021; 22P05 when it arrives as a jsonb \u0000 escape):
  // the caller sent it, so it is their request to fix, not our failure.
  if (pg?.code === "22021" || pg?.code === "22P05") {
    return new ApiError("bad_request", "Text must not contain the NUL character (U+0000); remove it.");
  }
  if (pg?.code === "22P02" || pg?.code === "22007" || pg?.code === "22008") {
    return new ApiError("bad_request", "A value in the request has the wrong format.");
  }
  return new ApiError(
    "internal",
    "Something went wrong on our side. Report the request_id if it keeps happening.",
  );
}

/** What a log line says about an unexpected error: enough to find the cause, no personal data. */
export interface ErrorDescription {
  name: string;
  message: string;
  /** The first frames of the stack where it was thrown. */
  where: string;
  sqlstate?: string;
}

/** Splits text into words and the separators between them (kept, so the text can be rejoined). */
const SEPARATORS = /([\s"'<>()]+)/;
const QUOTED = /"[^"]*"|'[^']*'/g;

/** Masks every word with an @ in it: an email address, or something close enough to hide. */
function maskEmails(text: string): string {
  return text
    .split(SEPARATORS)
    .map((part) => (part.includes("@") ? "[email]" : part))
    .join("");
}
const MAX_MESSAGE = 300;

/**
 * Describes an error for the log. Messages are our own code's or the platform's, but two kinds
 * could carry personal data: an email address anywhere, and Postgres data exceptions (SQLSTATE
 * class 22), which quote the offending value; both are masked. The detail of Postgres errors
 * (`Key (email)=(…)`) is never read.
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof RemoteFailure) return error.description;
  const pg = postgresErrorOf(error);
  const name = error instanceof Error ? error.name : typeof error;
  let message = error instanceof Error ? error.message : "";
  if (pg?.code?.startsWith("22")) message = message.replace(QUOTED, '"[value]"');
  message = maskEmails(message).slice(0, MAX_MESSAGE);
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  // The stack's first line repeats the message; the frames follow.
  const where = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .map((line) => line.trim())
    .join(" | ");
  const frames = maskEmails(where);
  return { name, message, where: frames, ...(pg?.code ? { sqlstate: pg.code } : {}) };
}

/**
 * An unexpected error raised somewhere else (inside a release's Durable Object) and carried back
 * as its description, so the caller's one log line names the original error and where it was thrown.
 */
export class RemoteFailure extends Error {
  constructor(readonly description: ErrorDescription) {
    super(description.message);
    this.name = description.name;
  }
}

/** The fields of a log line that describe an error. */
export function errorFields({ name, message, where, sqlstate }: ErrorDescription) {
  return { error: name, message, sqlstate, where };
}

/** One log line per unexpected error: its name, message and where it was thrown (see describeError). */
export function logUnexpected(error: unknown, requestId: string): void {
  console.error(
    JSON.stringify({ level: "error", request_id: requestId, ...errorFields(describeError(error)) }),
  );
}

export function zodIssuesToFieldErrors(
  target: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldError[] {
  return issues.map((issue) => ({
    path: [target, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}
