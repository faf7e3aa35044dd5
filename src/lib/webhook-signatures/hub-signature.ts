import { hexToBytes } from "./encoding";
import { headerValue } from "./headers";
import { findMatchingSecret, importTextHmacKey, SHA256_DIGEST_BYTES } from "./hmac";
import { type DeliveryToVerify, reject, type VerificationResult } from "./types";

/** Header names for the "sha256=<hex HMAC of the body>" scheme GitHub introduced and Bitbucket copied. */
export interface HubSignatureHeaders {
  signature: string;
  deliveryId: string;
  eventType: string;
}

const PREFIX = "sha256=";

/**
 * `sha256=<hex>` over the raw body, keyed with the secret's UTF-8 bytes. There is no signed
 * timestamp, so replay protection rests on deduplicating the delivery id.
 */
export async function verifyHubSignatureSha256(
  delivery: DeliveryToVerify,
  names: HubSignatureHeaders,
): Promise<VerificationResult> {
  const header = headerValue(delivery.headers, names.signature);
  if (header === null) return reject("missing_signature");
  if (!header.toLowerCase().startsWith(PREFIX)) return reject("malformed_signature");
  const signature = hexToBytes(header.slice(PREFIX.length));
  if (signature === null || signature.length !== SHA256_DIGEST_BYTES) return reject("malformed_signature");
  if (delivery.secrets.length === 0) return reject("no_secret_configured");

  const keys = await Promise.all(delivery.secrets.map(importTextHmacKey));
  const matched = await findMatchingSecret(keys, delivery.rawBody, [signature]);
  if (matched === null) return reject("bad_signature");

  const deliveryId = headerValue(delivery.headers, names.deliveryId);
  if (deliveryId === null) return reject("missing_delivery_id");
  const eventType = headerValue(delivery.headers, names.eventType);
  if (eventType === null) return reject("missing_event_type");
  return { ok: true, deliveryId, eventType, scheme: "hub-signature-sha256", matchedSecretIndex: matched };
}
