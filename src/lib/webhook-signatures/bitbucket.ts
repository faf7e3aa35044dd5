import { verifyHubSignatureSha256 } from "./hub-signature";
import type { DeliveryToVerify, VerificationResult } from "./types";

/**
 * Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>` over the body (same format as GitHub, but
 * under the header name GitHub uses for SHA-1). `X-Request-UUID` is the delivery id.
 */
export function verifyBitbucketDelivery(delivery: DeliveryToVerify): Promise<VerificationResult> {
  return verifyHubSignatureSha256(delivery, {
    signature: "X-Hub-Signature",
    deliveryId: "X-Request-UUID",
    eventType: "X-Event-Key",
  });
}
