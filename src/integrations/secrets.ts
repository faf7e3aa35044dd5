import { openSecret, sealSecret } from "../lib/secret-box";

/**
 * Which slot a sealed secret sits in is part of its encryption context, so the current and the
 * rotated-out ciphertext cannot be swapped or copied between integrations without failing to open.
 */
export type SecretSlot = "current" | "previous";

export function secretContext(integrationId: string, slot: SecretSlot): string {
  return `integration:${integrationId}:${slot}`;
}

export function sealIntegrationSecret(
  key: string,
  integrationId: string,
  slot: SecretSlot,
  secret: string,
): Promise<string> {
  return sealSecret(key, secret, secretContext(integrationId, slot));
}

export interface SealedSecrets {
  id: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
}

/**
 * The secrets a delivery may be signed with right now: the current one, and the rotated-out one
 * while its overlap lasts. A slot that does not open is left out (and reported), so one damaged
 * ciphertext cannot stop deliveries signed with the other.
 */
export async function acceptedSecrets(
  key: string,
  integration: SealedSecrets,
  now: Date,
  contextOf: (id: string, slot: SecretSlot) => string = secretContext,
): Promise<{ secrets: string[]; unreadable: SecretSlot[] }> {
  const secrets: string[] = [];
  const unreadable: SecretSlot[] = [];
  try {
    secrets.push(await openSecret(key, integration.secretCiphertext, contextOf(integration.id, "current")));
  } catch {
    unreadable.push("current");
  }
  const previousLive =
    integration.previousSecretCiphertext !== null &&
    integration.previousSecretExpiresAt !== null &&
    integration.previousSecretExpiresAt.getTime() > now.getTime();
  if (previousLive && integration.previousSecretCiphertext !== null) {
    try {
      secrets.push(
        await openSecret(key, integration.previousSecretCiphertext, contextOf(integration.id, "previous")),
      );
    } catch {
      unreadable.push("previous");
    }
  }
  return { secrets, unreadable };
}
