import type { RuntimeConfig } from "../env";
import { trimTrailing } from "../lib/strings";

/** What sending needs from the Worker's configuration; no API key means email is not configured. */
export interface EmailSettings {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  /** The fallback from-address (or bare domain) when an agency has no sender email. */
  emailFrom: string | undefined;
  /** Keys the unsubscribe links (see unsubscribe-token.ts). */
  dataEncryptionKey: string;
  /**
   * Origin of the links in emails: PUBLIC_BASE_URL only, never a request's Host header (which a
   * caller controls). Required in production; `npm start` sets it to the local server.
   */
  publicBaseUrl: string;
}

export const DEFAULT_PUBLIC_BASE_URL = "http://localhost:8787";

export function emailSettings(config: RuntimeConfig): EmailSettings {
  return {
    apiKey: config.RESEND_API_KEY,
    baseUrl: config.RESEND_BASE_URL,
    emailFrom: config.EMAIL_FROM,
    dataEncryptionKey: config.DATA_ENCRYPTION_KEY,
    publicBaseUrl: trimTrailing(config.PUBLIC_BASE_URL ?? DEFAULT_PUBLIC_BASE_URL, "/"),
  };
}

export function emailConfigured(config: RuntimeConfig): boolean {
  return config.RESEND_API_KEY !== undefined;
}

/** `"Agency" <from>`: the agency's sender email, else EMAIL_FROM (an address, or a domain to send from). */
export function fromAddress(senderName: string, senderEmail: string | null, emailFrom: string | undefined) {
  const fallback = emailFrom
    ? emailFrom.includes("@")
      ? emailFrom
      : `notifications@${emailFrom}`
    : "notifications@release-pilot.local";
  const name = senderName.replace(/["\r\n<>]/g, "").trim();
  return `"${name}" <${senderEmail ?? fallback}>`;
}
