import { describe, expect, it } from "vitest";
import { markdownToText, renderMarkdown } from "../../../src/domain/notifications";

// The renderer's patterns are proven linear by `npm run lint:regex` (recheck); these pin down what
// they render, including on the inputs that made the old link pattern quadratic.

describe("renderMarkdown", () => {
  it("renders links with http(s) URLs only, escaping everything else", () => {
    expect(renderMarkdown("See [the notes](https://example.com/a?b=1&c=2).")).toBe(
      '<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">the notes</a>.</p>',
    );
    // An unsafe URL keeps only its label, parentheses and all.
    expect(renderMarkdown("[x](javascript:alert(1))")).toBe("<p>x</p>");
    expect(renderMarkdown("[wiki](https://en.wikipedia.org/wiki/Release_(film))")).toContain(
      'href="https://en.wikipedia.org/wiki/Release_(film)"',
    );
    expect(renderMarkdown("<script>")).toBe("<p>&lt;script&gt;</p>");
  });

  it("headings drop closing hashes only after a space, and keep C#", () => {
    expect(renderMarkdown("# Release 3.0 ##")).toBe("<h2>Release 3.0</h2>");
    expect(renderMarkdown("## Support for C#")).toBe("<h3>Support for C#</h3>");
    expect(renderMarkdown("# ###")).toBe("<h2>###</h2>");
  });

  it("renders lists and keeps line separators inside an item as text", () => {
    expect(renderMarkdown("- one\n- two\u2028three\n1. first")).toBe(
      "<ul><li>one</li><li>two\u2028three</li></ul>\n<ol><li>first</li></ol>",
    );
  });

  it("renders pathological text as plain text: brackets, tabs, hashes, separators", () => {
    const brackets = "[".repeat(99_999);
    expect(renderMarkdown(brackets)).toBe(`<p>${brackets}</p>`);
    const nested = "[[](['.repeat(20_000)";
    expect(renderMarkdown(nested)).toContain("[[](");
    const tabs = `#${"\t".repeat(50_000)}x`;
    expect(renderMarkdown(tabs)).toBe("<h2>x</h2>");
    const hashes = `# a${" #".repeat(30_000)}`;
    expect(renderMarkdown(hashes).startsWith("<h2>a #")).toBe(true);
    expect(markdownToText(brackets)).toBe(brackets);
  });
});
