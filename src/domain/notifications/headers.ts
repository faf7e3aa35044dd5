/**
 * Values that go into email headers. A header ends at a line break, so a name that carries one
 * (stored before names were checked, or from any future path that forgets) could add headers of
 * its own; a quoted display name ending in a backslash would escape its closing quote. Names are
 * refused with control characters at the schema; this is the second line, at the point of use.
 */

/** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. */
function isControlOrBreak(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** One header line: every control character or line break becomes a space, runs of spaces one, trimmed. */
export function headerText(value: string): string {
  let text = "";
  let pendingSpace = false;
  for (const char of value) {
    if (char === " " || isControlOrBreak(char.codePointAt(0) ?? 0)) {
      pendingSpace = text !== "";
      continue;
    }
    if (pendingSpace) text += " ";
    pendingSpace = false;
    text += char;
  }
  return text;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Bytes per encoded word: 45 bytes are 60 base64 characters, inside RFC 2047's 75 per word. */
const ENCODED_WORD_BYTES = 45;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** RFC 2047 encoded words for a non-ASCII display name, split on character boundaries. */
function encodedWords(text: string): string {
  const encoder = new TextEncoder();
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    if (encoder.encode(chunk + char).length > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk !== "") words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${base64(encoder.encode(word))}?=`).join(" ");
}

/**
 * `"Display Name" <address>` (RFC 5322 §3.4): ASCII names as a quoted string with `\` and `"`
 * escaped, other names as RFC 2047 encoded words; no name, the bare address.
 */
export function formatMailbox(displayName: string, address: string): string {
  const name = headerText(displayName).trim();
  if (name === "") return address;
  if (PRINTABLE_ASCII.test(name)) return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
  return `${encodedWords(name)} <${address}>`;
}
