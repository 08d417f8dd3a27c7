import * as assert from 'assert';
import { analyze } from '../../../common/analysis/analyze';
import { copyReruns, isExpensiveRun, LENS_DETAIL_ROWS, runCodeLenses } from '../../../server/src/lsp/codeLens';
import { LENS_DETAILS_COMMAND, type LensDetailsArgs } from '../../../common/protocol';
import { buildGraph, invalidate } from '../../../common/analysis/invalidation';
import { measuredSeconds, timelineLastRun, type LastRunSource } from '../../../server/src/buildContext/lastRun';
import { makeTimeline, normaliseInstruction, type StepRecord } from '../../../common/docker/timeline';
import { TimelineStore } from '../../../server/src/lsp/buildTimelines';

/** [1-based line, title] of every lens. */
function allLenses(text: string, lastRun?: LastRunSource): Array<[number, string]> {
  return runCodeLenses(buildGraph(analyze(text), 'all'), 'file:///w/Dockerfile', lastRun).map(l => [l.range.start.line + 1, l.command!.title]);
}

/** The RUN lenses only. */
function lenses(text: string, lastRun?: LastRunSource): Array<[number, string]> {
  return allLenses(text, lastRun).filter(([, title]) => !title.startsWith('changing '));
}

/** The rows a click on the lens of a 1-based line lists. */
function details(text: string, line: number): Array<[string, string | undefined, number]> {
  const lens = runCodeLenses(buildGraph(analyze(text), 'all'), 'file:///w/Dockerfile').find(l => l.range.start.line === line - 1)!;
  assert.strictEqual(lens.command!.command, LENS_DETAILS_COMMAND);
  const [uri, title, rows] = lens.command!.arguments as LensDetailsArgs;
  assert.strictEqual(uri, 'file:///w/Dockerfile');
  assert.strictEqual(title, lens.command!.title);
  return rows.map(r => [r.label, r.description, r.line]);
}

