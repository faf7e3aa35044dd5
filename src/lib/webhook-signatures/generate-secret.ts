import { bytesToBase64, bytesToHex } from "./encoding";
import { STANDARD_WEBHOOKS_SECRET_PREFIX } from "./standard-webhooks";
import type { WebhookProvider } from "./types";

/** 256 bits, matching the HMAC-SHA256 block-size guidance and GitLab's signing-token requirement. */
const SECRET_BYTES = 32;

/**
 * A new random secret in the format the provider's settings page accepts.
 * - standard: `whsec_<base64 of 32 bytes>`, the Standard Webhooks format.
 * - gitlab: also `whsec_…`. GitLab requires exactly this format for a signing token, and the same
 *   string works as a legacy "Secret token", so one secret serves either form.
 * - github, bitbucket, circleci: 64 hex characters; used as the HMAC key's UTF-8 bytes and safe to
 *   paste into any settings field.
 */
export function generateWebhookSecret(provider: WebhookProvider): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  switch (provider) {
    case "standard":
    case "gitlab":
      return `${STANDARD_WEBHOOKS_SECRET_PREFIX}${bytesToBase64(bytes)}`;
    case "github":
    case "bitbucket":
    case "circleci":
      return bytesToHex(bytes);
  }
}
