import { verifyBitbucketDelivery } from "./bitbucket";
import { verifyCircleCiDelivery } from "./circleci";
import { verifyGitHubDelivery } from "./github";
import { verifyGitLabDelivery } from "./gitlab";
import { verifyStandardDelivery } from "./standard";
import type { VerificationFailureReason, VerificationResult, WebhookProvider } from "./types";

export { generateWebhookSecret } from "./generate-secret";
export {
  type StandardWebhooksHeaderPrefix,
  type StandardWebhooksResult,
  TIMESTAMP_TOLERANCE_SECONDS,
  verifyStandardWebhooksSignature,
} from "./standard-webhooks";
export {
  type RejectedDelivery,
  type SignatureScheme,
  type VerificationFailureReason,
  type VerificationResult,
  type VerifiedDelivery,
  WEBHOOK_PROVIDERS,
  type WebhookProvider,
} from "./types";

/**
 * Authenticates one inbound CI delivery over its raw bytes, before anything parses it.
 * `secrets` are the integration's current secrets (one, or two during a rotation overlap; either
 * is accepted) and must come from the integration named in the URL, never from the payload.
 * `nowSeconds` is injected so replay-window checks are testable.
 */
export function verifyDelivery(
  provider: WebhookProvider,
  headers: Headers,
  rawBody: Uint8Array,
  secrets: readonly string[],
  nowSeconds: number,
): Promise<VerificationResult> {
  const delivery = { headers, rawBody, secrets, nowSeconds };
  switch (provider) {
    case "github":
      return verifyGitHubDelivery(delivery);
    case "gitlab":
      return verifyGitLabDelivery(delivery);
    case "bitbucket":
      return verifyBitbucketDelivery(delivery);
    case "circleci":
      return verifyCircleCiDelivery(delivery);
    case "standard":
      return verifyStandardDelivery(delivery);
  }
}

/**
 * HTTP status for a rejection: 401 when the sender is not authenticated (signature, token or
 * replay window), 400 when it is authenticated but the request lacks what we need.
 */
export function rejectionHttpStatus(reason: VerificationFailureReason): 400 | 401 {
  switch (reason) {
    case "missing_delivery_id":
    case "missing_event_type":
    case "malformed_body":
      return 400;
    case "missing_signature":
    case "malformed_signature":
    case "unsupported_signature_version":
    case "bad_signature":
    case "missing_timestamp":
    case "invalid_timestamp":
    case "stale_timestamp":
    case "no_secret_configured":
      return 401;
  }
}
