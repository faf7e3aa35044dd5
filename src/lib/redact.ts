/**
 * Capability URLs carry their credential in the URL: unsubscribe, sender-confirmation, report
 * share and client approval links (`/u/{token}`, `/c/{token}`, `/s/{token}`, `/a/{token}`) and calendar
 * feeds (`?token=`). Whatever writes a URL or path to a log (the dev server's request lines, a
 * problem's `instance`) writes it through this, so a log never holds a working link.
 */
const CAPABILITY_PATH = /(\/[ucsa]\/)[^/?#\s"']+/g;
const APPROVAL_PATH = /(\/a\/)[^/?#\s"'<]+/g;
const TOKEN_QUERY = /([?&]token=)[^&#\s"']+/g;

export function redactCapabilityTokens(text: string): string {
  return text.replace(CAPABILITY_PATH, "$1[redacted]").replace(TOKEN_QUERY, "$1[redacted]");
}

/**
 * An approval link lets its holder answer as the client: the agency sees its URL once, when it
 * asks. Stored email bodies shown back to the agency carry it redacted.
 */
export function redactApprovalLinks(text: string): string {
  return text.replace(APPROVAL_PATH, "$1[redacted]");
}
