import { verifyHubSignatureSha256 } from "./hub-signature";
import type { DeliveryToVerify, VerificationResult } from "./types";

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body. The legacy SHA-1 `X-Hub-Signature`
 * header is deliberately not accepted. `X-GitHub-Delivery` stays the same on redelivery.
 */
export function verifyGitHubDelivery(delivery: DeliveryToVerify): Promise<VerificationResult> {
  return verifyHubSignatureSha256(delivery, {
    signature: "X-Hub-Signature-256",
    deliveryId: "X-GitHub-Delivery",
    eventType: "X-GitHub-Event",
  });
}
