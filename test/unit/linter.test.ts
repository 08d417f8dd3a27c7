import * as assert from 'assert';
import { analyze } from '../../common/analysis/analyze';
import { fixAll, lint, TOO_LARGE, verifyFix } from '../../server/src/lint/linter';
import { DOCKERFILE } from '../../server/src/lint/fileKinds';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { contextOnDisk } from '../support/contextOnDisk';

describe('engine', () => {
  it('refuses a fix that would change an instruction it does not own', () => {
    const model = analyze('FROM x\nRUN echo a\nRUN echo b\n');
    const bad = { title: 'bad', preferred: true, edits: [{ range: { start: { line: 1, character: 9 }, end: { line: 2, character: 0 } }, newText: ' \\\n' }] };
    assert.strictEqual(verifyFix(DOCKERFILE, model, bad), undefined, 'joining two RUNs must be refused');
    const good = { title: 'good', preferred: true, edits: [{ range: { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } }, newText: '--network=none ' }] };
    assert.strictEqual(verifyFix(DOCKERFILE, model, good), 'FROM x\nRUN --network=none echo a\nRUN echo b\n');
    const noop = { title: 'noop', preferred: true, edits: [] };
    assert.strictEqual(verifyFix(DOCKERFILE, model, noop), undefined);
  });

  it('fix-all on a file with every core problem is clean, parses and is idempotent', () => {
    const text = [
      'FROM python:3.12 AS base',
      'ENV PYTHONUNBUFFERED=1 \\',
      '    PIP_NO_CACHE_DIR=1',
      'RUN apt-get update && apt-get install -y gcc',
      'WORKDIR /app',
      'COPY . .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'FROM node:20 AS web',
      'WORKDIR /web',
      'COPY . .',
      'RUN npm ci',
      '',
    ].join('\n');
    // copy-before-install only reorders what it can check against a build context on disk
    const ws = contextOnDisk({ 'requirements.txt': 'flask\n', 'package.json': '{"name":"web"}', 'package-lock.json': '{}' });
    const { text: out, applied } = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, ws);
    assert.ok(applied.length >= 5, JSON.stringify(applied));
    assert.deepStrictEqual(lint(DOCKERFILE, out, DEFAULT_SETTINGS, ws).findings, []);
    assert.strictEqual(fixAll(DOCKERFILE, out, DEFAULT_SETTINGS, ws).text, out);
  });

  it('reports files above maxFileSize with one information diagnostic instead of analysing', () => {
    const r = lint(DOCKERFILE, 'FROM x\n' + 'RUN pip install a\n'.repeat(10), { ...DEFAULT_SETTINGS, maxFileSize: 50 });
    assert.strictEqual(r.findings.length, 1);
    assert.strictEqual(r.findings[0].rule, TOO_LARGE);
    assert.strictEqual(r.findings[0].severity, 'information');
  });

  it('never throws on garbage', () => {
    for (const text of ['', '\0\0\0', 'RUN', 'FROM', 'FROM x\nRUN --mount=', 'FROM x\nRUN ["unterminated', 'FROM x\nCOPY', 'FROM x\nENV', '\uFEFFFROM x\r\nRUN pip install --no-cache-dir a\r']) {
      assert.doesNotThrow(() => lint(DOCKERFILE, text), JSON.stringify(text));
      assert.doesNotThrow(() => fixAll(DOCKERFILE, text), JSON.stringify(text));
    }
  });

  describe('regressions found by fuzzing', () => {
    const ws = contextOnDisk({ r: 'flask\n', 'requirements.txt': 'flask\n' });
    const stable = (text: string) => {
      const once = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, ws).text;
      assert.strictEqual(fixAll(DOCKERFILE, once, DEFAULT_SETTINGS, ws).text, once, `fix-all not idempotent on ${JSON.stringify(text)}`);
      return once;
    };

    it('an extensionless requirements file (`pip install -r r`) is a manifest, not a directory: no r/r/r… growth', () => {
      const out = stable('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r r');
      assert.strictEqual(out, 'FROM python:3\nWORKDIR /app\nCOPY r ./\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r r\nCOPY . .');
    });

    it('a cache directory with a space (from ENV) gets no fix instead of a broken --mount flag', () => {
      const text = 'FROM python:3.12\nENV npm_config_cache="a b"\nRUN npm install';
      assert.strictEqual(stable(text), text);
      assert.match(lint(DOCKERFILE, text).findings.find(f => f.rule === 'missing-cache-mount')!.message, /cannot be written into a --mount flag/);
    });

    it('repeated --mount options: the last target counts and is the one a fix rewrites', () => {
      const out = stable('FROM python:3.12\nENV HOME=/home/u\nRUN --mount=type=cache,target,target=/root/.cache/pip pip install -r requirements.txt');
      assert.match(out, /--mount=type=cache,target=\/home\/u\/.cache\/pip pip install/);
    });

    it('two stacked `COPY . .` are both moved in one fix-all', () => {
      const out = stable('FROM python:3\nWORKDIR /app\nCOPY . .\nCOPY . .\nRUN pip install -r requirements.txt\n');
      assert.deepStrictEqual(lint(DOCKERFILE, out, DEFAULT_SETTINGS, ws).findings.filter(f => f.rule === 'copy-before-install'), []);
    });

    it('two identical install RUNs are both fixed', () => {
      assert.strictEqual(stable('FROM python:3\nRUN pip install flask\nRUN pip install flask\n'),
        'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n');
    });
  });
});
