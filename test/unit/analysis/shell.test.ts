import * as assert from 'assert';
import fc from 'fast-check';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { clearShellCache, identityText, joinContinuations, parseShell, parseUncached, shellCacheSize, shellParseCounts } from '../../../common/analysis/shell';

/** The fast walker reads mvdan-sh's internal structs; it must agree with the public-API walker. */
const CORPUS = [
  'apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*',
  "pip install --no-cache-dir -r requirements.txt || echo 'a && b'; sh -c 'npm ci' | cat",
  'set -eux; for f in a b c; do echo "$f"; done && python -m pip install -e \'.[dev]\'',
  'A=1 B="x y" C=$D pip install "$PKG" ${X:-y} $(echo z) `uname` a\\ b',
  'if [ -f x ]; then pip install a; elif true; then npm ci; else yarn; fi',
  'while false; do go mod download; done; case $x in a) cargo fetch;; *) bundle install;; esac',
  '{ composer install; } && (dotnet restore) && f() { mvn package; } && time gradle build',
  'cat <<EOF > /x\nhello $name\nEOF\n<<-"END"\n\tpip install a\n\tEND\n',
  'echo "héllo ✓" && pip install --no-cache-dir x',
  'x=$(pip download -d /w a) && echo "$(npm ci)"',
  'export PATH=/x:$PATH && env FOO=1 sudo -E pip install a',
];

describe('shell parsing: fast walker', () => {
  for (const text of CORPUS) {
    it(JSON.stringify(text.slice(0, 50)), () => {
      const fast = parseUncached(text, 'fast');
      const slow = parseUncached(text, 'wrapped');
      const norm = (r: typeof fast) => r.commands.map(c => ({ words: c.words.map(w => [w.text, w.value, w.start, w.end]), assigns: c.assigns.map(a => [a.name, a.value]), start: c.start }));
      assert.deepStrictEqual(norm(fast), norm(slow));
      assert.ok(fast.commands.length > 0);
    });
  }
});

describe('shell parsing: su -c', () => {
  // the commands inside the script, without the su/sh carrying it
  const nested = (text: string) => parseUncached(text, 'fast').commands.filter(c => !['su', 'sh'].includes(c.words[0].value ?? '')).map(c => ({ words: c.words.map(w => w.value), runAs: c.runAs }));

  it('su <user> -c, su -c … <user>, su --command=…: the script is parsed, run as that user', () => {
    assert.deepStrictEqual(nested('su app -c "npm install"'), [{ words: ['npm', 'install'], runAs: 'app' }]);
    assert.deepStrictEqual(nested("su - -c 'pip install a' app"), [{ words: ['pip', 'install', 'a'], runAs: 'app' }]);
    assert.deepStrictEqual(nested("su --command='npm ci' app"), [{ words: ['npm', 'ci'], runAs: 'app' }]);
    assert.deepStrictEqual(nested("su $APP_USER -c 'npm ci'"), [{ words: ['npm', 'ci'], runAs: '?' }]);
  });

  it('sh -c keeps the RUN user; su without -c runs nothing nested', () => {
    assert.deepStrictEqual(nested("sh -c 'npm ci'"), [{ words: ['npm', 'ci'], runAs: undefined }]);
    assert.deepStrictEqual(nested('su app'), []);
  });
});

