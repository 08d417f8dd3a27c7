import * as assert from 'assert';
import { analyze } from '../../../server/src/analysis/analyze';
import { isExpensiveRun, runCodeLenses } from '../../../server/src/codeLens';
import { buildGraph } from '../../../server/src/context/invalidation';
import { measuredSeconds, timelineLastRun, type LastRunSource } from '../../../server/src/context/lastRun';
import { makeTimeline, normaliseInstruction, type StepRecord } from '../../../server/src/docker/timeline';
import { TimelineStore } from '../../../server/src/timeline';

function lenses(text: string, lastRun?: LastRunSource): Array<[number, string]> {
  return runCodeLenses(buildGraph(analyze(text), 'all'), 'file:///w/Dockerfile', lastRun).map(l => [l.range.start.line + 1, l.command!.title]);
}

describe('CodeLens above expensive RUNs', () => {
  const text = [
    'FROM python:3.12',
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install -r requirements.txt',
    'COPY . .',
    'RUN python -m build',
    'RUN curl -fsSL https://example.com/tool.tgz | tar xz',
    'RUN echo done && ls',
    '',
  ].join('\n');

  it('names the context files each install, build or download depends on through the layer chain', () => {
    assert.deepStrictEqual(lenses(text), [
      [4, 'cached unless: requirements.txt · any earlier step'],
      [6, 'cached unless: requirements.txt · whole context · any earlier step'],
      [7, 'cached unless: requirements.txt · whole context · any earlier step'],
    ]);
  });

  it('cheap RUNs get no lens', () => {
    assert.deepStrictEqual(lenses('FROM alpine\nRUN echo hi && mkdir -p /x\nRUN git config --global a b\n'), []);
  });

  it('follows FROM <stage> and names stages copied from; long lists end in +N more', () => {
    const t = 'FROM golang AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM alpine AS assets\nRUN echo\nFROM deps AS build\nCOPY --from=assets /a /a\nCOPY cmd/ ./cmd/\nCOPY internal/ ./internal/\nRUN go build ./cmd/app\n';
    const l = lenses(t);
    assert.deepStrictEqual(l[0], [3, 'cached unless: go.mod · go.sum · any earlier step']);
    assert.deepStrictEqual(l[1], [10, 'cached unless: go.mod · go.sum · stage assets · +2 more · any earlier step']);
  });

  it('a RUN with no context input still says what can bust it', () => {
    assert.deepStrictEqual(lenses('FROM debian\nRUN apt-get update && apt-get install -y curl\n'), [[2, 'cached unless: any earlier step']]);
  });

  it('adds the last run time when a build timeline knows it', () => {
    const source: LastRunSource = { stepSeconds: (_uri, line) => (line === 4 ? 192 : line === 6 ? 0 : undefined) };
    const l = lenses(text, source);
    assert.strictEqual(l[0][1], 'cached unless: requirements.txt · any earlier step  ·  last run 3m12s');
    assert.strictEqual(l[1][1], 'cached unless: requirements.txt · whole context · any earlier step  ·  last run cached');
    assert.doesNotMatch(l[2][1], /last run/);
  });

  it('recognises builds and downloads beyond package managers', () => {
    const run = (cmd: string) => isExpensiveRun(analyze(`FROM x\nRUN ${cmd}\n`).instructions[1]);
    assert.ok(run('make -j4'));
    assert.ok(run('git clone https://example.com/r.git'));
    assert.ok(run('wget -q https://example.com/x'));
    assert.ok(run('npm run build'));
    assert.ok(!run('git config user.name x'));
    assert.ok(!run('echo make'));
  });
});

describe('last run times from the build timeline store', () => {
  const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python -m build\n';
  const uri = 'file:///w/Dockerfile';
  const step = (line: number, name: string, cached: boolean, seconds: number): StepRecord => ({ vertex: line, name, line, source: normaliseInstruction(name), cached, seconds, error: false });

  function store() {
    const s = new TimelineStore();
    assert.ok(s.accept({
      uri,
      timeline: makeTimeline({
        dockerfile: '/w/Dockerfile', seconds: 200, success: true, finishedAt: new Date(0).toISOString(),
        steps: [step(4, 'RUN pip install -r requirements.txt', false, 192), step(6, 'RUN python -m build', true, 0)],
      }),
    }));
    return s;
  }

  it('shows how long each expensive RUN took, found by its text even after lines moved', () => {
    const src = timelineLastRun(store());
    assert.deepStrictEqual(runCodeLenses(buildGraph(analyze(text), 'all'), uri, src).map(l => l.command!.title), [
      'cached unless: requirements.txt · any earlier step  ·  last run 3m12s',
      'cached unless: requirements.txt · whole context · any earlier step  ·  last run cached',
    ]);
    const moved = '# a comment\nARG X=1\n' + text;
    assert.match(runCodeLenses(buildGraph(analyze(moved), 'all'), uri, src)[0].command!.title, /last run 3m12s$/);
    assert.doesNotMatch(runCodeLenses(buildGraph(analyze(text), 'all'), 'file:///other/Dockerfile', src)[0].command!.title, /last run/);
  });

  it('"last measured" sums the steps that ran; cached and unknown steps add nothing', () => {
    const src = timelineLastRun(store());
    const model = analyze(text);
    assert.strictEqual(measuredSeconds(src, uri, [3, 4, 5, 6], model), 192);
    assert.strictEqual(measuredSeconds(src, uri, [5, 6], model), undefined);
    assert.strictEqual(measuredSeconds(undefined, uri, [4], model), undefined);
  });
});
