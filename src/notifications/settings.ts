import { formatMailbox } from "../domain/notifications/headers";
import type { RuntimeConfig } from "../env";
import { publicBaseUrl } from "../lib/public-base-url";
import { type LinkKeys, linkKeysOf } from "./unsubscribe-token";

/** What sending needs from the Worker's configuration; no API key means email is not configured. */
export interface EmailSettings {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  /** The fallback from-address (or bare domain) when an agency has no sender email. */
  emailFrom: string | undefined;
  /** Sign the unsubscribe links (see unsubscribe-token.ts). */
  linkKeys: LinkKeys;
  /** Origin of the links in emails (src/lib/public-base-url.ts). */
  publicBaseUrl: string;
}

export function emailSettings(config: RuntimeConfig): EmailSettings {
  return {
    apiKey: config.RESEND_API_KEY,
    baseUrl: config.RESEND_BASE_URL,
    emailFrom: config.EMAIL_FROM,
    linkKeys: linkKeysOf(config),
    publicBaseUrl: publicBaseUrl(config),
  };
}

export function emailConfigured(config: RuntimeConfig): boolean {
  return config.RESEND_API_KEY !== undefined;
}

/**
 * The platform's own address, EMAIL_FROM (an address, or a domain to send from as `notifications@`):
 * the only address mail is ever sent From. It must be on a domain verified with Resend.
 */
export function platformFromAddress(emailFrom: string | undefined): string {
  if (!emailFrom) return "notifications@release-pilot.local";
  return emailFrom.includes("@") ? emailFrom : `notifications@${emailFrom}`;
}

/**
 * `"Agency" <platform address>`: the agency is named, but the address is always the platform's. An
 * agency's own address is never From (any agency could claim any domain); once confirmed it is the
 * Reply-To (sender-confirmation.ts).
 */
export function fromAddress(senderName: string, emailFrom: string | undefined) {
  return formatMailbox(senderName, platformFromAddress(emailFrom));
}
