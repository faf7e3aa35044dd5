/**
 * Turns a JavaScript parameter into the text Postgres receives, as node-postgres does for its own
 * queries (`prepareValue`), which the Neon driver bundles but does not export. Pipelined statements
 * are written to the connection by us, so they need the same conversion; a test compares the two
 * drivers' answers for every kind of value drizzle sends.
 */
export function toPostgresText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // Bytes travel as bytea's text form: the driver's serializer only passes its own Buffer class through.
  if (ArrayBuffer.isView(value))
    return `\\x${hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))}`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** `{…}` array syntax: every element quoted, backslashes and quotes escaped, nulls as NULL. */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((element) => {
    if (element === null || element === undefined) return "NULL";
    if (Array.isArray(element)) return arrayLiteral(element);
    const text = toPostgresText(element) ?? "";
    return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  });
  return `{${elements.join(",")}}`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
