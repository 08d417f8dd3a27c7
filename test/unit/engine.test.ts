import * as assert from 'assert';
import { analyze } from '../../server/src/analysis/analyze';
import { fixAll, lint, TOO_LARGE, verifyFix } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

describe('engine', () => {
  it('refuses a fix that would change an instruction it does not own', () => {
    const model = analyze('FROM x\nRUN echo a\nRUN echo b\n');
    const bad = { title: 'bad', preferred: true, edits: [{ range: { start: { line: 1, character: 9 }, end: { line: 2, character: 0 } }, newText: ' \\\n' }] };
    assert.strictEqual(verifyFix(model, bad), undefined, 'joining two RUNs must be refused');
    const good = { title: 'good', preferred: true, edits: [{ range: { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } }, newText: '--network=none ' }] };
    assert.strictEqual(verifyFix(model, good), 'FROM x\nRUN --network=none echo a\nRUN echo b\n');
    const noop = { title: 'noop', preferred: true, edits: [] };
    assert.strictEqual(verifyFix(model, noop), undefined);
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
    const { text: out, applied } = fixAll(text);
    assert.ok(applied.length >= 5, JSON.stringify(applied));
    assert.deepStrictEqual(lint(out).findings, []);
    assert.strictEqual(fixAll(out).text, out);
  });

  it('reports files above maxFileSize with one information diagnostic instead of analysing', () => {
    const r = lint('FROM x\n' + 'RUN pip install a\n'.repeat(10), { ...DEFAULT_SETTINGS, maxFileSize: 50 });
    assert.strictEqual(r.findings.length, 1);
    assert.strictEqual(r.findings[0].rule, TOO_LARGE);
    assert.strictEqual(r.findings[0].severity, 'information');
  });

  it('never throws on garbage', () => {
    for (const text of ['', '\0\0\0', 'RUN', 'FROM', 'FROM x\nRUN --mount=', 'FROM x\nRUN ["unterminated', 'FROM x\nCOPY', 'FROM x\nENV', '\uFEFFFROM x\r\nRUN pip install --no-cache-dir a\r']) {
      assert.doesNotThrow(() => lint(text), JSON.stringify(text));
      assert.doesNotThrow(() => fixAll(text), JSON.stringify(text));
    }
  });
});
