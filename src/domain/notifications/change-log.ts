/**
 * Which change-log entries a client sees. Engineering housekeeping stays internal unless marked
 * public; everything else (features, fixes, content, design, kinds an agency invents, or no kind)
 * is public unless marked otherwise. Conventional-commit kinds, as CI tools write them.
 */
export const INTERNAL_CHANGE_KINDS = [
  "chore",
  "refactor",
  "ci",
  "build",
  "test",
  "tests",
  "docs",
  "style",
] as const;

export interface ChangeVisibility {
  kind: string | null;
  /** Set by the author; absent or null: decided by the kind. */
  public?: boolean | null | undefined;
}

export function isPublicChange(entry: ChangeVisibility): boolean {
  if (typeof entry.public === "boolean") return entry.public;
  const kind = entry.kind?.trim().toLowerCase() ?? "";
  return !(INTERNAL_CHANGE_KINDS as readonly string[]).includes(kind);
}
