import { describe, expect, it } from "vitest";
import { fillNotesTemplate, isPublicChange } from "../../../src/domain/notifications";

// Internal changes stay internal: the client-facing notes list public entries only.
const facts = (change_log: { summary: string; kind: string | null; public?: boolean | null }[]) => ({
  notes: "Summer sale landing page is live.",
  change_log,
  project: "Bondi shop",
  version: "3.0.0",
  title: "Summer sale",
  published_date: "2 December 2026",
  agency: "Harbour Digital",
});

describe("which changes clients see", () => {
  it("decides by kind unless the author said", () => {
    expect(isPublicChange({ kind: "feature" })).toBe(true);
    expect(isPublicChange({ kind: "fix" })).toBe(true);
    expect(isPublicChange({ kind: null })).toBe(true);
    expect(isPublicChange({ kind: "content" })).toBe(true);
    for (const kind of ["chore", "refactor", "ci", "build", "test", "docs", "style", "Chore "])
      expect(isPublicChange({ kind }), kind).toBe(false);
    expect(isPublicChange({ kind: "chore", public: true })).toBe(true);
    expect(isPublicChange({ kind: "feature", public: false })).toBe(false);
  });

  it("the default template shows public entries only; {{change_log_all}} shows every one", () => {
    const log = [
      { summary: "New summer sale banner", kind: "feature" },
      { summary: "Upgrade CMS to 6.2", kind: "chore" },
      { summary: "Checkout total rounding", kind: "fix" },
      { summary: "Rename internal flag", kind: "feature", public: false },
    ];
    const page = fillNotesTemplate(null, facts(log));
    expect(page).toContain("- feature: New summer sale banner");
    expect(page).toContain("- fix: Checkout total rounding");
    expect(page).not.toContain("Upgrade CMS to 6.2");
    expect(page).not.toContain("Rename internal flag");
    const internal = fillNotesTemplate("{{change_log_all}}", facts(log));
    expect(internal).toContain("- chore: Upgrade CMS to 6.2");
    expect(internal).toContain("Rename internal flag");
  });
});
