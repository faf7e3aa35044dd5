/** A header value with surrounding whitespace removed; empty counts as absent. */
export function headerValue(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.trim();
  return value ? value : null;
}
