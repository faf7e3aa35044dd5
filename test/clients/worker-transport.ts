import { exports } from "cloudflare:workers";

export const BASE_URL = "http://api.test";

/** The real Worker as the client's transport (its default export's fetch, inside workerd). */
export const workerFetch = (request: Request): Promise<Response> => exports.default.fetch(request);

/** The same transport, keeping every request it carried (method, path, Idempotency-Key) for assertions. */
export function recordingTransport(inner: (request: Request) => Promise<Response> = workerFetch): {
  fetch: (request: Request) => Promise<Response>;
  sent: { method: string; path: string; key: string | null }[];
} {
  const sent: { method: string; path: string; key: string | null }[] = [];
  return {
    sent,
    fetch: (request) => {
      sent.push({
        method: request.method,
        path: new URL(request.url).pathname + new URL(request.url).search,
        key: request.headers.get("Idempotency-Key"),
      });
      return inner(request);
    },
  };
}
