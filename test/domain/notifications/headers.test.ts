import { describe, expect, it } from "vitest";
import { formatMailbox, headerText, subjectFor } from "../../../src/domain/notifications";

describe("email header values", () => {
  it("turns every line break and control character into one space", () => {
    expect(headerText("Site\r\nBcc: victim@example.com")).toBe("Site Bcc: victim@example.com");
    expect(headerText("a\u0000b\u007fc\u0085d\u2028e\u2029f\tg")).toBe("a b c d e f g");
    expect(headerText("  spaced \n\n out  ")).toBe("spaced out");
  });

  it("keeps a subject on one line whatever the project name holds", () => {
    const subject = subjectFor("deployed", "Harbour\r\nBcc: x@evil.example", "2.0\n0");
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toBe("Harbour Bcc: x@evil.example 2.0 0 was deployed");
  });

  it("quotes ASCII display names with backslash and quote escaped", () => {
    expect(formatMailbox("Harbour Digital", "hello@harbour.example")).toBe(
      '"Harbour Digital" <hello@harbour.example>',
    );
    // A name ending in a backslash must not escape the closing quote.
    expect(formatMailbox("Agency \\", "a@b.example")).toBe('"Agency \\\\" <a@b.example>');
    expect(formatMailbox('Say "hi"', "a@b.example")).toBe('"Say \\"hi\\"" <a@b.example>');
    expect(formatMailbox("Evil\r\nBcc: x@y.example", "a@b.example")).toBe(
      '"Evil Bcc: x@y.example" <a@b.example>',
    );
    expect(formatMailbox(" \r\n ", "a@b.example")).toBe("a@b.example");
  });

  it("encodes other display names as RFC 2047 words that decode back", () => {
    const name = "Café Études Digitales — Sydney & Melbourne offices, est. 2009";
    const mailbox = formatMailbox(name, "a@b.example");
    expect(mailbox).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+ <a@b\.example>$/);
    const words = [...mailbox.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)].map((m) => m[1] ?? "");
    for (const word of words) expect(`=?UTF-8?B?${word}?=`.length).toBeLessThanOrEqual(75);
    const decoded = words
      .map((word) => new TextDecoder().decode(Uint8Array.from(atob(word), (c) => c.charCodeAt(0))))
      .join("");
    expect(decoded).toBe(name);
  });
});
