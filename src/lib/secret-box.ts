/**
 * Small secrets at rest (CI webhook secrets), sealed with AES-256-GCM under DATA_ENCRYPTION_KEY.
 *
 * Sealed form: `v1.<base64url 12-byte IV>.<base64url ciphertext+tag>`. The version prefix leaves
 * room for a key rotation later (`v2` under a new key) without guessing which key sealed a value.
 * A `context` string (for example `integration:<id>:current`) is bound in as additional
 * authenticated data, so a ciphertext copied into another row, or into the other slot of the same
 * row, does not open: a database writer cannot swap one integration's secret for another's.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const KEY_BYTES = 32;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

// Imported keys are not I/O objects, so caching them per isolate is allowed and saves an import
// per request. Keyed by the base64 text; a changed secret simply gets its own entry.
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(keyBase64: string): Promise<CryptoKey> {
  let key = keyCache.get(keyBase64);
  if (!key) {
    let raw: Uint8Array<ArrayBuffer>;
    try {
      raw = Uint8Array.from(atob(keyBase64), (char) => char.charCodeAt(0));
    } catch {
      return Promise.reject(new SecretBoxError("The encryption key is not base64."));
    }
    if (raw.length !== KEY_BYTES) {
      return Promise.reject(new SecretBoxError("The encryption key must be 32 bytes."));
    }
    key = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    keyCache.set(keyBase64, key);
  }
  return key;
}

/** Encrypts `plaintext` for storage; a fresh random IV every time, so equal secrets differ. */
export async function sealSecret(keyBase64: string, plaintext: string, context: string): Promise<string> {
  const key = await importKey(keyBase64);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
}

/**
 * Decrypts a value from `sealSecret` under the same key and context. Throws SecretBoxError when
 * the value is malformed, was sealed under another key or context, or was altered: the message
 * never includes the value.
 */
export async function openSecret(keyBase64: string, sealed: string, context: string): Promise<string> {
  const [version, ivText, ciphertextText, ...rest] = sealed.split(".");
  if (version !== VERSION || ivText === undefined || ciphertextText === undefined || rest.length > 0) {
    throw new SecretBoxError("The sealed secret has an unknown format.");
  }
  const iv = fromBase64Url(ivText);
  const ciphertext = fromBase64Url(ciphertextText);
  if (iv === null || iv.length !== IV_BYTES || ciphertext === null || ciphertext.length < 16) {
    throw new SecretBoxError("The sealed secret has an unknown format.");
  }
  const key = await importKey(keyBase64);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key,
      ciphertext,
    );
  } catch {
    throw new SecretBoxError("The sealed secret does not open under this key and context.");
  }
  return decoder.decode(plaintext);
}
