/**
 * Capability URLs carry their credential in the URL: unsubscribe, sender-confirmation and report
 * share links (`/u/{token}`, `/c/{token}`, `/s/{token}`) and calendar
 * feeds (`?token=`). Whatever writes a URL or path to a log (the dev server's request lines, a
 * problem's `instance`) writes it through this, so a log never holds a working link.
 */
const CAPABILITY_PATH = /(\/[ucs]\/)[^/?#\s"']+/g;
const TOKEN_QUERY = /([?&]token=)[^&#\s"']+/g;

export function redactCapabilityTokens(text: string): string {
  return text.replace(CAPABILITY_PATH, "$1[redacted]").replace(TOKEN_QUERY, "$1[redacted]");
}
