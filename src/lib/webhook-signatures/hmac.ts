import { utf8Bytes } from "./encoding";

/** HMAC-SHA256 digests are 32 bytes; anything else cannot be a valid signature. */
export const SHA256_DIGEST_BYTES = 32;

/** Copies into a fresh ArrayBuffer-backed array, the shape WebCrypto's typings accept. */
function toBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

export function importHmacSha256Key(keyBytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", toBufferSource(keyBytes), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** Key for schemes whose secret is used as-is (GitHub, Bitbucket, CircleCI): its UTF-8 bytes. */
export function importTextHmacKey(secret: string): Promise<CryptoKey> {
  return importHmacSha256Key(utf8Bytes(secret));
}

/**
 * `crypto.subtle.verify` for HMAC recomputes the MAC and compares it in constant time inside
 * the runtime, so no early-exit string comparison leaks how many leading bytes matched.
 */
export async function hmacSha256Matches(
  key: CryptoKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== SHA256_DIGEST_BYTES) return false;
  return crypto.subtle.verify("HMAC", key, toBufferSource(signature), toBufferSource(data));
}

/**
 * Constant-time equality for two byte arrays of equal length: XOR-accumulates every byte
 * instead of returning at the first difference. Unequal lengths return false straight away,
 * so callers compare fixed-length digests to avoid leaking a length.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/**
 * Compares two secrets of arbitrary length without leaking length or content through timing:
 * both are hashed to 32-byte SHA-256 digests first, then compared with `constantTimeEqual`.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [presentedDigest, expectedDigest] = await Promise.all([
    crypto.subtle.digest("SHA-256", toBufferSource(utf8Bytes(presented))),
    crypto.subtle.digest("SHA-256", toBufferSource(utf8Bytes(expected))),
  ]);
  return constantTimeEqual(new Uint8Array(presentedDigest), new Uint8Array(expectedDigest));
}

/**
 * Tries every candidate signature against every secret and reports the first secret that
 * matched (an index into `keys`; null entries are secrets that could not be used). All combinations are checked (no early return) so the response time does not reveal
 * which secret or which signature entry was right.
 */
export async function findMatchingSecret(
  keys: readonly (CryptoKey | null)[],
  data: Uint8Array,
  signatures: readonly Uint8Array[],
): Promise<number | null> {
  let matched: number | null = null;
  for (const [index, key] of keys.entries()) {
    if (key === null) continue;
    for (const signature of signatures) {
      const ok = await hmacSha256Matches(key, data, signature);
      if (ok && matched === null) matched = index;
    }
  }
  return matched;
}
