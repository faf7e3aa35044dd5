import { SignJWT } from "jose";
import { Resend } from "resend";
import { formatMailbox, headerText } from "../domain/notifications/headers";
import { sha256Hex } from "../lib/crypto";
import type { EmailSettings } from "./settings";
import { platformFromAddress } from "./settings";
import { derivedLinkKey, type LinkKeys, type LinkPurpose, verifyLinkPayload } from "./unsubscribe-token";

// An agency's own address becomes the Reply-To of its release emails only after someone at that
// address follows a confirmation link: otherwise any agency could have replies to "its" mail go to
// another agency's or a bank's address. (From is never the agency's address: it is always the
// platform's, EMAIL_FROM, a domain verified with Resend.) The link names the agency by id and the
// address by a hash, lives 48 hours, and confirms only the address the agency has set now.

export const SENDER_CONFIRMATION_HOURS = 48;
const SENDER_CONFIRMATION: LinkPurpose = {
  info: "release-pilot sender email confirmation v1",
  audience: "release-pilot:sender-email",
};

export const addressHash = async (email: string) =>
  (await sha256Hex(email.trim().toLowerCase())).slice(0, 32);

export interface SenderConfirmationLink {
  tenantId: string;
  addressHash: string;
}

export async function signSenderConfirmation(
  keys: LinkKeys,
  tenantId: string,
  email: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + SENDER_CONFIRMATION_HOURS * 3600;
  const token = await new SignJWT({ tid: tenantId, ah: await addressHash(email) })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(SENDER_CONFIRMATION.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(await derivedLinkKey(keys.current, SENDER_CONFIRMATION.info));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The link's agency and address hash, or null for anything forged, altered or expired. */
export async function verifySenderConfirmation(
  keys: LinkKeys,
  token: string,
  now: Date = new Date(),
): Promise<SenderConfirmationLink | null> {
  const payload = await verifyLinkPayload(keys, token, SENDER_CONFIRMATION, now);
  if (!payload || typeof payload.tid !== "string" || typeof payload.ah !== "string") return null;
  return { tenantId: payload.tid, addressHash: payload.ah };
}

export class EmailNotConfiguredError extends Error {}

/**
 * Emails the confirmation link to the agency's address, from the platform's own address. Resend's
 * idempotency key is per agency, address and issue time, so a retried request sends one email.
 */
export async function sendSenderConfirmation(
  settings: EmailSettings,
  agency: { id: string; name: string; email: string },
  now: Date,
): Promise<{ expiresAt: Date }> {
  if (!settings.apiKey) throw new EmailNotConfiguredError("RESEND_API_KEY is not set");
  const { token, expiresAt } = await signSenderConfirmation(settings.linkKeys, agency.id, agency.email, now);
  const url = `${settings.publicBaseUrl}/c/${token}`;
  const name = headerText(agency.name);
  const resend = settings.baseUrl
    ? new Resend(settings.apiKey, { baseUrl: settings.baseUrl })
    : new Resend(settings.apiKey);
  const text = [
    `${name} asked Release Pilot to send replies to its release emails to this address.`,
    "",
    `If that is right, confirm it here (the link works for ${SENDER_CONFIRMATION_HOURS} hours): ${url}`,
    "",
    "If you did not expect this, ignore this email: nothing changes and nothing more is sent to you.",
    "",
    `Release Pilot, on behalf of ${name}. This is a one-off message about your address, not a subscription.`,
  ].join("\n");
  const { error } = await resend.emails.send(
    {
      from: formatMailbox("Release Pilot", platformFromAddress(settings.emailFrom)),
      to: [agency.email],
      subject: headerText(`Confirm replies to ${name} release emails`),
      text,
    },
    {
      idempotencyKey: `sender-confirmation/${agency.id}/${await addressHash(agency.email)}/${now.getTime()}`,
    },
  );
  if (error) throw new Error(`Resend refused the confirmation email: ${error.name}`);
  return { expiresAt };
}
