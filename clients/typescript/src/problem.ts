import type { components } from "./generated/openapi.ts";

/** An RFC 9457 problem as the API sends it (`application/problem+json`). */
export type Problem = components["schemas"]["Problem"];

/** A refused request: the HTTP status, the API's stable `code`, and the whole problem to act on. */
export class ReleasePilotProblem extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem | undefined;

  constructor(status: number, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(
      problem
        ? `${problem.title}: ${problem.detail}`
        : `HTTP ${status}${typeof body === "string" && body ? `: ${body.slice(0, 200)}` : ""}`,
    );
    this.name = "ReleasePilotProblem";
    this.status = status;
    this.code = problem?.code;
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).title === "string" &&
    typeof (body as Problem).status === "number"
  );
}

interface Outcome<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/**
 * The data of a successful call, or a thrown {@link ReleasePilotProblem}:
 * `const release = await ok(client.GET("/v1/releases/{id}", { params: { path: { id } } }))`.
 */
export async function ok<D, E>(pending: Promise<Outcome<D, E>>): Promise<D> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ReleasePilotProblem(response.status, error);
  return data as D;
}
