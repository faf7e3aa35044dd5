import { jwtVerify, SignJWT } from "jose";

/**
 * Unsubscribe links are HS256 JWTs (jose) with a key derived by HKDF-SHA256 (info "release-pilot
 * unsubscribe link v1") from LINK_SIGNING_KEY, or from DATA_ENCRYPTION_KEY when that is not set:
 * links rotate apart from the key that encrypts webhook secrets, and LINK_SIGNING_KEY_PREVIOUS
 * keeps the last key's links working while a rotation settles (set it to the old
 * DATA_ENCRYPTION_KEY when introducing LINK_SIGNING_KEY). A link names the tenant and the contact
 * (or member) by id only — never an address — carries the person's link epoch (raising it revokes
 * every link they hold), and is valid for 180 days: the Spam Act asks for at least 30 days after
 * sending, we promise at least 60.
 */
export const UNSUBSCRIBE_LINK_DAYS = 180;
const AUDIENCE = "release-pilot:unsubscribe";
const UNSUBSCRIBE: LinkPurpose = { info: "release-pilot unsubscribe link v1", audience: AUDIENCE };

export type UnsubscribeSubject =
  | { tenantId: string; contactId: string }
  | { tenantId: string; memberId: string };

const keys = new Map<string, Promise<Uint8Array>>();

const keyFrom = (secret: string) => derivedLinkKey(secret, UNSUBSCRIBE.info);

/** An HS256 key for one kind of link, derived with HKDF-SHA256 under its own label (`info`). */
export function derivedLinkKey(secret: string, info: string): Promise<Uint8Array> {
  const cacheKey = `${info}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const material = Uint8Array.from(atob(secret), (ch) => ch.charCodeAt(0));
      const base = await crypto.subtle.importKey("raw", material, "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(0),
          info: new TextEncoder().encode(info),
        },
        base,
        256,
      );
      return new Uint8Array(bits);
    })();
    keys.set(cacheKey, key);
  }
  return key;
}

/** The keys links are signed with (current) and still accepted from (previous, during a rotation). */
export interface LinkKeys {
  current: string;
  previous?: string | undefined;
}

export function linkKeysOf(config: {
  LINK_SIGNING_KEY?: string | undefined;
  LINK_SIGNING_KEY_PREVIOUS?: string | undefined;
  DATA_ENCRYPTION_KEY: string;
}): LinkKeys {
  return {
    current: config.LINK_SIGNING_KEY ?? config.DATA_ENCRYPTION_KEY,
    previous: config.LINK_SIGNING_KEY_PREVIOUS,
  };
}

/** A verified link: whom it names, and the link epoch it was issued under. */
export type VerifiedUnsubscribeLink = UnsubscribeSubject & { epoch: number };

export async function signUnsubscribeToken(
  keys: LinkKeys,
  subject: UnsubscribeSubject,
  now: Date,
  epoch = 0,
): Promise<string> {
  const sub = "contactId" in subject ? `c:${subject.contactId}` : `m:${subject.memberId}`;
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: subject.tenantId, ...(epoch > 0 ? { ep: epoch } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + UNSUBSCRIBE_LINK_DAYS * 86_400)
    .sign(await keyFrom(keys.current));
}

/** Which kind of link: the HKDF label of its key and the audience it is signed for. */
export interface LinkPurpose {
  info: string;
  audience: string;
}

/**
 * A link's payload when it verifies under the current key or, during a rotation, the previous one;
 * null for anything forged, altered, expired or signed for another purpose.
 */
export async function verifyLinkPayload(keys: LinkKeys, token: string, purpose: LinkPurpose, now: Date) {
  for (const secret of [keys.current, keys.previous]) {
    if (!secret) continue;
    try {
      const key = await derivedLinkKey(secret, purpose.info);
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        audience: purpose.audience,
        currentDate: now,
      });
      return payload;
    } catch {
      // Not this key; try the next.
    }
  }
  return null;
}

/**
 * The subject of a valid link, or null for anything forged, altered or expired. The caller still
 * compares `epoch` with the person's current one (a revoked link verifies but is stale).
 */
export async function verifyUnsubscribeToken(
  keys: LinkKeys,
  token: string,
  now: Date = new Date(),
): Promise<VerifiedUnsubscribeLink | null> {
  const payload = await verifyLinkPayload(keys, token, UNSUBSCRIBE, now);
  if (payload === null) return null;
  const tenantId = typeof payload.tid === "string" ? payload.tid : null;
  const epoch = payload.ep === undefined ? 0 : payload.ep;
  const match = /^([cm]):([0-9a-f-]{36})$/.exec(payload.sub ?? "");
  if (!tenantId || !match?.[2] || typeof epoch !== "number" || !Number.isInteger(epoch)) return null;
  return match[1] === "c"
    ? { tenantId, contactId: match[2], epoch }
    : { tenantId, memberId: match[2], epoch };
}

/** A link that names one row of one agency (a report share link, an approval link) and nothing else. */
export interface RowLink {
  tenantId: string;
  rowId: string;
}

/**
 * Signs a row link under its purpose's key. `issuedAt` fixes the token's bytes: signing the same
 * row with the same times gives the same token (an email's retries send the same link).
 */
export async function signRowLink(
  keys: LinkKeys,
  purpose: LinkPurpose,
  link: RowLink,
  expiresAt: Date,
  issuedAt: Date = new Date(),
): Promise<string> {
  return new SignJWT({ tid: link.tenantId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(link.rowId)
    .setAudience(purpose.audience)
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await derivedLinkKey(keys.current, purpose.info));
}

/** The link's agency and row, or null for anything forged, altered, expired or of another purpose. */
export async function verifyRowLink(
  keys: LinkKeys,
  token: string,
  purpose: LinkPurpose,
  now: Date,
): Promise<RowLink | null> {
  const payload = await verifyLinkPayload(keys, token, purpose, now);
  if (!payload || typeof payload.tid !== "string" || typeof payload.sub !== "string") return null;
  return { tenantId: payload.tid, rowId: payload.sub };
}
