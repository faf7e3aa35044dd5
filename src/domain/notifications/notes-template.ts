/**
 * The agency's release-notes template: markdown with {{placeholders}}, filled
 * when the public page and the feed are rendered. Placeholder values are plain
 * text and go through the same escaping markdown renderer as the template.
 */
import { type ChangeVisibility, isPublicChange } from "./change-log";

export const DEFAULT_NOTES_TEMPLATE = "{{notes}}\n\n## What changed\n\n{{change_log}}";

export const TEMPLATE_PLACEHOLDERS = {
  notes: "The release notes written for this release (markdown).",
  change_log:
    "The public entries of the change log as a bullet list (chores, refactors, CI and the like stay internal unless marked public).",
  change_log_all:
    "Every entry of the change log, internal ones too: for templates that stay inside the agency.",
  project: "The project's name.",
  version: "The release's version.",
  title: "The release's title.",
  published_date: "The date the notes were published (the agency's zone).",
  agency: "The agency's name.",
} as const;

export interface NotesTemplateFacts {
  notes: string;
  change_log: (ChangeVisibility & { summary: string })[];
  project: string;
  version: string;
  title: string;
  published_date: string;
  agency: string;
}

/** Unknown placeholders are left as written, so a typo shows on the preview instead of vanishing. */
export function fillNotesTemplate(template: string | null, facts: NotesTemplateFacts): string {
  const values: Record<string, string> = {
    notes: facts.notes,
    change_log: bullets(facts.change_log.filter(isPublicChange)),
    change_log_all: bullets(facts.change_log),
    project: facts.project,
    version: facts.version,
    title: facts.title,
    published_date: facts.published_date,
    agency: facts.agency,
  };
  return (template ?? DEFAULT_NOTES_TEMPLATE).replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? "") : whole,
  );
}

function bullets(entries: NotesTemplateFacts["change_log"]): string {
  return entries
    .map((entry) => `- ${entry.kind ? `${entry.kind}: ` : ""}${entry.summary.replace(/\n/g, " ")}`)
    .join("\n");
}
