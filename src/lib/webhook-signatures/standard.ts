import { parseJsonBody, topLevelString } from "./json-body";
import { verifyStandardWebhooksSignature } from "./standard-webhooks";
import { type DeliveryToVerify, reject, type VerificationResult } from "./types";

/**
 * Our generic "standard" provider: Standard Webhooks signing, and the event type from the body's
 * `type` field (the spec puts it in the payload, there is no event header). Parsed only after
 * the signature and timestamp hold.
 */
export async function verifyStandardDelivery(delivery: DeliveryToVerify): Promise<VerificationResult> {
  const verified = await verifyStandardWebhooksSignature(delivery, "webhook-");
  if (!verified.ok) return verified;
  const body = parseJsonBody(delivery.rawBody);
  if (body === undefined) return reject("malformed_body");
  const eventType = topLevelString(body, "type");
  if (eventType === null) return reject("missing_event_type");
  return {
    ok: true,
    deliveryId: verified.messageId,
    eventType,
    scheme: "standard-webhooks",
    matchedSecretIndex: verified.matchedSecretIndex,
  };
}
