import * as assert from 'assert';
import { cleanPath, dockerPattern, globPattern, hasWildcard, normalisePatternLine, patternList } from '../../../common/analysis/dockerPattern';

/** Assert which paths a matcher accepts and which it rejects. */
function cases(what: string, test: (p: string) => boolean, yes: readonly string[], no: readonly string[]) {
  for (const p of yes) assert.ok(test(p), `${what} should match ${JSON.stringify(p)}`);
  for (const p of no) assert.ok(!test(p), `${what} should not match ${JSON.stringify(p)}`);
}

const glob = (pattern: string, yes: readonly string[], no: readonly string[]) => cases(`glob ${pattern}`, globPattern(pattern).matches, yes, no);
const ignores = (lines: readonly string[], yes: readonly string[], no: readonly string[]) =>
  cases(`.dockerignore ${JSON.stringify(lines)}`, patternList(lines).matches, yes, no);

describe('Docker path patterns', () => {
  describe('globs: Go filepath.Match (COPY/ADD sources)', () => {
    it('`*` is any run of characters within one folder, the empty run included', () => {
      glob('*', ['main.py', ''], ['src/main.py']);
      glob('*.py', ['main.py', '.py'], ['main.pyc', 'src/main.py']);
      glob('ma*', ['ma', 'main.py'], ['src/ma', 'x/main.py']);
      glob('*/c', ['ab/c'], ['a/b/c', 'c']);
      glob('a*z*/f', ['az/f', 'a1z2/f', 'aXXzYY/f'], ['a/z/f', 'az/g/f', 'az/ff']);
    });

    it('`?` is exactly one character, never `/`, and one code point for characters outside the BMP', () => {
      glob('f?.txt', ['f1.txt', 'fé.txt', 'f😀.txt'], ['f.txt', 'f12.txt', 'f/.txt']);
      glob('a???b', ['a123b'], ['a😀b']);
    });

    it('`[...]` classes: sets, ranges, `^` negation, escapes; a class may match `/`', () => {
      glob('v[123]', ['v1', 'v3'], ['v4', 'v', 'v12']);
      glob('v[0-9a-c]', ['v7', 'vb'], ['vd', 'vA']);
      glob('v[^0-9]', ['vx', 'v/'], ['v5']);
      glob('[\\]x]', [']', 'x'], ['\\']);
      glob('[a\\-]', ['a', '-'], ['b']);
      glob('[α-ω]', ['β'], ['a']);
      // `!` negates in shells and .gitignore, not in Go: it is one more member
      glob('[!a]', ['!', 'a'], ['b']);
    });

    it('`\\` escapes the next character', () => {
      glob('a\\*b', ['a*b'], ['ab', 'axb']);
      glob('\\[x]', ['[x]'], ['x']);
    });

    it('`**` is just `*` (two stars, one folder level)', () => {
      glob('**/*.go', ['a/b.go'], ['a/b/c.go', 'b.go']);
      glob('a**', ['abc'], ['a/bc']);
    });

    it('regexp metacharacters are ordinary characters', () => {
      glob('foo(', ['foo('], ['foo']);
      glob('|', ['|'], ['', 'a']);
      glob('a.c', ['a.c'], ['abc']);
      glob('x+$^{1}', ['x+$^{1}'], ['xx$^{1}']);
    });

    it('malformed patterns (Docker fails the build) match nothing and say so', () => {
      for (const bad of ['[', 'a[', '[^', '[a-', '[x-]', '[-x]', '[]a]', '[a-b-c]', 'x\\']) {
        const g = globPattern(bad);
        assert.strictEqual(g.valid, false, bad);
        assert.strictEqual(g.matches(bad), false, bad);
        assert.strictEqual(g.matches('a'), false, bad);
      }
      assert.strictEqual(globPattern('[a]').valid, true);
    });

    it('hasWildcard follows BuildKit: an escaped wildcard does not count', () => {
      assert.deepStrictEqual(['a*', 'a?', 'a[b]', 'a\\*', 'plain', 'a\\[b'].map(hasWildcard), [true, true, true, false, false, false]);
    });
  });

  describe('.dockerignore: moby patternmatcher', () => {
    it('a pattern also excludes everything below a folder it matches', () => {
      ignores(['build'], ['build', 'build/out.bin', 'build/a/b'], ['builder', 'src/build', 'buil']);
      ignores(['*/temp*'], ['somedir/temporary.txt', 'somedir/temp', 'somedir/temp/x'], ['temp', 'a/b/temp']);
      ignores(['*/*/temp*'], ['somedir/subdir/temporary.txt'], ['somedir/temp.txt']);
      ignores(['temp?'], ['tempa', 'tempb/x'], ['temp', 'tempab']);
    });

    it('`**` spans any number of folders, none included', () => {
      ignores(['**/*.go'], ['main.go', 'a/b/c.go'], ['main.golang', 'go']);
      ignores(['a/**/z'], ['a/z', 'a/b/z', 'a/b/c/z', 'a/b/z/inner'], ['az', 'a/bz', 'b/a/z']);
      ignores(['a**z'], ['az', 'a/z', 'aq/z'], ['aqz']);
      ignores(['node_modules/**'], ['node_modules/x', 'node_modules/a/b'], ['node_modules', 'node_modulesx']);
      ignores(['**'], ['a', 'a/b', '.dockerignore'], []);
    });

    it('a pattern that is `**` and plain text matches any path ending in the text (patternmatcher\'s shortcut)', () => {
      ignores(['**/secret'], ['secret', 'a/secret', 'a/secret/key'], ['mysecret', 'secret.txt']);
      ignores(['**.log'], ['x.log', 'a/b/x.log', 'a.log/inner'], ['x.logs']);
    });

    it('`!` re-includes, the last matching line wins, and a folder match re-includes its contents', () => {
      ignores(['*.md', '!README.md'], ['notes.md'], ['README.md', 'main.go']);
      ignores(['*.md', '!README*.md', 'README-secret.md'], ['notes.md', 'README-secret.md'], ['README.md', 'README-dev.md']);
      ignores(['*.md', 'README-secret.md', '!README*.md'], ['notes.md'], ['README-secret.md', 'README.md']);
      ignores(['vendor', '!vendor/keep'], ['vendor/lib/a.js'], ['vendor/keep/k.js', 'vendor/keep']);
      ignores(['!a', 'a'], ['a/x'], []);
      // one path spelled two ways: still the later line wins
      ignores(['\\a', '!a'], [], ['a']);
      ignores(['!\\a', 'a'], ['a'], []);
      // `/!a` is cleaned to `!a` before patternmatcher looks for `!`: an exception
      ignores(['a*', '/!ab'], ['a', 'ac'], ['ab']);
    });

    it('lines are trimmed and cleaned: `/foo/bar`, `./foo/bar`, `foo//bar/` and `foo/x/../bar` are `foo/bar`', () => {
      for (const line of ['/foo/bar', './foo/bar', 'foo//bar/', 'foo/x/../bar', '  foo/bar  ', '! /foo/bar']) {
        assert.strictEqual(normalisePatternLine(line)?.pattern, 'foo/bar', line);
      }
      assert.strictEqual(normalisePatternLine('! /foo/bar')?.exclusion, true);
      ignores(['/foo/bar'], ['foo/bar', 'foo/bar/baz'], ['bar', 'x/foo/bar']);
      assert.strictEqual(normalisePatternLine('!'), undefined);
      assert.strictEqual(normalisePatternLine('   '), undefined);
    });

    it('cleanPath is Go path.Clean', () => {
      const cases: Array<[string, string]> = [['', '.'], ['a/./b', 'a/b'], ['a/../..', '..'], ['/../a', '/a'], ['a//b//', 'a/b'], ['../x/../y', '../y'], ['/', '/']];
      for (const [input, out] of cases) assert.strictEqual(cleanPath(input), out, input);
    });

    it('regexp metacharacters are literal: `foo(`, `|`, `{a,b}`, `$`', () => {
      ignores(['foo('], ['foo(', 'foo(/x'], ['foo', 'fo']);
      ignores(['|'], ['|'], ['a', 'b/c', '']);
      ignores(['{a,b}'], ['{a,b}'], ['a', 'b']);
      ignores(['a$'], ['a$'], ['a']);
    });

    it('a malformed line matches nothing and is listed; the others still apply', () => {
      const list = patternList(['[', '*.log', 'x\\']);
      assert.deepStrictEqual(list.invalid, ['[', 'x\\']);
      assert.ok(list.matches('a.log'));
      assert.ok(!list.matches('['));
    });

    it('thousands of plain lines and wildcard lines together keep their order', () => {
      const lines = Array.from({ length: 5000 }, (_, i) => `dir${i}`);
      lines.push('*.tmp', '!dir42/keep.tmp');
      const list = patternList(lines);
      ignores(lines, ['dir0/a', 'dir4999', 'x.tmp', 'dir42/other'], ['dir5000', 'dir42/keep.tmp', 'keep']);
      assert.strictEqual(list.hasExclusions, true);
    });

    it('a single Docker pattern without a list: matches and matchesOrParent', () => {
      const p = dockerPattern('src/**/*.ts');
      assert.ok(p.matches('src/a.ts') && p.matches('src/a/b.ts'));
      assert.ok(!p.matches('src/a.ts/x') && p.matchesOrParent('src/a.ts/x'));
      assert.strictEqual(p.literalPrefix, 'src/');
    });
  });
});
