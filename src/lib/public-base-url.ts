import { trimTrailing } from "./strings";

/** Where `npm start` serves; the origin of links when PUBLIC_BASE_URL is not set. */
export const DEFAULT_PUBLIC_BASE_URL = "http://localhost:8787";

/**
 * The origin of every link the API hands out (emails, public pages, feed and receiver URLs):
 * PUBLIC_BASE_URL only, never a request's Host header, which a caller controls. Required in
 * production; `npm start` sets it to the local server.
 */
export function publicBaseUrl(config: { PUBLIC_BASE_URL?: string | undefined }): string {
  return trimTrailing(config.PUBLIC_BASE_URL ?? DEFAULT_PUBLIC_BASE_URL, "/");
}
