import { describe, expect, it } from "vitest";
import { formatMailbox, headerText } from "../../../src/domain/notifications/headers";
import { markdownToText, renderMarkdown } from "../../../src/domain/notifications/markdown";
import { redactCapabilityTokens } from "../../../src/lib/redact";
import { slugify } from "../../../src/lib/strings";

// Timings of agency text through every function that applies patterns to it, pathological input
// against ordinary prose of the same length (the largest a 1 MiB body allows, roughly). Linear time
// is proved by `npm run lint:regex` (recheck over every pattern in the Worker); this part reports
// what that means in milliseconds, so a regression shows up as a number in the hardening report.
// Every input must render without throwing; the timings are reported, not asserted (the machine is shared).
//
// Random parts: none.

const LENGTH = 100_000;
const ordinary = "Launch the new booking flow for Harbour Cafe. ".repeat(LENGTH / 46).slice(0, LENGTH);

const PATHOLOGICAL: Record<string, string> = {
  "runs of [": "[".repeat(LENGTH),
  "nested [](": "[[](".repeat(LENGTH / 4),
  "heading of tabs": `#${"\t".repeat(LENGTH - 2)}x`,
  "closing hashes": `# a${" #".repeat(LENGTH / 2 - 2)}`,
  "list markers": "- ".repeat(LENGTH / 2),
  "emphasis stars": "*".repeat(LENGTH),
  backslashes: "\\".repeat(LENGTH),
  "line breaks": "\r\n".repeat(LENGTH / 2),
  "url-ish": "/u/".repeat(LENGTH / 3),
  "token-ish query": "?token=&".repeat(LENGTH / 8),
};

const RENDERERS: Record<string, (text: string) => unknown> = {
  "markdown to HTML (notes pages, email)": (text) => renderMarkdown(text),
  "markdown to text (email text part)": (text) => markdownToText(text),
  "header text (subjects)": (text) => headerText(text),
  "mailbox (From display name)": (text) => formatMailbox(text, "releases@agency.example"),
  "slug from a name": (text) => slugify(text),
  "capability-link redaction (logs)": (text) => redactCapabilityTokens(text),
};

async function timed(render: (text: string) => unknown, text: string): Promise<number> {
  const runs = 3;
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const started = Date.now();
    render(text);
    // Yield to I/O so the next Date.now() has moved on (workerd advances time at I/O only).
    await new Promise((resolve) => setTimeout(resolve, 0));
    total += Date.now() - started;
  }
  return total / runs;
}

describe("pathological text through the renderers", () => {
  it("renders every pathological input, and reports its time against ordinary prose", async () => {
    for (const [rendererName, render] of Object.entries(RENDERERS)) {
      const baseline = await timed(render, ordinary);
      let worst = { name: "", ms: 0 };
      for (const [inputName, text] of Object.entries(PATHOLOGICAL)) {
        expect(() => render(text)).not.toThrow();
        const ms = await timed(render, text);
        if (ms >= worst.ms) worst = { name: inputName, ms };
      }
      console.log(
        `[hardening] abuse: ${rendererName}: ${LENGTH.toLocaleString("en-AU")} characters, ordinary ${baseline.toFixed(1)} ms, worst pathological (${worst.name}) ${worst.ms.toFixed(1)} ms`,
      );
    }
  });
});
