import {
  type LinkKeys,
  type LinkPurpose,
  signRowLink,
  verifyRowLink,
} from "../notifications/unsubscribe-token";

/**
 * A client's share link to its monthly report is an HS256 JWT under its own HKDF label, naming the
 * agency and the link's row by id and nothing else. The signature means a forged or altered link
 * is refused before any database work; the row (client_report_links) is what binds the link to one
 * client and month and lets the agency revoke it by deleting the row.
 */
const REPORT_LINK: LinkPurpose = {
  info: "release-pilot client report link v1",
  audience: "release-pilot:client-report",
};

/** Share links last 14 days unless asked otherwise, and at most 90. */
export const REPORT_LINK_DEFAULT_DAYS = 14;
export const REPORT_LINK_MAX_DAYS = 90;

export interface ReportLink {
  tenantId: string;
  linkId: string;
}

export async function signReportLink(keys: LinkKeys, link: ReportLink, expiresAt: Date): Promise<string> {
  return signRowLink(keys, REPORT_LINK, { tenantId: link.tenantId, rowId: link.linkId }, expiresAt);
}

/** The link's agency and row, or null for anything forged, altered or expired. */
export async function verifyReportLink(keys: LinkKeys, token: string, now: Date): Promise<ReportLink | null> {
  const link = await verifyRowLink(keys, token, REPORT_LINK, now);
  return link ? { tenantId: link.tenantId, linkId: link.rowId } : null;
}
