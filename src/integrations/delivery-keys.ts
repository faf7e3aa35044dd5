import { uuidv7 } from "../lib/ids";

/**
 * The unique (integration_id, delivery_id) constraint is the deduplication key, so only an
 * accepted delivery may claim the provider's own id. Requests that are recorded without being
 * accepted (rejected, malformed) and redeliveries get a row of their own under a synthetic key,
 * `~<kind>:<uuidv7>:<provider id or nothing>`, which can never block the genuine delivery.
 */
export type SyntheticKind = "rejected" | "malformed" | "duplicate";

const SYNTHETIC = /^~(rejected|malformed|duplicate):[0-9a-f-]{36}:(.*)$/s;

/** Provider ids we echo back into a listing: printable, short, no spaces. */
const SAFE_PROVIDER_ID = /^[\w.:@{}-]{1,200}$/;

export function safeProviderId(value: string | null | undefined): string | null {
  return value && SAFE_PROVIDER_ID.test(value) ? value : null;
}

export function syntheticDeliveryKey(kind: SyntheticKind, providerId: string | null): string {
  return `~${kind}:${uuidv7()}:${safeProviderId(providerId) ?? ""}`;
}

/** The provider's delivery id as the agency knows it (null when there was none we could trust). */
export function providerDeliveryId(storedKey: string): string | null {
  const match = SYNTHETIC.exec(storedKey);
  if (!match) return storedKey;
  return match[2] ? match[2] : null;
}
