import type { FuzzRequest } from "./requests";
import type { BrokenPromise, ObservedResponse } from "./response-check";

// What the sweep prints: each failure with enough of the request and the
// response to see the bug without replaying it, and the command that
// replays it; and the one-line tally. Credentials are never printed.

export interface FuzzFailure {
  operation: string;
  request: FuzzRequest;
  response: ObservedResponse;
  broken: BrokenPromise[];
  replay: string;
}

const excerpt = (text: string, limit = 300) =>
  text.length > limit
    ? `${JSON.stringify(text.slice(0, limit))}… (${text.length} chars)`
    : JSON.stringify(text);

const bodyText = (body: FuzzRequest["body"]) =>
  body === undefined ? "(none)" : typeof body === "string" ? excerpt(body) : `${body.length} raw bytes`;

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) =>
      name.toLowerCase() === "authorization"
        ? `${name}: ${value.split(" ")[0]} …`
        : `${name}: ${excerpt(value, 80)}`,
    )
    .join(", ");
}

export function formatFailure(failure: FuzzFailure): string {
  const { request, response } = failure;
  return [
    `${failure.broken.length > 0 ? "✗" : "✓"} ${failure.operation} — ${request.kind}`,
    ...failure.broken.map((broken) => `    ${broken.check}: ${broken.detail}`),
    `    request: ${request.method} ${excerpt(request.url, 200)}${request.streamed ? " (streamed)" : ""}`,
    `    headers: ${headerLines(request.headers)}`,
    `    body: ${bodyText(request.body)}`,
    `    response: ${response.status} ${response.headers.get("content-type") ?? "(no Content-Type)"} ${excerpt(response.text)}`,
    `    replay: ${failure.replay}`,
  ].join("\n");
}

type StatusCounts = Map<number, number>;

export class Tally {
  requests = 0;
  valid = 0;
  invalid = 0;
  readonly failures: FuzzFailure[] = [];
  readonly operations = new Set<string>();
  /** Per operation, valid and invalid requests apart: status → count, to see valid requests get past validation. */
  readonly statuses = new Map<string, { valid: StatusCounts; invalid: StatusCounts }>();

  record(operation: string, request: FuzzRequest, status: number): void {
    this.requests++;
    if (request.valid) this.valid++;
    else this.invalid++;
    const entry = this.statuses.get(operation) ?? { valid: new Map(), invalid: new Map() };
    const counts = request.valid ? entry.valid : entry.invalid;
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.statuses.set(operation, entry);
  }

  summary(total: number, seed: number): string {
    return `fuzz: operations ${this.operations.size}/${total}, requests ${this.requests} (valid ${this.valid}, invalid ${this.invalid}), failures ${this.failures.length}, seed ${seed}`;
  }

  /** One line per operation: how its valid and its invalid requests were answered. */
  statusTable(): string {
    const counts = (map: StatusCounts) =>
      [...map.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(" ");
    return [...this.statuses.entries()]
      .map(
        ([operation, { valid, invalid }]) =>
          `  ${operation.padEnd(64)} valid ${counts(valid)} | invalid ${counts(invalid)}`,
      )
      .join("\n");
  }
}
