import { acceptedSecrets, type SecretSlot } from "../integrations/secrets";
import { sealSecret } from "../lib/secret-box";

// An endpoint's signing secrets, sealed with DATA_ENCRYPTION_KEY under their own context (the
// endpoint and the slot), so a ciphertext cannot be moved to another endpoint or slot and open.

export function endpointSecretContext(endpointId: string, slot: SecretSlot): string {
  return `webhook-endpoint:${endpointId}:${slot}`;
}

export function sealEndpointSecret(key: string, endpointId: string, slot: SecretSlot, secret: string) {
  return sealSecret(key, secret, endpointSecretContext(endpointId, slot));
}

/** The secrets a delivery is signed with now: the current one, and the previous one for a day after a rotation. */
export async function endpointSigningSecrets(
  key: string,
  endpoint: {
    endpoint_id: string;
    secret_ciphertext: string;
    previous_secret_ciphertext: string | null;
    previous_secret_expires_at: Date | string | null;
  },
  now: Date,
): Promise<string[]> {
  const { secrets } = await acceptedSecrets(
    key,
    {
      id: endpoint.endpoint_id,
      secretCiphertext: endpoint.secret_ciphertext,
      previousSecretCiphertext: endpoint.previous_secret_ciphertext,
      previousSecretExpiresAt: endpoint.previous_secret_expires_at
        ? new Date(endpoint.previous_secret_expires_at)
        : null,
    },
    now,
    endpointSecretContext,
  );
  return secrets;
}
