import { headerValue } from "./headers";
import { secretsEqual } from "./hmac";
import { verifyStandardWebhooksSignature } from "./standard-webhooks";
import { type DeliveryToVerify, reject, type VerificationResult } from "./types";

/**
 * GitLab has two forms. With a signing token (newer GitLab) it sends Standard Webhooks headers;
 * otherwise the legacy `X-Gitlab-Token` carries the secret itself. The signed form is preferred
 * whenever `webhook-signature` is present: it also protects against replay and tampering.
 */
export async function verifyGitLabDelivery(delivery: DeliveryToVerify): Promise<VerificationResult> {
  if (headerValue(delivery.headers, "webhook-signature") !== null) return verifySigningToken(delivery);
  return verifyLegacyToken(delivery);
}

async function verifySigningToken(delivery: DeliveryToVerify): Promise<VerificationResult> {
  const verified = await verifyStandardWebhooksSignature(delivery, "webhook-");
  if (!verified.ok) return verified;
  const eventType = headerValue(delivery.headers, "X-Gitlab-Event");
  if (eventType === null) return reject("missing_event_type");
  // GitLab sets webhook-id to the Idempotency-Key value, so dedupe keys agree across both forms.
  return {
    ok: true,
    deliveryId: verified.messageId,
    eventType,
    scheme: "standard-webhooks",
    matchedSecretIndex: verified.matchedSecretIndex,
  };
}

async function verifyLegacyToken(delivery: DeliveryToVerify): Promise<VerificationResult> {
  const token = headerValue(delivery.headers, "X-Gitlab-Token");
  if (token === null) return reject("missing_signature");
  if (delivery.secrets.length === 0) return reject("no_secret_configured");

  // Compare against every secret, without stopping at the first match, so timing says nothing.
  const matches = await Promise.all(delivery.secrets.map((secret) => secretsEqual(token, secret)));
  const matched = matches.indexOf(true);
  if (matched === -1) return reject("bad_signature");

  // Idempotency-Key is stable across retries (GitLab 17.4+); the event UUID is the older fallback.
  const deliveryId =
    headerValue(delivery.headers, "Idempotency-Key") ?? headerValue(delivery.headers, "X-Gitlab-Event-UUID");
  if (deliveryId === null) return reject("missing_delivery_id");
  const eventType = headerValue(delivery.headers, "X-Gitlab-Event");
  if (eventType === null) return reject("missing_event_type");
  return { ok: true, deliveryId, eventType, scheme: "gitlab-token", matchedSecretIndex: matched };
}
