import { jwtVerify, SignJWT } from "jose";

/**
 * Unsubscribe links are HS256 JWTs (jose) with a key derived by HKDF-SHA256 from
 * DATA_ENCRYPTION_KEY (info "release-pilot unsubscribe link v1"), so no extra
 * secret is needed and rotating that key retires old links. A link names the
 * tenant and the contact (or member) by id only — never an address — and is
 * valid for 180 days: the Spam Act asks for at least 30 days after sending, we
 * promise at least 60.
 */
export const UNSUBSCRIBE_LINK_DAYS = 180;
const AUDIENCE = "release-pilot:unsubscribe";

export type UnsubscribeSubject =
  | { tenantId: string; contactId: string }
  | { tenantId: string; memberId: string };

const keys = new Map<string, Promise<Uint8Array>>();

function keyFrom(dataEncryptionKey: string): Promise<Uint8Array> {
  let key = keys.get(dataEncryptionKey);
  if (!key) {
    key = (async () => {
      const material = Uint8Array.from(atob(dataEncryptionKey), (ch) => ch.charCodeAt(0));
      const base = await crypto.subtle.importKey("raw", material, "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(0),
          info: new TextEncoder().encode("release-pilot unsubscribe link v1"),
        },
        base,
        256,
      );
      return new Uint8Array(bits);
    })();
    keys.set(dataEncryptionKey, key);
  }
  return key;
}

export async function signUnsubscribeToken(
  dataEncryptionKey: string,
  subject: UnsubscribeSubject,
  now: Date,
): Promise<string> {
  const sub = "contactId" in subject ? `c:${subject.contactId}` : `m:${subject.memberId}`;
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: subject.tenantId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + UNSUBSCRIBE_LINK_DAYS * 86_400)
    .sign(await keyFrom(dataEncryptionKey));
}

/** The subject of a valid link, or null for anything forged, altered or expired. */
export async function verifyUnsubscribeToken(
  dataEncryptionKey: string,
  token: string,
  now: Date = new Date(),
): Promise<UnsubscribeSubject | null> {
  try {
    const { payload } = await jwtVerify(token, await keyFrom(dataEncryptionKey), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      currentDate: now,
    });
    const tenantId = typeof payload.tid === "string" ? payload.tid : null;
    const match = /^([cm]):([0-9a-f-]{36})$/.exec(payload.sub ?? "");
    if (!tenantId || !match?.[2]) return null;
    return match[1] === "c" ? { tenantId, contactId: match[2] } : { tenantId, memberId: match[2] };
  } catch {
    return null;
  }
}
