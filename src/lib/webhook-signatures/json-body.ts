/**
 * Parses a verified body as JSON. `fatal: true` rejects invalid UTF-8 instead of silently
 * substituting U+FFFD, so what we parse is exactly what was signed. Returns undefined on failure.
 */
export function parseJsonBody(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(rawBody));
  } catch {
    return undefined;
  }
}

/** A top-level string property of a parsed JSON object, or null. */
export function topLevelString(body: unknown, key: string): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const value: unknown = (body as Record<string, unknown>)[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
