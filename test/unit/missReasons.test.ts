/**
 * Why a step ran: each reason kind from two snapshots built in memory (no engine, no files), the
 * precedence between them, and the words the timeline and the JSON carry.
 */
import * as assert from 'assert';
import { analyze } from '../../common/analysis/analyze';
import { planSteps, type BuildSnapshot, type StepResult } from '../../common/docker/buildSnapshot';
import { maskValue, missReasons, reasonJson, reasonShort, unneededFiles, type MissReason } from '../../common/docker/missReasons';
import { makeTimeline, stepNote, timelineJson } from '../../common/docker/timeline';

interface SnapOptions {
  readonly args?: Record<string, string>;
  /** line → result; every other step is `cached`. */
  readonly results?: Record<number, StepResult>;
  readonly all?: StepResult;
  readonly imageId?: string;
  readonly noCache?: true | string[];
  readonly target?: string;
}

/** A snapshot of `text` built over a context whose files are `files` (path → content hash). */
function snap(text: string, files: Record<string, string>, o: SnapOptions = {}): BuildSnapshot {
  const model = analyze(text, { shell: false });
  const { steps, paths } = planSteps(model, o.target, new Map(Object.entries(o.args ?? {})), Object.keys(files).sort());
  return {
    version: 1, dockerfile: '/w/Dockerfile', context: '/w', finishedAt: '2026-11-26T10:00:00Z',
    ...(o.noCache ? { noCache: o.noCache } : {}),
    paths, hashes: paths.map(p => files[p]),
    steps: steps.map(s => ({ ...s, ...(s.image && o.imageId ? { imageId: o.imageId } : {}), result: o.results?.[s.line] ?? o.all ?? 'cached' })),
  };
}

const reasons = (cur: BuildSnapshot, ...history: BuildSnapshot[]) => Object.fromEntries(missReasons(cur, history));

const APP = 'FROM local/busybox\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python -m compileall .\n';
const FILES = { 'requirements.txt': 'r1', 'app.py': 'a1', 'lib/util.py': 'u1', lib: 'dir:755' };

