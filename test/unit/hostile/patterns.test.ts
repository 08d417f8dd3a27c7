/**
 * Hostile repositories against the pattern matchers: inputs that used to take seconds to minutes
 * (backtracking RegExps built from globs, ignore lines and suppression comments) or to throw. Each
 * spec bounds the time generously (it is a hang detector, not a benchmark) and checks the answer.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MarkupContent } from 'vscode-languageserver-types';
import { analyze } from '../../../common/analysis/analyze';
import { globPattern, patternList } from '../../../common/analysis/dockerPattern';
import { parseCompose } from '../../../common/analysis/composeModel';
import { readIgnoreSpec } from '../../../server/src/buildContext/ignore';
import { buildGraph } from '../../../common/analysis/invalidation';
import { clearContextListingCache, listContext } from '../../../server/src/buildContext/listing';
import { answerFor } from '../../../server/src/buildContext/locate';
import { lint } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import { copyHover } from '../../../server/src/lsp/hover';

/** Generous: these inputs took from 5 s to minutes before. */
const BUDGET_MS = 2000;

function timed<T>(what: string, f: () => T): T {
  const t = Date.now();
  const out = f();
  const ms = Date.now() - t;
  assert.ok(ms < BUDGET_MS, `${what} took ${ms} ms`);
  return out;
}

const STARS = `${'*a'.repeat(12)}*b`;
const rules = (text: string) => timed('lint', () => lint(DOCKERFILE, text).findings.map(f => f.rule));

