import {
  type LinkKeys,
  type LinkPurpose,
  signRowLink,
  verifyRowLink,
} from "../notifications/unsubscribe-token";

/**
 * A client's approval link is an HS256 JWT under its own HKDF label that names the agency and the
 * approval request's row, nothing else. A forged or altered link is refused before any database
 * work; the row binds it to one release attempt, one contact and one decision, and is what makes
 * it single-use and withdrawable.
 */
const APPROVAL_LINK: LinkPurpose = {
  info: "release-pilot approval link v1",
  audience: "release-pilot:approval",
};

/** Approval links last 72 hours unless asked otherwise, and at most two weeks. */
export const APPROVAL_LINK_DEFAULT_HOURS = 72;
export const APPROVAL_LINK_MAX_HOURS = 336;

export interface ApprovalLink {
  tenantId: string;
  requestId: string;
}

/**
 * The token outlives the request by a grace period: past the request's expiry the row, not the
 * signature, answers, so the client is told the link expired rather than that it is not valid.
 */
const EXPIRED_PAGE_GRACE_MS = 30 * 86_400_000;

export async function signApprovalLink(
  keys: LinkKeys,
  link: ApprovalLink,
  expiresAt: Date,
  issuedAt: Date = new Date(),
): Promise<string> {
  const validUntil = new Date(expiresAt.getTime() + EXPIRED_PAGE_GRACE_MS);
  return signRowLink(
    keys,
    APPROVAL_LINK,
    { tenantId: link.tenantId, rowId: link.requestId },
    validUntil,
    issuedAt,
  );
}

/** The link's agency and request, or null for anything forged, altered or expired. */
export async function verifyApprovalLink(
  keys: LinkKeys,
  token: string,
  now: Date,
): Promise<ApprovalLink | null> {
  const link = await verifyRowLink(keys, token, APPROVAL_LINK, now);
  return link ? { tenantId: link.tenantId, requestId: link.rowId } : null;
}
