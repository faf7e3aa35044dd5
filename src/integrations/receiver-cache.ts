import type { ReceiverSnapshot } from "../db/repositories/integrations";
import type { CiProvider } from "../domain/ci-events";

/**
 * What a webhook receiver needs of an integration, kept in the isolate so the next delivery is
 * verified without reading it: the decrypted secrets with the ciphertexts they came from. A claim
 * made with a cached copy holds only while the row still has those ciphertexts and stage map
 * (`claimDeliveryIfCurrent`), so a rotation, a disabling or a new map in any isolate takes effect
 * at once; the copy itself is dropped after `TTL_MS`, on rotation in this isolate, and whenever a
 * delivery does not verify with it.
 */
export interface CachedReceiver extends ReceiverSnapshot {
  tenantId: string;
  provider: CiProvider;
  currentSecret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  cachedAt: number;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 500;

const receivers = new Map<string, CachedReceiver>();

export function cachedReceiver(integrationId: string, now: number): CachedReceiver | undefined {
  const entry = receivers.get(integrationId);
  if (!entry) return undefined;
  if (now - entry.cachedAt > TTL_MS || now < entry.cachedAt) {
    receivers.delete(integrationId);
    return undefined;
  }
  return entry;
}

export function cacheReceiver(entry: CachedReceiver): void {
  receivers.delete(entry.integrationId);
  // Oldest first in a Map's order: the least recently cached goes when it is full.
  if (receivers.size >= MAX_ENTRIES) {
    const oldest = receivers.keys().next().value;
    if (oldest !== undefined) receivers.delete(oldest);
  }
  receivers.set(entry.integrationId, entry);
}

export function forgetReceiver(integrationId: string): void {
  receivers.delete(integrationId);
}

/** The secrets a delivery may be signed with at `now`, from the cached copy. */
export function cachedSecrets(entry: CachedReceiver, now: Date): string[] {
  const secrets: string[] = [];
  if (entry.currentSecret !== null) secrets.push(entry.currentSecret);
  if (
    entry.previousSecret !== null &&
    entry.previousSecretExpiresAt !== null &&
    entry.previousSecretExpiresAt.getTime() > now.getTime()
  ) {
    secrets.push(entry.previousSecret);
  }
  return secrets;
}
