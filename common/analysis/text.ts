/**
 * Small string cuts that Dockerfile text goes through, in linear time. Their RegExp spellings
 * (`/\/+$/`, `/[?#].*$/`, `/\*.*$/`) retry at every start position and cost quadratic time on a
 * hostile value: 80,000 slashes in a COPY source took 14 s.
 */

/** The text without trailing `/` characters. */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** What follows the last `/` (the whole text when there is none). */
export function lastSegment(s: string): string {
  return s.slice(s.lastIndexOf('/') + 1);
}

/** The text before the first of `chars` (the whole text when none occurs). */
export function cutAtFirst(s: string, chars: string): string {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i])) return s.slice(0, i);
  return s;
}

/** A cluster of short options (`-fsSLO`, not `--long`) that holds `letter`: `/^-[a-zA-Z]*O[a-zA-Z]*$/` without the backtracking. */
export function shortOptionsWith(word: string, letter: string, letters = /^-[a-zA-Z]*$/): boolean {
  return letters.test(word) && word.includes(letter, 1);
}

/**
 * The folder part in front of the first path segment holding a wildcard (`*`, `?`, `[`): `src/*.py` →
 * `src`, `*.py` → `` (`/\/?[^/]*[*?[].*$/` without its cubic retries).
 */
export function beforeWildcardSegment(s: string): string {
  let first = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' || c === '?' || c === '[') { first = i; break; }
  }
  if (first < 0) return s;
  const slash = s.lastIndexOf('/', first);
  return slash < 0 ? '' : s.slice(0, slash);
}

/**
 * Where two versions of a text differ, as one span: `old[from, oldTo)` became `text[from, newTo)` (the
 * longest common prefix, then the longest common suffix of what is left).
 */
export function changedSpan(old: string, text: string): { from: number; oldTo: number; newTo: number } {
  const shorter = Math.min(old.length, text.length);
  let from = 0;
  while (from < shorter && old.charCodeAt(from) === text.charCodeAt(from)) from++;
  let tail = 0;
  while (tail < shorter - from && old.charCodeAt(old.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  return { from, oldTo: old.length - tail, newTo: text.length - tail };
}
