// String helpers that regular expressions would make quadratic: `/\/+$/` rescans every run of the
// character from each of its positions when the run is not at the end (npm run lint:regex).

/** `text` without `char` repeated at its end. */
export function trimTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}

/** `text` without `char` repeated at either end. */
export function trimBoth(text: string, char: string): string {
  let start = 0;
  while (start < text.length && text[start] === char) start++;
  return trimTrailing(text.slice(start), char);
}

const SLUG_MAX = 63;

/**
 * A URL slug from a name, as SlugSchema accepts it: "Café Website (2026)" → "cafe-website-2026".
 * Accents fold to their base letter; anything else that is not a letter or digit becomes one dash.
 * Empty when the name has no letters or digits at all.
 */
export function slugify(name: string): string {
  const folded = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-");
  return trimBoth(trimBoth(folded, "-").slice(0, SLUG_MAX), "-");
}
