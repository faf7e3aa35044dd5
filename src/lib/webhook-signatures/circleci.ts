import { hexToBytes } from "./encoding";
import { headerValue } from "./headers";
import { findMatchingSecret, importTextHmacKey, SHA256_DIGEST_BYTES } from "./hmac";
import { parseJsonBody, topLevelString } from "./json-body";
import { type DeliveryToVerify, reject, type VerificationResult } from "./types";

/**
 * `circleci-signature` is a comma-separated list of `<version>=<hex>`; CircleCI documents that
 * only `v1` (HMAC-SHA256 of the body) is in use and that other versions may appear later, so
 * they are skipped rather than rejected.
 */
function parseCircleCiSignatures(header: string): { v1: Uint8Array[]; malformed: boolean } {
  const v1: Uint8Array[] = [];
  let malformed = false;
  for (const rawEntry of header.split(",")) {
    const entry = rawEntry.trim();
    if (entry === "") continue;
    const equals = entry.indexOf("=");
    if (equals <= 0) {
      malformed = true;
      continue;
    }
    if (entry.slice(0, equals) !== "v1") continue;
    const signature = hexToBytes(entry.slice(equals + 1));
    if (signature === null || signature.length !== SHA256_DIGEST_BYTES) {
      malformed = true;
      continue;
    }
    v1.push(signature);
  }
  return { v1, malformed };
}

/**
 * CircleCI has no delivery-id header: the payload's top-level `id` identifies the event. The body
 * is parsed only after the signature holds, so unauthenticated input never reaches JSON.parse.
 * The event type is taken from the signed payload `type`, falling back to the unsigned
 * `circleci-event-type` header.
 */
export async function verifyCircleCiDelivery(delivery: DeliveryToVerify): Promise<VerificationResult> {
  const header = headerValue(delivery.headers, "circleci-signature");
  if (header === null) return reject("missing_signature");
  const { v1, malformed } = parseCircleCiSignatures(header);
  if (v1.length === 0) return reject(malformed ? "malformed_signature" : "unsupported_signature_version");
  if (delivery.secrets.length === 0) return reject("no_secret_configured");

  const keys = await Promise.all(delivery.secrets.map(importTextHmacKey));
  const matched = await findMatchingSecret(keys, delivery.rawBody, v1);
  if (matched === null) return reject("bad_signature");

  const body = parseJsonBody(delivery.rawBody);
  if (body === undefined) return reject("malformed_body");
  const deliveryId = topLevelString(body, "id");
  if (deliveryId === null) return reject("missing_delivery_id");
  const eventType = topLevelString(body, "type") ?? headerValue(delivery.headers, "circleci-event-type");
  if (eventType === null) return reject("missing_event_type");
  return { ok: true, deliveryId, eventType, scheme: "circleci-signature-v1", matchedSecretIndex: matched };
}