describe('hostile input: patterns and comments', function () {
  this.timeout(30_000);

  describe('COPY source globs', () => {
    const dockerfile = (source: string, read: string) =>
      `FROM local/busybox\nCOPY ${source} /app/\nRUN cat /app/${read} && curl -fsSL https://example.com/x -o /tmp/x\n`;

    it(`\`COPY ${STARS}\` and a long path a step reads: linted at once, and the glob does not match it`, () => {
      // no `b` at the end: the glob cannot match, so the copy is not what the download step reads
      assert.deepStrictEqual(rules(dockerfile(STARS, 'a'.repeat(20_000))), ['copy-before-download']);
    });

    it(`\`COPY ${STARS}\` does match a long name ending in b: the step reads what was copied`, () => {
      assert.deepStrictEqual(rules(dockerfile(STARS, `${'a'.repeat(20_000)}b`)), []);
    });

    it('a `[` in a glob does not throw; a valid class still matches', () => {
      assert.deepStrictEqual(rules(dockerfile('[', 'x')), ['copy-before-download']);
      assert.deepStrictEqual(rules(dockerfile('x[', 'x[')), ['copy-before-download']);
      assert.deepStrictEqual(rules(dockerfile('[xy]', 'x')), []);
    });

    it('regexp metacharacters in a glob are plain characters', () => {
      assert.deepStrictEqual(rules(dockerfile('x(*', 'x(1')), []);
      assert.deepStrictEqual(rules(dockerfile('x(*', 'x1')), ['copy-before-download']);
      assert.ok(globPattern('a|b*').matches('a|bc'));
      assert.ok(!globPattern('a|b*').matches('a'));
    });
  });

  describe('suppression comments', () => {
    const padded = (tail: string) => `FROM python:3.12\n# cache-advisor ignore=missing-cache-mount${' '.repeat(190_000)}${tail}\nRUN pip install flask\n`;

    it('a comment padded with 190k spaces still suppresses, in linear time', () => {
      const model = timed('analyze', () => analyze(padded('')));
      assert.ok(model.ignoredAt.get(2)?.has('missing-cache-mount'));
      assert.ok(!rules(padded('')).includes('missing-cache-mount'));
    });

    it('the same comment with a stray character at the end is no suppression (and as fast)', () => {
      const model = timed('analyze', () => analyze(padded('!')));
      assert.strictEqual(model.ignoredAt.size, 0);
      assert.ok(rules(padded('!')).includes('missing-cache-mount'));
    });

    it('50k stacked suppression comments apply to the one instruction below them', () => {
      const text = `FROM python:3.12\n${'# cache-advisor ignore=pip-no-cache-dir\n'.repeat(50_000)}RUN pip install flask\n`;
      const model = timed('analyze', () => analyze(text));
      assert.deepStrictEqual([...model.ignoredAt.keys()], [50_001]);
    });

    it('a global ignore padded with spaces and ids separated by commas and spaces', () => {
      const model = timed('analyze', () => analyze(`# cache-advisor global ignore=a-rule,${' '.repeat(100_000)}other_rule\nFROM x\n`));
      assert.deepStrictEqual([...model.ignoredGlobally], ['a-rule', 'other_rule']);
    });

    it('Compose files use the same parser', () => {
      const yaml = `# cache-advisor global ignore=compose-no-cache-env${' '.repeat(190_000)}!\nservices:\n  web:\n    image: x\n`;
      const model = timed('parseCompose', () => parseCompose(yaml));
      assert.strictEqual(model.ignoredGlobally.size, 0);
    });
  });

  describe('other text the analysis cuts with what used to be backtracking RegExps', () => {
    it('a COPY source with 80,000 trailing slashes (took 14 s)', () => {
      const model = timed('analyze', () => analyze(`FROM local/busybox\nCOPY req${'/'.repeat(80_000)}x.txt /app/\n`));
      assert.strictEqual(model.instructions[1].copy?.sources[0].kind, 'file');
      timed('lint', () => lint(DOCKERFILE, `FROM local/busybox\nCOPY src${'/'.repeat(80_000)} /app/\nRUN curl -fsSL https://example.com/x -o /app/x\n`));
    });

    it('slash runs in COPY sources above installs and in cache paths (the rules trimmed them with /\\/+$/)', () => {
      const slashes = '/'.repeat(40_000);
      // copy-before-install, missing-dockerignore: a directory source and a glob source with 40,000 slashes
      const found = rules(`FROM local/busybox\nWORKDIR /app\nCOPY src${slashes}x ./\nCOPY lib${slashes}*.py ./\nCOPY . .\nRUN pip install -r requirements.txt\n`);
      assert.ok(found.includes('copy-before-install'), found.join());
      // cache-mount-wrong-target reads XDG_CACHE_HOME; cache-mount-defeated cuts `rm` paths at their first `*`
      rules(`FROM local/busybox\nENV XDG_CACHE_HOME=/c${slashes}x\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask && rm -rf /root/.cache/pip/${'*'.repeat(40_000)}\n`);
    });

    it('20,000 unclosed `${A+` in an ENV value (took 8 s) still expand like Docker', () => {
      const model = timed('analyze', () => analyze(`FROM local/busybox\nENV A=1\nENV X=${'a${A+'.repeat(20_000)}\nENV Y=\${A:+set}-$A-\${NOPE:-dflt}\nRUN true\n`));
      assert.strictEqual(model.instructions[4].env.get('Y'), 'set-1-dflt');
    });

    it('a file name of 50,000 `[` (the wildcard probe was quadratic) and long option clusters', () => {
      timed('analyze', () => analyze(`FROM local/busybox\nCOPY ${'['.repeat(50_000)}* /app/\n`));
      const curl = `FROM local/busybox\nRUN curl -${'s'.repeat(60_000)} https://example.com/a.tgz && sh -${'e'.repeat(60_000)}c 'echo hi'\n`;
      timed('lint', () => lint(DOCKERFILE, curl));
      timed('lint', () => lint(DOCKERFILE, `FROM local/busybox\nRUN curl -${'O'.repeat(60_000)}x https://example.com/${'#'.repeat(60_000)}\n`));
    });
  });

  describe('.dockerignore and COPY --exclude', () => {
    let dir: string;
    const write = (rel: string, text = 'x') => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    const hover = (line: number) => {
      const file = path.join(dir, 'Dockerfile');
      const model = analyze(fs.readFileSync(file, 'utf8'));
      const ignore = readIgnoreSpec(file, dir);
      const h = copyHover({ model, graph: buildGraph(model, 'all'), ignore, contextDir: dir, listing: () => listContext(dir, ignore, { ttlMs: 0 }) }, { line: line - 1, character: 2 });
      return h ? (h.contents as MarkupContent).value : null;
    };
    const why = (file: string) => answerFor({ dockerfile: path.join(dir, 'Dockerfile'), file: path.join(dir, file) }).answer;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-hostile-'));
      clearContextListingCache();
      write('Dockerfile', 'FROM local/busybox\nWORKDIR /app\nCOPY . .\nRUN echo build\n');
      write('app.py');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it(`a \`${STARS}\` line and a file with a 255-character name: hover and what-rebuilds answer at once`, () => {
      write('.dockerignore', `${STARS}\n`);
      const long = 'a'.repeat(255);
      write(long);
      const t = timed('hover', () => hover(3))!;
      assert.match(t, /copies 4 files/);
      assert.strictEqual(timed('what-rebuilds', () => why(long)).inContext, true);
      // and on a path far longer than a file system allows
      assert.strictEqual(timed('match', () => patternList([STARS]).matches('a'.repeat(200_000))), false);
      assert.strictEqual(timed('match', () => patternList([STARS]).matches(`${'a'.repeat(200_000)}b`)), true);
    });

    it('a `foo(` line is the literal name `foo(`: hover works, what-rebuilds tells foo( from foo', () => {
      write('.dockerignore', 'foo(\n');
      write('foo(');
      write('foo');
      const t = hover(3)!;
      assert.match(t, /copies 4 files/); // .dockerignore, Dockerfile, app.py, foo
      assert.doesNotMatch(t, /`foo\(`/);
      assert.strictEqual(why('foo(').reason, 'ignored');
      assert.strictEqual(why('foo').inContext, true);
    });

    it('a `|` line excludes only a file named `|`', () => {
      write('.dockerignore', '|\n');
      write('|');
      assert.strictEqual(why('app.py').inContext, true);
      assert.strictEqual(why('|').reason, 'ignored');
      assert.match(hover(3)!, /copies 3 files/);
    });

    it('a `[` line does not throw: it matches nothing (Docker rejects it)', () => {
      write('.dockerignore', '[\n*.log\n');
      write('[');
      write('x.log');
      assert.strictEqual(why('[').inContext, true);
      assert.strictEqual(why('x.log').reason, 'ignored');
      assert.match(hover(3)!, /copies 4 files/);
    });

    it('a 20,000-line .dockerignore: the 250 ms listing budget holds, and hover answers within the bound', () => {
      // every line passes the cheap pre-tests on every file, so each file costs a real match against each line
      const lines = Array.from({ length: 20_000 }, (_, i) => `*file*[${String.fromCharCode(0x4e00 + i)}]`);
      write('.dockerignore', `${lines.join('\n')}\n`);
      for (let i = 0; i < 1500; i++) write(`src/file${i}.txt`);
      const ignore = readIgnoreSpec(path.join(dir, 'Dockerfile'), dir);
      const t = Date.now();
      const listing = listContext(dir, ignore, { ttlMs: 0, maxMillis: 250 });
      const ms = Date.now() - t;
      assert.ok(ms < 250 + 750, `listing took ${ms} ms`);
      assert.strictEqual(listing.complete, false);
      assert.match(timed('hover', () => hover(3))!, /copies at least \d+ files?[\s\S]*counts are lower bounds/);
    });

    it('COPY --exclude: regexp metacharacters are literal and a hostile pattern is linear', () => {
      write('Dockerfile', `# syntax=docker/dockerfile:1.7-labs\nFROM local/busybox\nCOPY --exclude=foo( --exclude=${STARS} . /app/\nRUN echo build\n`);
      write('foo(');
      write('foo');
      write('a'.repeat(255));
      assert.strictEqual(why('foo(').inContext, true);
      assert.deepStrictEqual(why('foo(').rerun, []);
      assert.deepStrictEqual(timed('what-rebuilds', () => why('foo')).rerun.map(s => s.line), [3, 4]);
      assert.deepStrictEqual(timed('what-rebuilds', () => why('a'.repeat(255))).rerun.map(s => s.line), [3, 4]);
    });
  });
});
