/**
 * Where an endpoint may point: https to a public host. Plain http, credentials in the URL, and
 * private, link-local or loopback addresses are refused (a receiver is called from the Worker with
 * the agency's events; it must not be turned at the platform's own network). With the development
 * setting, http and https on loopback are allowed too. Returns why a URL is refused, or null.
 */
export function refusedEndpointUrl(raw: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  // "localhost." is localhost: a trailing dot changes nothing in DNS.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const loopback =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127(?:\.\d{1,3}){3}$/.test(host);
  if (loopback) {
    if (allowLoopback && (url.protocol === "http:" || url.protocol === "https:")) return null;
    return "must not point at a loopback address (allowed only where WEBHOOKS_ALLOW_LOOPBACK is set, for development)";
  }
  if (url.protocol !== "https:") return "must use https";
  if (isPrivateAddress(host)) return "must not point at a private or link-local address";
  return null;
}

function isPrivateAddress(host: string): boolean {
  const octets = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (octets) {
    const [a, b] = [Number(octets[1]), Number(octets[2])];
    return (
      a === 10 ||
      a === 0 ||
      a >= 224 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.startsWith("[")) {
    // IPv6 literals: the unspecified and loopback-mapped forms, IPv4-mapped and NAT64 addresses
    // (which reach an IPv4 host), unique-local (fc00::/7), link-local (fe80::/10) and multicast.
    return (
      host === "[::]" ||
      host.startsWith("[::ffff:") ||
      host.startsWith("[64:ff9b:") ||
      /^\[(?:f[cd]|fe[89ab]|ff)/i.test(host)
    );
  }
  return host.endsWith(".local") || host.endsWith(".internal") || host.endsWith(".localhost");
}
