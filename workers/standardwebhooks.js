// The Worker bundle's "standardwebhooks" (wrangler.toml [alias]). The resend SDK imports it for one
// feature, `resend.webhooks.verify`; this API verifies Resend's (Svix-signed) events itself, in
// src/lib/webhook-signatures, so the library and its SHA-256 and base64 dependencies stay out of
// the bundle. Should that SDK feature ever be called, it fails loudly instead of verifying.
export class WebhookVerificationError extends Error {}

export class Webhook {
  constructor() {
    throw new Error(
      "resend.webhooks.verify is not part of this Worker (standardwebhooks is left out of the bundle; see src/lib/webhook-signatures).",
    );
  }
}

export default { Webhook, WebhookVerificationError };
