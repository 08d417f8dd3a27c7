/**
 * The one per-document analysis cache: a document version is parsed once whether diagnostics, code
 * actions, hover or CodeLens ask first, or all at once; the cache is bounded, dropped on close and
 * cleared on settings changes. Parses are counted through a file kind whose parse counts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeActionParams, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { DocumentAnalyses } from '../../../server/src/lsp/documentAnalysis';
import { DiagnosticsPublisher } from '../../../server/src/lsp/publishDiagnostics';
import { provideCodeActions } from '../../../server/src/lsp/codeActions';
import { codeLensesOf, hoverAt } from '../../../server/src/lsp/cacheInsight';
import { COMPOSE, DOCKERFILE } from '../../../server/src/lint/fileKinds';
import type { FileKind } from '../../../server/src/lint/fileKind';
import type { DockerfileModel } from '../../../common/analysis/model';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { URI } from '../../../server/src/lsp/uri';

const TEXT = 'FROM python:3\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n';

describe('lsp: one analysis per document version', () => {
  let dir: string;
  let parses: Record<string, number>;
  let docs: Map<string, TextDocument>;
  let sent: PublishDiagnosticsParams[];
  let settingsAsked: number;

  /** Per parse, whether it was handed the previous version's model. */
  let fromPrevious: boolean[];
  const counting = (kind: FileKind): FileKind => ({
    ...kind,
    parse: (text, previous) => {
      parses[kind.id] = (parses[kind.id] ?? 0) + 1;
      fromPrevious.push(previous !== undefined);
      return kind.parse(text, previous);
    },
  });
  const KINDS = { dockerfile: counting(DOCKERFILE), compose: counting(COMPOSE) };

  function setup(kept?: number, coalesceMs?: number) {
    const analyses = new DocumentAnalyses({
      settings: async () => { settingsAsked++; return DEFAULT_SETTINGS; },
      kindOf: (languageId) => (languageId === 'dockercompose' ? KINDS.compose : KINDS.dockerfile),
      workspaceFor: () => ({ workspace: { ignoreFile: null, contextFiles: new Set(['requirements.txt']) }, contextDir: dir }),
    }, kept);
    const publisher = new DiagnosticsPublisher({
      analyses,
      document: uri => docs.get(uri),
      send: async p => { sent.push(p); },
      error: m => assert.fail(m),
      coalesceMs,
    });
    return { analyses, publisher };
  }
  const open = (name: string, version: number, text = TEXT, languageId = 'dockerfile') => {
    const doc = TextDocument.create(URI.fromPath(path.join(dir, name)), languageId, version, text);
    docs.set(doc.uri, doc);
    return doc;
  };
  const actionParams = (doc: TextDocument, diagnostics: Diagnostic[]): CodeActionParams =>
    ({ textDocument: { uri: doc.uri }, range: diagnostics[0].range, context: { diagnostics } });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-analysis-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask\n');
    parses = {};
    fromPrevious = [];
    docs = new Map();
    sent = [];
    settingsAsked = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('diagnostics, then a code action, hover and lenses of the same version: parsed once', async () => {
    const { analyses, publisher } = setup();
    const doc = open('Dockerfile', 1);
    await publisher.publish(doc);
    assert.strictEqual(sent.length, 1);
    const diagnostics = sent[0].diagnostics;
    assert.ok(diagnostics.some(d => d.code === 'pip-no-cache-dir'));
    const actions = await provideCodeActions(analyses, doc, actionParams(doc, diagnostics.filter(d => d.code === 'pip-no-cache-dir')), true);
    assert.ok(actions.some(a => a.isPreferred), 'the quick fix comes from the kept analysis');
    const hover = await hoverAt(analyses, doc, { line: 1, character: 1 });
    assert.match(JSON.stringify(hover?.contents), /requirements\.txt/);
    const lenses = await codeLensesOf(analyses, doc);
    assert.ok(lenses.length > 0);
    assert.deepStrictEqual(parses, { dockerfile: 1 });
    assert.strictEqual(settingsAsked, 1);
  });

  it('hover first, diagnostics and a code action all at once: one analysis, shared while it runs', async () => {
    const { analyses, publisher } = setup();
    const doc = open('Dockerfile', 3);
    const [hover] = await Promise.all([
      hoverAt(analyses, doc, { line: 1, character: 1 }),
      publisher.publish(doc),
      provideCodeActions(analyses, doc, { textDocument: { uri: doc.uri }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, context: { diagnostics: [] } }, true),
    ]);
    assert.ok(hover);
    assert.strictEqual(sent.length, 1);
    assert.deepStrictEqual(parses, { dockerfile: 1 });
    assert.strictEqual(settingsAsked, 1);
  });

  it('a new version, a settings change, a closed document: analysed again; other kinds go through the same cache', async () => {
    const { analyses, publisher } = setup();
    const v1 = open('Dockerfile', 1);
    await publisher.publish(v1);
    const v2 = open('Dockerfile', 2, TEXT.replace('--no-cache-dir ', ''));
    await publisher.publish(v2);
    await hoverAt(analyses, v2, { line: 1, character: 1 });
    assert.deepStrictEqual(parses, { dockerfile: 2 });
    analyses.clear(); // what the server does when settings change
    await provideCodeActions(analyses, v2, { textDocument: { uri: v2.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }, true);
    assert.deepStrictEqual(parses, { dockerfile: 3 });
    publisher.close(v2.uri);
    assert.deepStrictEqual(sent[sent.length - 1], { uri: v2.uri, diagnostics: [] });
    await hoverAt(analyses, v2, { line: 1, character: 1 });
    assert.deepStrictEqual(parses, { dockerfile: 4 });

    const compose = open('compose.yaml', 1, 'services:\n  web:\n    build: .\n    image: acme/web\n', 'dockercompose');
    await publisher.publish(compose);
    const actions = await provideCodeActions(analyses, compose, actionParams(compose, sent[sent.length - 1].diagnostics), true);
    assert.ok(actions.some(a => a.title.startsWith('Add cache_from')));
    assert.ok(actions.some(a => a.title === 'Ignore compose-missing-cache-from here'));
    assert.strictEqual(await hoverAt(analyses, compose, { line: 1, character: 2 }), null);
    assert.deepStrictEqual(parses, { dockerfile: 4, compose: 1 });
  });

  it('a new version is parsed from the model of the one before: the instructions the edit did not touch are kept', async () => {
    const { analyses, publisher } = setup();
    await publisher.publish(open('Dockerfile', 1));
    const first = (await analyses.current(docs.get(open('Dockerfile', 1).uri)!)).result.model as DockerfileModel;
    const v2 = open('Dockerfile', 2, TEXT.replace('COPY . /app', 'COPY . /srv'));
    await publisher.publish(v2);
    const second = (await analyses.current(v2)).result.model as DockerfileModel;
    assert.deepStrictEqual(fromPrevious, [false, true]);
    assert.deepStrictEqual(second.instructions.map((i, k) => i.node === first.instructions[k].node), [true, false, true]);
    assert.strictEqual(second.instructions[1].copy?.destAbs, '/srv');
    // a version never analysed (a burst) hands the model it inherited on
    open('Dockerfile', 3, TEXT.replace('COPY . /app', 'COPY . /opt'));
    const v4 = open('Dockerfile', 4, TEXT.replace('COPY . /app', 'COPY . /var'));
    await analyses.current(docs.get(v4.uri)!);
    assert.deepStrictEqual(fromPrevious, [false, true, true]);
    // closed and opened again: from scratch
    publisher.close(v4.uri);
    await publisher.publish(open('Dockerfile', 1));
    assert.deepStrictEqual(fromPrevious, [false, true, true, false]);
  });

  it('edits read one event-loop turn apart (a burst) are analysed once, for the last; a lone edit within a few turns', async () => {
    // the wait's time cap lifted: this counts turns, not milliseconds
    const { publisher } = setup(undefined, 60_000);
    const turn = () => new Promise<void>(r => setImmediate(r));
    const turnsUntilSent = async (n: number) => {
      for (let t = 1; t <= 100; t++) {
        await turn();
        if (sent.length === n) return t;
      }
      return assert.fail('no diagnostics within 100 turns');
    };
    const v1 = open('Dockerfile', 1);
    publisher.schedule(v1.uri);
    // as the protocol library delivers a burst: one didChange per turn
    for (let v = 2; v <= 6; v++) {
      await turn();
      open('Dockerfile', v, TEXT.replace('python:3', `python:3.${v}`));
      publisher.schedule(v1.uri);
    }
    await turnsUntilSent(1);
    assert.deepStrictEqual([sent.map(p => p.version), parses], [[6], { dockerfile: 1 }]);
    open('Dockerfile', 7, TEXT);
    publisher.schedule(v1.uri);
    assert.ok((await turnsUntilSent(2)) <= 4, 'a lone edit is analysed a couple of turns after it is read');
    assert.deepStrictEqual([sent.map(p => p.version), parses], [[6, 7], { dockerfile: 2 }]);
  });

  it('bounded: only the documents used last keep their analysis', async () => {
    const { analyses, publisher } = setup(2);
    const a = open('a.Dockerfile', 1);
    const b = open('b.Dockerfile', 1);
    const c = open('c.Dockerfile', 1);
    for (const d of [a, b, c]) await publisher.publish(d);
    assert.deepStrictEqual(parses, { dockerfile: 3 });
    await hoverAt(analyses, c, { line: 1, character: 1 });
    await hoverAt(analyses, b, { line: 1, character: 1 });
    assert.deepStrictEqual(parses, { dockerfile: 3 });
    await hoverAt(analyses, a, { line: 1, character: 1 });
    assert.deepStrictEqual(parses, { dockerfile: 4 }, 'the least recently used document was let go');
  });
});
