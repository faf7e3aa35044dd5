/**
 * A minimal RFC 5545 writer for the read-only calendar feed: CRLF line ends, TEXT escaping (§3.3.11)
 * and folding of content lines longer than 75 octets (§3.1), never splitting a UTF-8 sequence.
 */

export interface IcsEvent {
  uid: string;
  /** When this version of the event was made (RFC 5545 DTSTAMP); keep it stable so clients see no churn. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  description?: string | null;
  categories: string[];
  /** TRANSPARENT events do not block free/busy (windows are availability, not meetings). */
  transparent?: boolean;
}

export interface IcsCalendar {
  name: string;
  /** A hint for clients, e.g. "Australia/Perth"; every time in the feed is UTC. */
  timezone: string;
  events: IcsEvent[];
}

const encoder = new TextEncoder();

export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** Folds one content line: at most 75 octets per physical line, continuation lines start with a space. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let currentBytes = 0;
  let limit = 75;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    if (currentBytes + bytes > limit) {
      parts.push(current);
      current = "";
      currentBytes = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += char;
    currentBytes += bytes;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

export function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export function renderCalendar(calendar: IcsCalendar): string {
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Release Pilot//Deployment windows//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
    `X-WR-TIMEZONE:${escapeText(calendar.timezone)}`,
  ];
  for (const event of calendar.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${event.uid}`,
      `DTSTAMP:${formatUtc(event.stamp)}`,
      `DTSTART:${formatUtc(event.start)}`,
      `DTEND:${formatUtc(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    lines.push(`CATEGORIES:${event.categories.map(escapeText).join(",")}`);
    lines.push(`TRANSP:${event.transparent ? "TRANSPARENT" : "OPAQUE"}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
