/** CI providers that can deliver webhooks to `POST /hooks/{integration_id}`. */
export const WEBHOOK_PROVIDERS = ["github", "gitlab", "bitbucket", "circleci", "standard"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Which signing scheme authenticated a delivery (GitLab can use either of two). */
export type SignatureScheme =
  | "hub-signature-sha256"
  | "gitlab-token"
  | "standard-webhooks"
  | "circleci-signature-v1";

export type VerificationFailureReason =
  /** The header carrying the signature or token is absent. */
  | "missing_signature"
  /** The header is present but cannot be parsed (wrong prefix, bad hex or base64). */
  | "malformed_signature"
  /** The header only lists signature versions we do not implement. */
  | "unsupported_signature_version"
  /** No configured secret produces the presented signature. */
  | "bad_signature"
  | "missing_timestamp"
  | "invalid_timestamp"
  /** Signed timestamp outside the ±5 minute replay window. */
  | "stale_timestamp"
  | "missing_delivery_id"
  | "missing_event_type"
  /** Signature valid, but the body lacks what the scheme needs from it (CircleCI `id`, standard `type`). */
  | "malformed_body"
  /** The integration has no usable secret; a configuration error on our side. */
  | "no_secret_configured";

export interface VerifiedDelivery {
  ok: true;
  /** Provider's delivery id, stable across redeliveries: the deduplication key. */
  deliveryId: string;
  eventType: string;
  scheme: SignatureScheme;
  /**
   * Index into `secrets` of the secret that matched. During rotation this shows when senders
   * have moved to the new secret, so the old one can be retired.
   */
  matchedSecretIndex: number;
}

export interface RejectedDelivery {
  ok: false;
  reason: VerificationFailureReason;
}

export type VerificationResult = VerifiedDelivery | RejectedDelivery;

/** Everything a scheme needs to check one delivery. */
export interface DeliveryToVerify {
  headers: Headers;
  rawBody: Uint8Array;
  secrets: readonly string[];
  nowSeconds: number;
}

export function reject(reason: VerificationFailureReason): RejectedDelivery {
  return { ok: false, reason };
}
