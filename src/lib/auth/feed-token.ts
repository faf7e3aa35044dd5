import { randomToken } from "../crypto";
import { unauthorized } from "./tokens";

// Calendar feed tokens (`?token=` on GET /v1/calendar.ics) are random strings
// looked up by their hash in the handler. This is the part that needs no
// database: what one looks like.

const FEED_TOKEN_PREFIX = "rpcal_";
const FEED_TOKEN_BYTES = 32;
/** The prefix and base64url text; bounded well under the query's 200 characters. */
const FEED_TOKEN_SHAPE = /^rpcal_[A-Za-z0-9_-]{16,150}$/;

export function newFeedToken(): string {
  return `${FEED_TOKEN_PREFIX}${randomToken(FEED_TOKEN_BYTES)}`;
}

/**
 * Refuses, before validation, a `?token=` that cannot be a feed token (an API
 * token pasted into the URL, a truncated or oversized value), so it gets the
 * same 401 as an unknown one rather than a validation error about its length.
 */
export function assertFeedTokenShape(token: string): void {
  if (!FEED_TOKEN_SHAPE.test(token)) {
    throw unauthorized("The calendar feed token is unknown or has been revoked.");
  }
}
