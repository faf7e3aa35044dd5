/**
 * A deliberately small markdown renderer for release notes: headings, bullet and
 * numbered lists, paragraphs, emphasis, inline code and links. Everything is
 * escaped first; a link survives only with an http(s) URL. No raw HTML passes.
 */

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Inline markup over already-escaped text: links, `code`, **strong**, *em*. */
function inline(source: string): string {
  const parts: string[] = [];
  // Links are found in the raw text so their URL can be checked before escaping.
  // A label holds no brackets, and a URL only balanced pairs of parentheses one deep: each attempt
  // then ends at the next bracket, so the scan is linear (npm run lint:regex).
  const linkPattern = /\[([^[\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;
  let last = 0;
  for (const match of source.matchAll(linkPattern)) {
    const index = match.index ?? 0;
    parts.push(emphasis(escapeHtml(source.slice(last, index))));
    const label = emphasis(escapeHtml(match[1] ?? ""));
    const url = safeUrl(match[2] ?? "");
    parts.push(url ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${label}</a>` : label);
    last = index + match[0].length;
  }
  parts.push(emphasis(escapeHtml(source.slice(last))));
  return parts.join("");
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>");
}

/** "Title ##" → "Title": closing hashes after a space are decoration (CommonMark). */
function withoutClosingHashes(text: string): string {
  const trimmed = text.trimEnd();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === "#") end--;
  if (end === trimmed.length || end === 0 || !/\s/.test(trimmed[end - 1] ?? "")) return trimmed;
  return trimmed.slice(0, end).trimEnd();
}

/**
 * Renders markdown to HTML. `headingOffset` shifts heading levels so the page's own
 * title stays the only <h1> (accessibility: one h1, no skipped levels downwards).
 */
export function renderMarkdown(markdown: string, headingOffset = 1): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { tag: "ul" | "ol"; items: string[] } | null = null;

  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(" "))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((item) => `<li>${item}</li>`).join("")}</${list.tag}>`);
    list = null;
  };

  for (const line of lines) {
    const trimmed = line.trim();
    const heading = /^(#{1,6})\s+([\s\S]*)$/.exec(trimmed);
    const bullet = /^[-*+]\s+([\s\S]*)$/.exec(trimmed);
    const numbered = /^\d+[.)]\s+([\s\S]*)$/.exec(trimmed);
    if (trimmed === "") {
      flushParagraph();
      flushList();
    } else if (heading) {
      flushParagraph();
      flushList();
      const level = Math.min(6, (heading[1]?.length ?? 1) + headingOffset);
      out.push(`<h${level}>${inline(withoutClosingHashes(heading[2] ?? ""))}</h${level}>`);
    } else if (bullet || numbered) {
      flushParagraph();
      const tag = bullet ? "ul" : "ol";
      const current = list as { tag: "ul" | "ol"; items: string[] } | null;
      if (current && current.tag !== tag) flushList();
      if (!list) list = { tag, items: [] };
      (list as { items: string[] }).items.push(inline((bullet ?? numbered)?.[1] ?? ""));
    } else {
      flushList();
      paragraph.push(trimmed);
    }
  }
  flushParagraph();
  flushList();
  return out.join("\n");
}

/** Markdown reduced to plain text for emails and feed summaries. */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, "\n")
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/\[([^[\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g, "$1 ($2)")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .trim();
}
