import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mapToDockerfile, parsePlainProgress } from '../../common/docker/progress';
import { makeTimeline, shiftSteps, type BuildTimeline, type StepRecord } from '../../common/docker/timeline';
import { lint } from '../../server/src/lint/linter';
import { DOCKERFILE } from '../../server/src/lint/fileKinds';
import { TimelineStore } from '../../server/src/lsp/buildTimelines';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const UNFIXED = fs.readFileSync(path.join(FIXTURES, 'build/unfixed/Dockerfile'), 'utf8');

/** A timeline for the unfixed fixture where the install ran for `seconds`. */
function timelineFor(text: string, seconds: number): BuildTimeline {
  const progress = [
    '#4 [1/6] FROM docker.io/local/busybox:latest', '#4 CACHED',
    '#5 [2/6] RUN mkdir -p /usr/local/bin && …', '#5 CACHED',
    '#6 [3/6] WORKDIR /app', '#6 CACHED',
    '#7 [4/6] COPY . .', '#7 DONE 0.1s',
    '#8 [5/6] RUN pip install --no-cache-dir -r requirements.txt', `#8 DONE ${seconds}s`,
    '#9 [6/6] RUN wc -c main.py > /build.txt', '#9 DONE 0.1s', '',
  ].join('\n');
  const steps = mapToDockerfile(parsePlainProgress(progress).steps, text);
  assert.deepStrictEqual(steps.map(s => s.line), [1, 3, 4, 5, 6, 7]);
  return makeTimeline({ dockerfile: '/w/Dockerfile', steps, seconds: seconds + 1, success: true, finishedAt: '' });
}

describe('progress → diagnostics: "re-ran in the last build"', () => {
  const uri = 'file:///w/Dockerfile';

  it('a flagged step that ran long says so; cached or short steps do not', () => {
    const store = new TimelineStore();
    assert.ok(store.accept({ uri, timeline: timelineFor(UNFIXED, 192.4) }));
    const findings = store.annotate(uri, lint(DOCKERFILE, UNFIXED)).findings;
    const onInstall = findings.filter(f => f.range.start.line === 5);
    assert.ok(onInstall.length > 0);
    for (const f of onInstall) assert.match(f.message, / \(re-ran in the last build: 3m12s\)$/);
    const onCopy = findings.filter(f => f.range.start.line === 4);
    for (const f of onCopy) assert.doesNotMatch(f.message, /re-ran/, 'COPY ran 0.1s: not worth a word');

    store.accept({ uri, timeline: timelineFor(UNFIXED, 0.3) });
    assert.ok(store.annotate(uri, lint(DOCKERFILE, UNFIXED)).findings.every(f => !/re-ran/.test(f.message)));
  });

  it('follows the instruction when lines move, and drops it once the instruction is edited', () => {
    const store = new TimelineStore();
    store.accept({ uri, timeline: timelineFor(UNFIXED, 12) });
    const moved = '# a new comment\n\n' + UNFIXED;
    assert.ok(store.annotate(uri, lint(DOCKERFILE, moved)).findings.some(f => f.range.start.line === 7 && /re-ran in the last build: 12\.0s/.test(f.message)));
    const edited = UNFIXED.replace('-r requirements.txt', '-r requirements.txt --quiet');
    assert.ok(store.annotate(uri, lint(DOCKERFILE, edited)).findings.every(f => !/re-ran/.test(f.message)));
  });

  it('forgets on null and ignores malformed notifications', () => {
    const store = new TimelineStore();
    store.accept({ uri, timeline: timelineFor(UNFIXED, 12) });
    assert.strictEqual(store.accept({ uri, timeline: { steps: [{ name: 1 }] } }), false);
    assert.ok(store.get(uri), 'a malformed update leaves the last good one');
    assert.strictEqual(store.accept({ nope: true }), false);
    assert.ok(store.accept({ uri, timeline: null }));
    assert.strictEqual(store.get(uri), undefined);
  });
});

describe('progress timeline follows edits (decorations)', () => {
  const steps: Array<Pick<StepRecord, 'line' | 'endLine'> & { id: string }> = [
    { id: 'from', line: 1, endLine: 1 }, { id: 'run', line: 3, endLine: 4 }, { id: 'copy', line: 6, endLine: 6 },
  ];
  const ids = (s: Array<{ id: string; line?: number }>) => s.map(x => `${x.id}@${x.line}`);

  it('whole lines inserted above move the steps below', () => {
    assert.deepStrictEqual(ids(shiftSteps(steps, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 }, text: 'ENV A=1\nENV B=2\n' })),
      ['from@1', 'run@5', 'copy@8']);
  });

  it('whole lines deleted above move the steps up', () => {
    assert.deepStrictEqual(ids(shiftSteps(steps, { start: { line: 1, character: 0 }, end: { line: 2, character: 0 }, text: '' })),
      ['from@1', 'run@2', 'copy@5']);
  });

  it('an edit inside an instruction drops its step, keeps the others', () => {
    assert.deepStrictEqual(ids(shiftSteps(steps, { start: { line: 3, character: 4 }, end: { line: 3, character: 9 }, text: 'x' })),
      ['from@1', 'copy@6']);
    // joining the continuation line into the RUN removes a line and drops the RUN
    assert.deepStrictEqual(ids(shiftSteps(steps, { start: { line: 2, character: 20 }, end: { line: 3, character: 1 }, text: ' ' })),
      ['from@1', 'copy@5']);
  });

  it('an edit on another line moves nothing', () => {
    assert.deepStrictEqual(ids(shiftSteps(steps, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 }, text: '# note' })),
      ['from@1', 'run@3', 'copy@6']);
  });
});
