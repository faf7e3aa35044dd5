import { base64ToBytes, concatBytes, utf8Bytes } from "./encoding";
import { headerValue } from "./headers";
import { findMatchingSecret, importHmacSha256Key, SHA256_DIGEST_BYTES } from "./hmac";
import { type DeliveryToVerify, reject, type VerificationFailureReason } from "./types";

/** Standard Webhooks allows ±5 minutes between the signed timestamp and our clock. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export const STANDARD_WEBHOOKS_SECRET_PREFIX = "whsec_";

/**
 * Header prefix: `webhook-` per the spec (GitLab signing tokens, our standard provider);
 * `svix-` for senders on Svix such as Resend, which sign identically.
 */
export type StandardWebhooksHeaderPrefix = "webhook-" | "svix-";

export type StandardWebhooksResult =
  | { ok: true; messageId: string; timestamp: number; matchedSecretIndex: number }
  | { ok: false; reason: VerificationFailureReason };

/**
 * The HMAC key is the base64 decoding of the secret after `whsec_`. As in the reference
 * libraries, a secret without the prefix is decoded whole. Returns null for a secret that is
 * not valid base64, so one bad stored secret cannot make the other unusable during rotation.
 */
export function standardWebhooksKeyBytes(secret: string): Uint8Array | null {
  const encoded = secret.startsWith(STANDARD_WEBHOOKS_SECRET_PREFIX)
    ? secret.slice(STANDARD_WEBHOOKS_SECRET_PREFIX.length)
    : secret;
  const key = base64ToBytes(encoded);
  return key !== null && key.length > 0 ? key : null;
}

/**
 * `webhook-signature` is a space-separated list of `<version>,<base64>` entries so a sender can
 * sign with several secrets at once. Only `v1` (HMAC-SHA256) is implemented; `v1a` (Ed25519)
 * and unknown versions are skipped rather than treated as failures.
 */
function parseSignatureList(header: string): { v1: Uint8Array[]; malformed: boolean } {
  const v1: Uint8Array[] = [];
  let malformed = false;
  for (const entry of header.split(" ")) {
    if (entry === "") continue;
    const comma = entry.indexOf(",");
    if (comma <= 0) {
      malformed = true;
      continue;
    }
    if (entry.slice(0, comma) !== "v1") continue;
    const signature = base64ToBytes(entry.slice(comma + 1));
    if (signature === null || signature.length !== SHA256_DIGEST_BYTES) {
      malformed = true;
      continue;
    }
    v1.push(signature);
  }
  return { v1, malformed };
}

const TIMESTAMP_PATTERN = /^\d{1,15}$/;

/**
 * Verifies the Standard Webhooks scheme: HMAC-SHA256 over `${id}.${timestamp}.${body}`. The body
 * is appended as raw bytes (never decoded and re-encoded) so what we verify is exactly what
 * arrived. The timestamp is checked first: a replay is rejected without any HMAC work.
 */
export async function verifyStandardWebhooksSignature(
  delivery: DeliveryToVerify,
  prefix: StandardWebhooksHeaderPrefix = "webhook-",
): Promise<StandardWebhooksResult> {
  const signatureHeader = headerValue(delivery.headers, `${prefix}signature`);
  if (signatureHeader === null) return reject("missing_signature");
  const messageId = headerValue(delivery.headers, `${prefix}id`);
  if (messageId === null) return reject("missing_delivery_id");
  const timestampHeader = headerValue(delivery.headers, `${prefix}timestamp`);
  if (timestampHeader === null) return reject("missing_timestamp");
  if (!TIMESTAMP_PATTERN.test(timestampHeader)) return reject("invalid_timestamp");
  const timestamp = Number(timestampHeader);
  if (Math.abs(delivery.nowSeconds - timestamp) > TIMESTAMP_TOLERANCE_SECONDS)
    return reject("stale_timestamp");

  const { v1, malformed } = parseSignatureList(signatureHeader);
  if (v1.length === 0) return reject(malformed ? "malformed_signature" : "unsupported_signature_version");

  const keyBytes = delivery.secrets.map(standardWebhooksKeyBytes);
  if (keyBytes.every((key) => key === null)) return reject("no_secret_configured");
  const keys = await Promise.all(keyBytes.map((key) => (key === null ? null : importHmacSha256Key(key))));

  const signedBytes = concatBytes(utf8Bytes(`${messageId}.${timestampHeader}.`), delivery.rawBody);
  const matched = await findMatchingSecret(keys, signedBytes, v1);
  if (matched === null) return reject("bad_signature");
  return { ok: true, messageId, timestamp, matchedSecretIndex: matched };
}
