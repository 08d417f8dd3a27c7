/**
 * fast-check arbitraries for Docker path patterns from a grammar: literals (regexp metacharacters
 * included), `*`, `**`, `?`, `[...]` classes with `^`, ranges and escapes, `\` escapes, malformed
 * classes and trailing backslashes; `.dockerignore` lines with `!`, leading `/`, `./` and spaces;
 * clean context-relative paths over the same small alphabet so that matches are frequent.
 */
import fc from 'fast-check';

const CHARS = ['a', 'b', '.', '-', '|', '(', ']', '^', '!', '$', '+', '{', 'é', '😀'];
const PATH_CHARS = ['a', 'b', '.', '-', '|', '(', ']', '^', '!', '*', '?', '[', '\\', 'é', '😀'];

const classItem = fc.oneof(
  fc.constantFrom('a', 'b', '/', '.', '!', '^', '*', '?', '[', 'é', '😀', '\\]', '\\-', '\\\\', '\\a'),
  fc.constantFrom('a-b', 'a-z', '.-a', 'b-a', '\\]-\\^', 'a-😀'),
);

const atom = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CHARS) },
  { weight: 3, arbitrary: fc.constantFrom('*', '**', '?', '/') },
  { weight: 2, arbitrary: fc.constantFrom('\\*', '\\?', '\\[', '\\a', '\\\\', '\\]', '\\/') },
  { weight: 2, arbitrary: fc.tuple(fc.boolean(), fc.array(classItem, { minLength: 1, maxLength: 3 })).map(([neg, items]) => `[${neg ? '^' : ''}${items.join('')}]`) },
  // malformed: Docker rejects these
  { weight: 1, arbitrary: fc.constantFrom('[', '[]', '[^]', '[a-', '[-a]', '[a-]', '[a-b-c]', '\\') },
);

/** A single pattern (COPY source glob or one ignore line without `!`). */
export const pattern = fc.array(atom, { minLength: 0, maxLength: 7 }).map(a => a.join(''));

/** A clean context-relative path: no empty, `.` or `..` segments. */
export const contextPath = fc
  .array(fc.array(fc.constantFrom(...PATH_CHARS), { minLength: 1, maxLength: 3 }).map(c => c.join('')), { minLength: 1, maxLength: 4 })
  .map(segs => segs.filter(s => s !== '.' && s !== '..'))
  .filter(segs => segs.length > 0)
  .map(segs => segs.join('/'));

/** `.dockerignore` lines (or the `--exclude` values of one COPY). */
export const ignoreLines = fc.array(
  fc.tuple(fc.constantFrom('', '', '!', '! '), fc.constantFrom('', '', '/', './', ' '), pattern).map(([neg, lead, p]) => `${neg}${lead}${p}`),
  { minLength: 1, maxLength: 4 },
);

/** Star-heavy patterns and long repetitive paths: the inputs that make backtracking matchers explode. */
export const hostilePair = fc.tuple(
  fc.array(fc.constantFrom('*', '*a', 'a*', '**', '?', 'a', '[ab]', '/'), { minLength: 4, maxLength: 24 }).map(a => `${a.join('')}b`),
  // mostly a's with a `b` at the end or nowhere: the wildcards must try every split before the answer
  fc.tuple(fc.constantFrom('a', 'aa/', 'ab', 'a/a'), fc.integer({ min: 200, max: 4000 }), fc.constantFrom('', 'b', 'ab', '/b'))
    .map(([unit, n, end]) => unit.repeat(Math.ceil(n / unit.length)) + end),
);