describe('cache-miss reasons', () => {
  it('first-build: nothing to compare with', () => {
    const cur = snap(APP, FILES, { all: 'ran', results: { 1: 'cached' } });
    assert.deepStrictEqual(Object.values(reasons(cur)).map(r => r.kind), ['first-build', 'first-build', 'first-build', 'first-build', 'first-build']);
  });

  it('files: exactly the changed file, and parent on the step built on it', () => {
    const before = snap(APP, FILES);
    const cur = snap(APP, { ...FILES, 'app.py': 'a2' }, { results: { 5: 'ran', 6: 'ran' } });
    const r = reasons(cur, before);
    assert.deepStrictEqual(r[5], { kind: 'files', files: ['app.py'], changes: ['changed'], count: 1 });
    assert.deepStrictEqual(r[6], { kind: 'parent', line: 5 });
    assert.deepStrictEqual(Object.keys(r), ['5', '6']);
    assert.strictEqual(reasonShort(r[5]), 'app.py changed');
  });

  it('files: added and removed paths, folders named by their files, at most 20 with the count', () => {
    const many: Record<string, string> = { 'requirements.txt': 'r1' };
    for (let i = 0; i < 30; i++) many[`src/f${String(i).padStart(2, '0')}.py`] = 'x';
    const before = snap(APP, { ...many, 'old.py': 'o' });
    const after: Record<string, string> = { ...many, 'new.py': 'n', src: 'dir:755' };
    for (let i = 0; i < 30; i++) after[`src/f${String(i).padStart(2, '0')}.py`] = 'y';
    const r = reasons(snap(APP, after, { results: { 5: 'ran', 6: 'ran' } }), before)[5];
    assert.strictEqual(r.kind, 'files');
    assert.strictEqual(r.count, 32);
    assert.strictEqual(r.files!.length, 20);
    assert.deepStrictEqual(r.files!.slice(0, 3), ['new.py', 'old.py', 'src/f00.py']);
    assert.deepStrictEqual(r.changes!.slice(0, 3), ['added', 'removed', 'changed']);
    assert.ok(!r.files!.includes('src'), 'the folder is not listed beside its files');
    assert.strictEqual(reasonShort(r), 'new.py and 31 more changed');
    assert.deepStrictEqual(reasonJson(r), { kind: 'files', files: r.files, more: 12 });
  });

  it('a file the step does not copy changed: no files reason for that step', () => {
    const before = snap(APP, FILES);
    // requirements.txt is copied by line 3 and by COPY . .: line 3 is the first cause
    const r = reasons(snap(APP, { ...FILES, 'requirements.txt': 'r2' }, { results: { 3: 'ran', 4: 'ran', 5: 'ran', 6: 'ran' } }), before);
    assert.deepStrictEqual(r[3], { kind: 'files', files: ['requirements.txt'], changes: ['changed'], count: 1 });
    assert.deepStrictEqual([r[4], r[5], r[6]], [{ kind: 'parent', line: 3 }, { kind: 'parent', line: 4 }, { kind: 'parent', line: 5 }]);
  });

  it('build-arg: name, old and new value of an ARG a RUN sees', () => {
    const text = 'FROM local/busybox\nARG VERSION=1\nRUN echo building\nRUN echo done\n';
    const r = reasons(snap(text, {}, { args: { VERSION: '2' }, results: { 3: 'ran', 4: 'ran' } }), snap(text, {}));
    assert.deepStrictEqual(r[3], { kind: 'build-arg', arg: 'VERSION', old: '1', new: '2' });
    assert.deepStrictEqual(r[4], { kind: 'parent', line: 3 });
    assert.strictEqual(stepNote({ vertex: 1, name: 'RUN echo building', cached: false, seconds: 1.5, error: false, reason: r[3] }), 'ran 1.5s — build arg VERSION changed: 1 → 2');
  });

  it('build-arg: secret-looking names are masked, and the snapshot keeps no clear value', () => {
    const text = 'FROM local/busybox\nARG API_TOKEN\nRUN echo "$API_TOKEN" > /t\n';
    const old = snap(text, {}, { args: { API_TOKEN: 'abc-secret-1' } });
    const cur = snap(text, {}, { args: { API_TOKEN: 'abc-secret-2' }, results: { 3: 'ran' } });
    assert.deepStrictEqual(reasons(cur, old)[3], { kind: 'build-arg', arg: 'API_TOKEN', old: '***', new: '***' });
    assert.ok(!JSON.stringify(cur).includes('abc-secret'), JSON.stringify(cur));
    assert.strictEqual(maskValue('DB_PASSWORD', 'x'), '***');
    assert.strictEqual(maskValue('VERSION', 'x'), 'x');
  });

  it('build-arg catches not: an ARG change a COPY does not use is no reason for it', () => {
    const text = 'FROM local/busybox\nARG VERSION=1\nCOPY a.txt /a\n';
    const r = reasons(snap(text, { 'a.txt': 'h' }, { args: { VERSION: '2' }, results: { 3: 'ran' } }), snap(text, { 'a.txt': 'h' }));
    assert.strictEqual(r[3].kind, 'unknown');
  });

  it('instruction: an edited RUN, and parent on the steps after it', () => {
    const old = snap(APP, FILES);
    const edited = APP.replace('RUN pip install -r requirements.txt', 'RUN pip install --no-compile -r requirements.txt');
    const r = reasons(snap(edited, FILES, { results: { 4: 'ran', 5: 'ran', 6: 'ran' } }), old);
    assert.deepStrictEqual(r[4], { kind: 'instruction', old: 'RUN pip install -r requirements.txt', new: 'RUN pip install --no-compile -r requirements.txt' });
    assert.deepStrictEqual(r[5], { kind: 'parent', line: 4 });
    assert.deepStrictEqual(r[6], { kind: 'parent', line: 5 });
    assert.strictEqual(reasonShort(r[6]), 'line 5 ran');
  });

  it('instruction: an ENV the RUN runs with changed, naming the ENV line', () => {
    const text = 'FROM local/busybox\nENV MODE=fast\nRUN echo hi\n';
    const r = reasons(snap(text.replace('fast', 'slow'), {}, { results: { 3: 'ran' } }), snap(text, {}))[3];
    assert.deepStrictEqual(r, { kind: 'instruction', arg: 'MODE', line: 2, old: 'MODE=fast', new: 'MODE=slow', note: 'ENV MODE changed' });
    assert.strictEqual(reasonShort(r), 'ENV MODE (line 2) changed');
  });

  it('base-image: the image ID of the FROM changed', () => {
    const r = reasons(snap(APP, FILES, { imageId: 'sha256:bbbbbbbbbbbbbbbb', results: { 2: 'ran', 3: 'ran' } }), snap(APP, FILES, { imageId: 'sha256:aaaaaaaaaaaaaaaa' }));
    assert.deepStrictEqual(r[2], { kind: 'base-image', line: 1, old: 'local/busybox (aaaaaaaaaaaa)', new: 'local/busybox (bbbbbbbbbbbb)' });
    assert.deepStrictEqual(r[3], { kind: 'parent', line: 2 });
  });

  it('base-image catches not: the same ID is no reason', () => {
    const r = reasons(snap(APP, FILES, { imageId: 'sha256:aaaa', results: { 2: 'ran' } }), snap(APP, FILES, { imageId: 'sha256:aaaa' }));
    assert.strictEqual(r[2].kind, 'unknown');
  });

  it('no-cache: --no-cache wins over everything; --no-cache-filter only for its stage', () => {
    const r = reasons(snap(APP, { ...FILES, 'app.py': 'a2' }, { all: 'ran', noCache: true }), snap(APP, FILES));
    assert.ok(Object.values(r).every(x => x.kind === 'no-cache'), JSON.stringify(r));
    const two = 'FROM local/busybox AS deps\nRUN echo a > /a\nFROM local/busybox AS app\nCOPY --from=deps /a /a\nRUN echo b\n';
    const f = reasons(snap(two, {}, { results: { 2: 'ran', 4: 'ran', 5: 'ran' }, target: 'app', noCache: ['deps'] }), snap(two, {}, { target: 'app' }));
    assert.deepStrictEqual([f[2], f[4], f[5]], [{ kind: 'no-cache', note: '--no-cache-filter deps' }, { kind: 'parent', line: 2 }, { kind: 'parent', line: 4 }]);
  });

  it('unknown: identical inputs and it ran anyway, said honestly', () => {
    const r = reasons(snap(APP, FILES, { results: { 6: 'ran' } }), snap(APP, FILES))[6];
    assert.strictEqual(r.kind, 'unknown');
    assert.match(r.note!, /pruned or evicted/);
  });

  it('a cached step gets no reason, and a new step is a first build of its own', () => {
    const old = snap(APP, FILES);
    const longer = APP + 'RUN echo new step\n';
    const r = reasons(snap(longer, FILES, { results: { 7: 'ran' } }), old);
    assert.deepStrictEqual(Object.keys(r), ['7']);
    assert.strictEqual(r[7].kind, 'first-build');
  });

  it('compares with the newest build that completed the step (the last one failed before it)', () => {
    const ok = snap(APP, FILES);
    const failed = snap(APP, FILES, { results: { 4: 'failed', 5: 'not-run', 6: 'not-run' } });
    const r = reasons(snap(APP, { ...FILES, 'app.py': 'a2' }, { results: { 5: 'ran', 6: 'ran' } }), failed, ok);
    assert.deepStrictEqual(r[5].files, ['app.py']);
  });

  it('COPY --from a stage that ran: parent names that stage\'s step', () => {
    const text = 'FROM local/busybox AS build\nRUN echo one > /o\nFROM local/busybox\nCOPY --from=build /o /o\nRUN cat /o\n';
    const r = reasons(snap(text.replace('one', 'two'), {}, { results: { 2: 'ran', 4: 'ran', 5: 'ran' } }), snap(text, {}));
    assert.strictEqual(r[2].kind, 'instruction');
    assert.deepStrictEqual(r[4], { kind: 'parent', line: 2 });
  });

  describe('unneeded files: the fix is a .dockerignore entry or a narrower COPY', () => {
    it('docs copied by COPY . .', () => {
      const before = snap(APP, { ...FILES, 'docs/guide.md': 'g1', docs: 'dir:755' });
      const r = reasons(snap(APP, { ...FILES, 'docs/guide.md': 'g2', docs: 'dir:755' }, { results: { 5: 'ran', 6: 'ran' } }), before)[5];
      assert.deepStrictEqual(r.ignoreSuggestion, ['docs/']);
    });

    it('catches not: source code, or a README a later RUN reads', () => {
      const step = snap(APP, FILES).steps[4];
      assert.strictEqual(unneededFiles(step, ['app.py'], []), undefined);
      const reads = snap(APP + 'RUN cat README.md\n', { ...FILES, 'README.md': 'r' }).steps;
      assert.strictEqual(unneededFiles(reads[4], ['README.md'], reads.slice(5)), undefined);
      assert.deepStrictEqual(unneededFiles(reads[4], ['README.md'], []), ['**/*.md']);
      const docs = snap(APP + 'COPY docs/ /docs/\n', { ...FILES, 'docs/a.md': 'a', docs: 'dir:755' }).steps;
      assert.strictEqual(unneededFiles(docs[4], ['docs/a.md'], docs.filter(s => s !== docs[4])), undefined, 'another COPY takes docs/');
    });

    it('the Dockerfile itself, copied by COPY . .', () => {
      const step = snap(APP, FILES).steps[4];
      assert.deepStrictEqual(unneededFiles(step, ['Dockerfile'], []), ['Dockerfile']);
      assert.strictEqual(unneededFiles(snap(APP, FILES).steps[2], ['Dockerfile'], []), undefined, 'COPY requirements.txt is not broad');
    });
  });

  it('the JSON carries {kind, files?, arg?, old?, new?, line?} per step that has a reason', () => {
    const reason: MissReason = { kind: 'parent', line: 5 };
    const t = makeTimeline({ dockerfile: '/w/Dockerfile', seconds: 1, success: true, finishedAt: '', steps: [
      { vertex: 1, name: 'COPY . .', line: 5, cached: true, seconds: 0, error: false },
      { vertex: 2, name: 'RUN x', line: 6, cached: false, seconds: 1, error: false, reason },
    ] });
    const json = timelineJson(t);
    assert.strictEqual('reason' in json.steps[0], false);
    assert.deepStrictEqual(json.steps[1].reason, { kind: 'parent', line: 5 });
  });
});
