import type { AppContext } from "./context";

/**
 * Answers 201 with the new resource and its URL in `Location` (RFC 9110 §15.3.2). The URL is a
 * path on this API, built from the id in the body, so an idempotent replay gets the same header.
 */
export function respondCreated<B extends object>(c: AppContext, location: string, body: B) {
  c.header("Location", location);
  return c.json(body, 201);
}
