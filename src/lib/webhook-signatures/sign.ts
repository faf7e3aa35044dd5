import { bytesToBase64, utf8Bytes } from "./encoding";
import { importHmacSha256Key } from "./hmac";
import { standardWebhooksKeyBytes } from "./standard-webhooks";

/**
 * The `webhook-signature` header of an outgoing Standard Webhooks delivery: `v1,<base64 HMAC-SHA256
 * of "id.timestamp.body">` for each secret, space-separated, so a receiver still on the previous
 * secret during a rotation verifies too.
 */
export async function signStandardWebhook(
  secrets: readonly string[],
  messageId: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const content = utf8Bytes(`${messageId}.${timestamp}.${body}`);
  const signatures: string[] = [];
  for (const secret of secrets) {
    const keyBytes = standardWebhooksKeyBytes(secret);
    if (!keyBytes) continue;
    const key = await importHmacSha256Key(keyBytes);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, content.slice().buffer as ArrayBuffer));
    signatures.push(`v1,${bytesToBase64(mac)}`);
  }
  return signatures.join(" ");
}