describe('CodeLens above COPY/ADD and expensive RUNs', () => {
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
      [4, 'cached unless: requirements.txt'],
      [6, 'cached unless: requirements.txt · whole context'],
      [7, 'cached unless: requirements.txt · whole context'],
    ]);
  });

  it('a COPY/ADD of context files says what re-runs when they change, in this and dependent stages', () => {
    assert.deepStrictEqual(allLenses(text).filter(([line]) => line === 3 || line === 5), [
      [3, 'changing requirements.txt re-runs 6 steps'],
      [5, 'changing any context file re-runs 4 steps'],
    ]);
    const t = 'FROM golang AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM deps AS build\nCOPY cmd/ ./cmd/\nRUN go build ./cmd/app\nFROM alpine\nCOPY --from=build /go/bin/app /app\n';
    assert.deepStrictEqual(allLenses(t).filter(([, title]) => title.startsWith('changing ')), [
      [2, 'changing go.mod · go.sum re-runs 5 steps (3 in stage build, stage 2)'],
      [5, 'changing cmd/ re-runs 3 steps (1 in stage 2)'],
    ]);
  });

  it('COPY --from, heredocs and ADD <url> read no context file: no lens', () => {
    const t = 'FROM alpine AS a\nRUN echo\nFROM alpine\nCOPY --from=a /x /x\nCOPY <<EOF /y\nhi\nEOF\nADD https://example.com/z /z\n';
    assert.deepStrictEqual(allLenses(t), []);
  });

  it('a click on a COPY lens lists every step that re-runs, the first miss first', () => {
    assert.deepStrictEqual(details(text, 5), [
      ['line 5: COPY . .', 'first cache miss', 5],
      ['line 6: RUN python -m build', 're-runs', 6],
      ['line 7: RUN curl -fsSL https://example.com/tool.tgz | tar xz', 're-runs', 7],
      ['line 8: RUN echo done && ls', 're-runs', 8],
    ]);
  });

  it('a click on a RUN lens lists every input, those behind "+N more" included, at the line that brings it in', () => {
    const t = 'FROM golang AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM alpine AS assets\nRUN echo\nFROM deps AS build\nCOPY --from=assets /a /a\nCOPY cmd/ ./cmd/\nCOPY internal/ ./internal/\nRUN go build ./cmd/app\n';
    assert.deepStrictEqual(details(t, 10), [
      ['go.mod', 'line 2: COPY go.mod go.sum ./', 2],
      ['go.sum', 'line 2: COPY go.mod go.sum ./', 2],
      ['stage assets', 'line 7: COPY --from=assets /a /a', 7],
      ['cmd/', 'line 8: COPY cmd/ ./cmd/', 8],
      ['internal/', 'line 9: COPY internal/ ./internal/', 9],
    ]);
  });

  it('what each COPY re-runs is what the invalidation of that COPY alone says (one propagation per stage)', () => {
    const files = [
      text,
      'FROM golang AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM deps AS build\nCOPY cmd/ ./cmd/\nRUN go build ./cmd/app\nFROM alpine\nCOPY --from=build /go/bin/app /app\nCOPY conf/ /etc/app/\n',
      // --link steps leave the chain; one of them copies from a stage that changes
      'FROM node AS web\nCOPY package.json .\nRUN npm install\nCOPY src/ src/\nRUN npm run build\nFROM nginx\nCOPY nginx.conf /etc/nginx/\nCOPY --link --from=web /dist /usr/share/nginx/html\nCOPY --link static/ /static/\nRUN nginx -t\nCOPY --link extra/ /extra/\n',
      // a stage copies from a later one by index, and RUN --mount binds the context
      'FROM alpine AS a\nCOPY --from=1 /x /x\nCOPY a.txt .\nFROM alpine AS b\nCOPY b.txt .\nRUN --mount=type=bind,source=c.txt,target=/c cat /c\nFROM a\nCOPY --from=b /b.txt /\n',
    ];
    let compared = 0;
    for (const t of files) {
      const graph = buildGraph(analyze(t), 'all');
      const fast = copyReruns(graph);
      for (const [step, got] of fast) {
        const want = invalidate(graph, s => s === step);
        assert.deepStrictEqual(got.rerun.map(s => s.line), want.rerun.map(s => s.line), `line ${step.line} of\n${t}`);
        assert.deepStrictEqual([...got.conditional].map(s => s.line).sort(), [...want.conditional].map(s => s.line).sort(), `conditional, line ${step.line} of\n${t}`);
        compared++;
      }
    }
    assert.ok(compared >= 12, `compared ${compared} COPYs`);
  });

  it('a lens carries a bounded number of rows; the last says how many more and goes to the last step', () => {
    const t = 'FROM alpine\nCOPY a.txt .\n' + Array.from({ length: 100 }, (_, i) => `RUN echo ${i}\n`).join('');
    const rows = details(t, 2);
    assert.strictEqual(rows.length, LENS_DETAIL_ROWS);
    assert.deepStrictEqual(rows[rows.length - 1], [`… and ${101 - LENS_DETAIL_ROWS + 1} more steps`, 'to line 102', 102]);
    assert.match(allLenses(t)[0][1], /re-runs 101 steps$/);
  });

  it('cheap RUNs get no lens', () => {
    assert.deepStrictEqual(lenses('FROM alpine\nRUN echo hi && mkdir -p /x\nRUN git config --global a b\n'), []);
  });

  it('follows FROM <stage> and names stages copied from; long lists end in +N more', () => {
    const t = 'FROM golang AS deps\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM alpine AS assets\nRUN echo\nFROM deps AS build\nCOPY --from=assets /a /a\nCOPY cmd/ ./cmd/\nCOPY internal/ ./internal/\nRUN go build ./cmd/app\n';
    const l = lenses(t);
    assert.deepStrictEqual(l[0], [3, 'cached unless: go.mod · go.sum']);
    assert.deepStrictEqual(l[1], [10, 'cached unless: go.mod · go.sum · stage assets · +2 more']);
  });

  it('a RUN with no context input still says what can bust it', () => {
    assert.deepStrictEqual(lenses('FROM debian\nRUN apt-get update && apt-get install -y curl\n'), [[2, 'cached unless an earlier step changes']]);
  });

  it('adds the last run time when a build timeline knows it', () => {
    const source: LastRunSource = { stepSeconds: (_uri, line) => (line === 4 ? 192 : line === 6 ? 0 : undefined) };
    const l = lenses(text, source);
    assert.strictEqual(l[0][1], 'cached unless: requirements.txt  ·  last run 3m12s');
    assert.strictEqual(l[1][1], 'cached unless: requirements.txt · whole context  ·  last run cached');
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
    assert.deepStrictEqual(runCodeLenses(buildGraph(analyze(text), 'all'), uri, src).map(l => l.command!.title).filter(t => t.startsWith('cached')), [
      'cached unless: requirements.txt  ·  last run 3m12s',
      'cached unless: requirements.txt · whole context  ·  last run cached',
    ]);
    const moved = '# a comment\nARG X=1\n' + text;
    assert.match(runCodeLenses(buildGraph(analyze(moved), 'all'), uri, src)[1].command!.title, /last run 3m12s$/);
    assert.doesNotMatch(runCodeLenses(buildGraph(analyze(text), 'all'), 'file:///other/Dockerfile', src)[1].command!.title, /last run/);
  });

  it('"last measured" sums the steps that ran; cached and unknown steps add nothing', () => {
    const src = timelineLastRun(store());
    const model = analyze(text);
    assert.strictEqual(measuredSeconds(src, uri, [3, 4, 5, 6], model), 192);
    assert.strictEqual(measuredSeconds(src, uri, [5, 6], model), undefined);
    assert.strictEqual(measuredSeconds(undefined, uri, [4], model), undefined);
  });
});
