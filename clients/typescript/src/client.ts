import createClient, { type Client, type Middleware } from "openapi-fetch";
import { idempotentPosts } from "./generated/idempotent-posts.ts";
import type { paths } from "./generated/openapi.ts";
import { type RetryOptions, retrying } from "./retry.ts";

export interface ReleasePilotClientOptions {
  /** Where the API is, e.g. `https://api.release-pilot.example` (RELEASE_PILOT_URL for the CLI). */
  baseUrl: string;
  /** An API token (`POST /v1/tokens`); omitted for the public operations. */
  token?: string;
  /** The transport; defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  retry?: Partial<RetryOptions>;
}

export type ReleasePilotClient = Client<paths>;

/**
 * A typed client for every operation of the API (types generated from openapi/openapi.json):
 * `client.POST("/v1/releases", { body })` checks the path, parameters and body at compile time.
 * Creating POSTs get an Idempotency-Key (kept across retries); 429 and 503 are retried as Retry-After says.
 */
export function createReleasePilotClient(options: ReleasePilotClientOptions): ReleasePilotClient {
  const transport = options.fetch ?? ((request: Request) => fetch(request));
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    fetch: retrying(transport, options.retry),
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  });
  client.use(idempotencyKeys);
  return client;
}

/** One key per call, added before the retrying transport, so every resend of the call carries it. */
const idempotencyKeys: Middleware = {
  onRequest({ request, schemaPath }) {
    if (
      request.method !== "POST" ||
      !idempotentPosts.has(schemaPath) ||
      request.headers.has("Idempotency-Key")
    )
      return undefined;
    const headers = new Headers(request.headers);
    headers.set("Idempotency-Key", crypto.randomUUID());
    return new Request(request, { headers });
  },
};
