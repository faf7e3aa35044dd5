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
