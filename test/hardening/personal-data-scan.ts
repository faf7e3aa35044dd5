// What must never appear in any output: email addresses. Every person the
// suites create has an address, so an address in a log line means personal
// data escaped into logs. Findings are reported masked, so the report itself
// does not repeat them.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

// Addresses that are not personal data: the fixed sender and example
// addresses of the API's own documentation and the fake email provider.
const NOT_PERSONAL = [/^noreply@/i, /@example\.(com|org|net)$/i, /@resend\.dev$/i];

// Terminal colour codes (ESC [ … m), built from the character code because a
// literal control character in a regex is a lint error.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
export const stripColour = (text: string) => text.replace(COLOUR, "");

export function scanForPersonalData(output: string): string[] {
  const plain = stripColour(output);
  const findings: string[] = [];
  for (const line of plain.split("\n")) {
    for (const match of line.matchAll(EMAIL)) {
      const address = match[0];
      if (NOT_PERSONAL.some((pattern) => pattern.test(address))) continue;
      findings.push(`${mask(address)} in: ${line.replace(EMAIL, (a) => mask(a)).slice(0, 200)}`);
    }
  }
  return findings;
}

export function mask(address: string): string {
  const [local = "", domain = ""] = address.split("@");
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}