/** joinContinuations as first written (one character at a time): the reference the faster one must equal. */
function joinReference(doc: string, start: number, end: number, escapeChar: string): { text: string; map: number[] } {
  const out: string[] = [];
  const map: number[] = [];
  let i = start;
  const inHeredoc = /<<-?\s*['"]?[A-Za-z_]/.test(doc.slice(start, Math.min(end, start + 4096)));
  while (i < end) {
    const c = doc[i];
    if (!inHeredoc && c === escapeChar) {
      let j = i + 1;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (j < end && (doc[j] === '\n' || doc[j] === '\r')) {
        if (doc[j] === '\r' && doc[j + 1] === '\n') j++;
        j++;
        for (;;) {
          let k = j;
          while (k < end && (doc[k] === ' ' || doc[k] === '\t')) k++;
          if (k < end && doc[k] === '#') {
            while (k < end && doc[k] !== '\n') k++;
            j = Math.min(end, k + 1);
            continue;
          }
          if (k < end && (doc[k] === '\n' || doc[k] === '\r')) {
            if (doc[k] === '\r' && doc[k + 1] === '\n') k++;
            j = k + 1;
            continue;
          }
          break;
        }
        i = j;
        continue;
      }
      if (escapeChar !== '\\') { out.push(c); map.push(i); i++; continue; }
    }
    if (c === '\r' && doc[i + 1] === '\n') { i++; continue; }
    out.push(c);
    map.push(i);
    i++;
  }
  map.push(end);
  return { text: out.join(''), map };
}

describe('joinContinuations', () => {
  it('equals the character-at-a-time reference on fuzzed RUN text (continuations, comments, CRLF, heredocs, both escapes)', () => {
    const piece = fc.constantFrom('a', 'pip install', ' ', '\t', '\\', '`', '\n', '\r\n', '\r', '# c', '&&', '<<EOF', "'q'", 'é');
    const arb = fc.tuple(fc.array(piece, { maxLength: 40 }).map(p => p.join('')), fc.constantFrom('\\', '`'), fc.nat(), fc.nat());
    fc.assert(fc.property(arb, ([doc, esc, a, b]) => {
      const start = doc.length ? a % (doc.length + 1) : 0;
      const end = start + (doc.length - start ? b % (doc.length - start + 1) : 0);
      const got = joinContinuations(doc, start, end, esc);
      const want = joinReference(doc, start, end, esc);
      assert.strictEqual(got.text, want.text);
      assert.deepStrictEqual([...got.map], want.map);
      assert.strictEqual(got.endOffset, end);
    }), { numRuns: 2000, seed: 20261126 });
  });
});

describe('shell parsing: a keystroke in a literal is applied to the previous parse', () => {
  /** Scripts with literals of every kind next to what must not be patched (names, quotes, shells, su, heredocs, fds). */
  const SCRIPTS = [
    'apt-get update && apt-get install -y --no-install-recommends gcc-12 libpq-dev && rm -rf /var/lib/apt/lists/*',
    'set -eux; for f in a b c; do echo "$f-abc" > /tmp/x1; done && python -m pip install -e \'.[dev]\' requests==2.31',
    'A=1 B="x y" pip install "$PKG" ${X:-y} "$(echo zz-top)" `uname` a\\ b ab12cd 1a2>/dev/null',
    "sh -c 'npm ci --omit dev' && su app -c \"pip install flask\" && bash -c \"echo hello\"",
    'cat <<EOF > /etc/conf.d/x\nhello $name world\nEOF\nnpm install --global pnpm@8.15.1 && echo EOFX',
    'x=$(pip download -d /wheels abc) && echo "$(npm ci --prefer-offline)" && curl -fsSL https://example.org/a.tar.gz | tar -xz -C /opt',
  ];
  const PLAIN_CHARS = 'abz019_.,/:+@%-';
  const ANY_CHARS = `${PLAIN_CHARS} ="'$\`\\;&|<>(){}[]#*?!~\n=`;
  type Piece = { readonly start: number; readonly end: number; readonly value?: string };
  const norm = (r: { readonly commands: ReadonlyArray<{ readonly words: ReadonlyArray<Piece & { text: string }>; readonly assigns: ReadonlyArray<Piece & { name: string }>; start: number; end: number; nested: boolean; runAs?: string }>; error?: string }) =>
    ({ error: r.error !== undefined, commands: r.commands.map(c => ({ words: c.words.map(w => [w.text, w.value, w.start, w.end]), assigns: c.assigns.map(a => [a.name, a.value, a.start, a.end]), start: c.start, end: c.end, nested: c.nested, runAs: c.runAs })) });
  /** The top-level parse through the cache (and the keystroke patch), as analyze reads it. */
  const viaCache = (text: string) => parseShell(identityText(text, 0));
  const full = (text: string) => parseUncached(text, 'fast', 0);

  it('fuzzed typing and deleting, in sequence: every result equals a full parse of the same text', () => {
    clearShellCache();
    const before = shellParseCounts.patched;
    fc.assert(fc.property(
      fc.constantFrom(...SCRIPTS),
      fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.constantFrom(...ANY_CHARS.split('')), fc.boolean()), { minLength: 1, maxLength: 12 }),
      (script, edits) => {
        let text = script;
        viaCache(text);
        for (const [insert, pos, ch, plainOnly] of edits) {
          const at = pos % (text.length + (insert ? 1 : 0));
          const c = plainOnly ? PLAIN_CHARS[pos % PLAIN_CHARS.length] : ch;
          text = insert ? text.slice(0, at) + c + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
          assert.deepStrictEqual(norm(viaCache(text)), norm(full(text)), JSON.stringify(text));
        }
      },
    ), { numRuns: 400, seed: 15 });
    // the patch did run: without it this spec would only compare full parses
    assert.ok(shellParseCounts.patched - before > 200, `only ${shellParseCounts.patched - before} edits were patched`);
  });

  it('typing a package name is patched; a space, a quote, a command name or a shell script is parsed again', () => {
    clearShellCache();
    const typed = (from: string, to: string) => {
      viaCache(from);
      const p = shellParseCounts.patched;
      const f = shellParseCounts.full;
      assert.deepStrictEqual(norm(viaCache(to)), norm(full(to)));
      return shellParseCounts.patched > p ? 'patched' : shellParseCounts.full > f ? 'parsed' : 'cached';
    };
    assert.strictEqual(typed('pip install flask', 'pip install flaask'), 'patched');
    assert.strictEqual(typed('echo "abc" x', 'echo "abxc" x'), 'patched');
    assert.strictEqual(typed('pip install flask', 'pip install fl ask'), 'parsed');
    assert.strictEqual(typed('pip install flask', 'pip install fl"ask'), 'parsed');
    assert.strictEqual(typed('pip install flask', 'pipx install flask'), 'parsed');
    assert.strictEqual(typed("sh -c 'npm ci' abc", "sh -c 'npm ci' abxc"), 'parsed');
    assert.strictEqual(typed('echo 1a2>/dev/null', 'echo 12>/dev/null'), 'parsed');
    assert.strictEqual(typed('echo $abc', 'echo $abxc'), 'parsed');
  });

  it('a kept parse reads back as parsed: quoted values, assignments, nested scripts with escapes, su users, errors', () => {
    clearShellCache();
    const texts = [
      ...SCRIPTS,
      'sh -c "echo \\"a b\\" \\$HOME && pip install \\"x==1\\"" && FOO="$(id -u)" BAR=\'q r\' make -j"$N" \'all\'',
      "su -l app -c 'npm ci' && runuser -u app -- true && su --command='pip install a' app",
      'echo "unterminated',
      'pip install héllo "wörld" && echo ok',
    ];
    for (const text of texts) {
      const parsed = full(text);
      assert.deepStrictEqual(norm(viaCache(text)), norm(parsed), `kept: ${text}`);
      assert.deepStrictEqual(norm(viaCache(text)), norm(parsed), `read back: ${text}`);
      assert.deepStrictEqual(viaCache(text).error, parsed.error, text);
    }
  });

  it('a RUN longer than 32,767 characters is kept in 32-bit numbers, and one typed past that length too', () => {
    clearShellCache();
    const words = (n: number) => Array.from({ length: n }, (_, i) => `pkg-${i}-1.${i}`).join(' ');
    const long = `pip install ${words(3200)} && echo done`;
    assert.ok(long.length > 40_000);
    assert.deepStrictEqual(norm(viaCache(long)), norm(full(long)));
    assert.deepStrictEqual(norm(viaCache(long)), norm(full(long)));
    // just under the limit, then typed into a package name near the start until past it
    let text = `pip install ${words(3200)}`.slice(0, 32_766).replace(/ \S*$/, ' z');
    assert.ok(text.length < 32_768 && text.length > 32_750, String(text.length));
    viaCache(text);
    const patched = shellParseCounts.patched;
    const at = text.indexOf('pkg-1-') + 4;
    for (let i = 0; i < 20; i++) {
      text = text.slice(0, at) + String(i % 10) + text.slice(at);
      assert.deepStrictEqual(norm(viaCache(text)), norm(full(text)), `after ${i + 1} keystrokes`);
    }
    assert.ok(text.length > 32_768);
    assert.strictEqual(shellParseCounts.patched - patched, 20);
  });

  it('a kept parse holds its own copy of the text, not the document it was sliced from', () => {
    // 200 documents of 100,000 characters, each with a one-line RUN parsed from a slice of it: kept, the
    // documents would hold about 20 MB; the kept parses themselves need about a kilobyte each
    clearShellCache();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const doc = `FROM base\nRUN pip install pkg${i} && echo done-${i}\n# ${'x'.repeat(100_000)}\n`;
      const start = doc.indexOf('pip');
      parseShell(joinContinuations(doc, start, doc.indexOf('\n', start), '\\'));
    }
    gc();
    const grew = process.memoryUsage().heapUsed - before;
    assert.strictEqual(shellCacheSize(), 200);
    assert.ok(grew < 4_000_000, `the kept parses of 200 RUNs take ${(grew / 1e6).toFixed(1)} MB: the documents are kept with them`);
  });

  it('typing keeps one parse per RUN, not one per keystroke', () => {
    clearShellCache();
    let text = 'apt-get install -y curl && pip install requests';
    viaCache(text);
    // typed forwards inside the word, one character at a time
    const at = text.indexOf('requests') + 4;
    [...'-oauth'].forEach((c, i) => {
      text = text.slice(0, at + i) + c + text.slice(at + i);
      viaCache(text);
    });
    assert.ok(text.endsWith('pip install requ-oauthests'), text);
    assert.strictEqual(shellCacheSize(), 1);
    assert.deepStrictEqual(norm(viaCache(text)), norm(full(text)));
  });
});
