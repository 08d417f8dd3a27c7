import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mapToDockerfile, parsePlainProgress, PlainProgressParser, PodmanProgressParser } from '../../common/docker/progress';
import { formatTable, makeTimeline, summaryText, timelineJson } from '../../common/docker/timeline';
import { formatDuration } from '../../common/format';

// out/test/unit → test/fixtures
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const progress = (name: string) => fs.readFileSync(path.join(FIXTURES, 'progress', name), 'utf8');
const dockerfile = (name: string) => fs.readFileSync(path.join(FIXTURES, 'build', name, 'Dockerfile'), 'utf8');

/** line → outcome, for compact assertions. */
function outcome(name: string, fixture: string) {
  const steps = mapToDockerfile(parsePlainProgress(progress(name)).steps, dockerfile(fixture));
  return Object.fromEntries(steps.map(s => [s.line ?? `?${s.name}`, s.error ? 'error' : s.cached ? 'cached' : 'ran']));
}

describe('progress: BuildKit plain output captured from dockerd 20.10', () => {
  it('first build: every step after FROM ran, with its time', () => {
    const p = parsePlainProgress(progress('app-first.plain.txt'));
    assert.deepStrictEqual(p.steps.map(v => v.vertex), [4, 5, 7, 8, 9, 10]);
    assert.ok(p.vertices.some(v => v.internal && v.name.startsWith('[internal] load build context')));
    assert.deepStrictEqual(outcome('app-first.plain.txt', 'app'), { 3: 'cached', 5: 'ran', 6: 'ran', 7: 'ran', 9: 'ran', 10: 'ran' });
    const run = mapToDockerfile(p.steps, dockerfile('app')).find(s => s.line === 7)!;
    assert.strictEqual(run.seconds, 0.2);
    assert.strictEqual(run.endLine, 8, 'the RUN spans a continuation line');
    assert.deepStrictEqual(run.logs, ['installed 2 packages']);
    assert.strictEqual(run.name, 'RUN cat requirements.txt > /deps.txt  && echo "installed $(wc -l < requirements.txt) packages"');
  });

  it('second build: all cached, including a FROM that reports DONE 0.0s but pulled nothing', () => {
    const steps = mapToDockerfile(parsePlainProgress(progress('app-cached.plain.txt')).steps, dockerfile('app'));
    assert.strictEqual(steps.length, 6);
    assert.ok(steps.every(s => s.cached && s.seconds === 0 && !s.error), JSON.stringify(steps));
    assert.deepStrictEqual(steps.map(s => s.line), [3, 5, 6, 7, 9, 10], 'sorted by line although printed out of order');
  });

  it('after touching a source file: only COPY . . and the steps below it ran', () => {
    assert.deepStrictEqual(outcome('app-touched.plain.txt', 'app'), { 3: 'cached', 5: 'cached', 6: 'cached', 7: 'cached', 9: 'ran', 10: 'ran' });
  });

  it('a failing step: error with the engine message, later steps absent, the summary says where', () => {
    const p = parsePlainProgress(progress('failing.plain.txt'));
    const steps = mapToDockerfile(p.steps, dockerfile('failing'));
    const failed = steps.filter(s => s.error);
    assert.strictEqual(failed.length, 1);
    assert.strictEqual(failed[0].line, 4);
    assert.match(failed[0].errorMessage!, /exit code: 3/);
    assert.deepStrictEqual(failed[0].logs, ['about to fail']);
    assert.ok(!steps.some(s => s.line === 5), 'the step after the failure never started');
    assert.ok(p.trailer.some(l => /executor failed running/.test(l)));
    const t = makeTimeline({ dockerfile: '/x/Dockerfile', steps, seconds: 0.5, success: false, finishedAt: '' });
    assert.strictEqual(summaryText(t), '2/4 steps cached · 0.5s · failed at line 4');
  });

  it('multi-stage: named stages, stage-N for unnamed ones, interleaved parallel steps', () => {
    const p = parsePlainProgress(progress('multistage-first.plain.txt'));
    const stages = new Set(p.steps.map(v => v.stage));
    assert.deepStrictEqual([...stages].sort(), [undefined, 'deps', 'final', 'stage-1'].sort());
    const steps = mapToDockerfile(p.steps, dockerfile('multistage'));
    assert.deepStrictEqual(steps.map(s => s.line), [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15]);
    const byLine = new Map(steps.map(s => [s.line, s]));
    assert.strictEqual(byLine.get(4)!.seconds, 1.2);
    assert.strictEqual(byLine.get(8)!.seconds, 1.2);
    assert.strictEqual(byLine.get(8)!.stage, 'stage-1');
    // the three identical FROMs are one vertex printed as `[1/3]`: it belongs to the stage with three
    // steps; the other two FROM lines get a record that points at it
    assert.strictEqual(byLine.get(6)!.name, 'FROM docker.io/local/busybox:latest');
    assert.deepStrictEqual([1, 6, 10].map(l => byLine.get(l)!.sharedWith), [6, undefined, 6]);
  });

  it('multi-stage second build: all cached', () => {
    const steps = mapToDockerfile(parsePlainProgress(progress('multistage-cached.plain.txt')).steps, dockerfile('multistage'));
    assert.ok(steps.length >= 10);
    assert.ok(steps.every(s => s.cached), JSON.stringify(steps.filter(s => !s.cached)));
  });

  it('cache mounts and a stage-0 prefix on a single-stage build', () => {
    const p = parsePlainProgress(progress('cachemount.plain.txt'));
    assert.ok(p.steps.every(v => v.stage === 'stage-0'));
    // against the file it was built from (the unfixed fixture after fixAll): every step has its line
    const built = mapToDockerfile(p.steps, progress('cachemount.Dockerfile'));
    assert.deepStrictEqual(built.map(s => s.line), [1, 3, 4, 5, 6, 7, 8]);
    assert.strictEqual(built[4].name, 'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt');
    // against another text the step counts differ: matching falls back to the instruction text
    const unfixed = mapToDockerfile(p.steps, dockerfile('unfixed'));
    assert.strictEqual(unfixed.find(s => s.name.startsWith('RUN --mount'))?.line, undefined);
    assert.strictEqual(unfixed.find(s => s.name === 'COPY . .')?.line, 5);
  });

  it('a FROM named by another build ([stage-3 1/4] in a one-stage file) still finds its line; a cancelled step', () => {
    const p = parsePlainProgress(progress('cancelled-shared-from.plain.txt'));
    assert.strictEqual(p.steps[0].stage, 'stage-3');
    const steps = mapToDockerfile(p.steps, progress('cancelled-shared-from.Dockerfile'));
    assert.deepStrictEqual(steps.map(s => [s.line, s.cached, !!s.canceled]), [[1, true, false], [2, false, true]]);
    assert.deepStrictEqual(steps[1].logs, ['started 1d5e31ed5281']);
    assert.ok(p.trailer.includes('context canceled'));
  });

  it('is incremental: chunks split anywhere give the same result', () => {
    const text = progress('multistage-first.plain.txt');
    const whole = parsePlainProgress(text).steps.map(v => ({ ...v }));
    for (const size of [1, 7, 64]) {
      const p = new PlainProgressParser();
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      p.end();
      assert.deepStrictEqual(p.steps.map(v => ({ ...v })), whole, `chunk size ${size}`);
    }
  });

  it('handles the padded index, platform prefixes, CANCELED and newer ERROR texts', () => {
    const p = parsePlainProgress([
      '#0 building with "default" instance using docker driver',
      '#7 [linux/arm64 build  3/12] RUN make',
      '#8 [ 4/12] COPY . .',
      '#7 0.120 compiling',
      '#8 CANCELED',
      '#7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      '#9 [base 2/2] RUN true',
      '',
    ].join('\n'));
    const [make, copy, run] = p.steps;
    assert.deepStrictEqual([make.stage, make.index, make.total, make.instruction, make.state], ['build', 3, 12, 'RUN make', 'error']);
    assert.match(make.errorMessage!, /exit code: 2/);
    assert.deepStrictEqual([copy.stage, copy.index, copy.state], [undefined, 4, 'canceled']);
    assert.strictEqual(run.state, 'running');
    const recs = mapToDockerfile(p.steps, undefined);
    assert.ok(recs.find(r => r.name === 'RUN true')!.incomplete);
  });

  it('a daemon that is down prints no steps at all', () => {
    const p = parsePlainProgress(progress('daemon-down.plain.txt'));
    assert.strictEqual(p.steps.length, 0);
    assert.match(p.trailer.join('\n'), /cannot connect to the Docker daemon/);
  });
});

describe('progress: podman (buildah) output', () => {
  it('STEP lines, Using cache and timings from arrival times', () => {
    let now = 0;
    const p = new PodmanProgressParser(() => now);
    p.push('STEP 1/4: FROM local/busybox:latest\n');
    now = 100;
    p.push('STEP 2/4: WORKDIR /app\n--> Using cache 3c5e9b1f2a7d8e\n--> 3c5e9b1f2a7d\n');
    p.push('STEP 3/4: RUN echo hi\n');
    now = 2600;
    p.push('hi\n--> 9a8b7c6d5e4f\n[2/2] STEP 4/4: COPY a b\n');
    now = 2700;
    p.end(true);
    const v = p.steps;
    assert.deepStrictEqual(v.map(x => x.state), ['done', 'cached', 'done', 'error']);
    assert.strictEqual(v[2].seconds, 2.5);
    assert.deepStrictEqual(v[2].logs, ['hi']);
    assert.strictEqual(v[3].stage, 'stage-1');
    const steps = mapToDockerfile(v.slice(0, 3), 'FROM local/busybox:latest\nWORKDIR /app\nRUN echo hi\nCMD ["sh"]\n', { countsAllInstructions: true });
    assert.deepStrictEqual(steps.map(s => [s.line, s.cached]), [[1, true], [2, true], [3, false]]);
  });
});

describe('progress: podman 4.3 output captured on the CI machine kind', () => {
  const podman = (name: string, failed: boolean | 'canceled' = false) => {
    const p = new PodmanProgressParser();
    p.push(progress(name));
    p.end(failed);
    return p;
  };
  /** line → outcome, with podman's step count (every instruction is a step). */
  const outcomeOf = (name: string, fixture: string, failed: boolean | 'canceled' = false) =>
    Object.fromEntries(mapToDockerfile(podman(name, failed).steps, dockerfile(fixture), { countsAllInstructions: true })
      .map(s => [s.line ?? `?${s.name}`, s.error ? 'error' : s.canceled ? 'canceled' : s.cached ? 'cached' : 'ran']));

  it('first build: every instruction is a step (ENV and CMD too); all but FROM ran; the RUN\'s output is its log', () => {
    assert.deepStrictEqual(outcomeOf('app-first.podman.txt', 'app'), { 3: 'cached', 4: 'ran', 5: 'ran', 6: 'ran', 7: 'ran', 9: 'ran', 10: 'ran', 11: 'ran' });
    const p = podman('app-first.podman.txt');
    assert.deepStrictEqual(p.steps.find(v => v.index === 5)!.logs, ['installed 3 packages']);
    assert.deepStrictEqual(p.trailer, [], 'COMMIT, Successfully tagged and the image id are not output');
    assert.ok(p.steps.every(v => v.logs.every(l => !/^(COMMIT|-->|Successfully)/.test(l))));
  });

  it('second build: every step cached (`--> Using cache <id>` then `--> <short id>`)', () => {
    const o = outcomeOf('app-cached.podman.txt', 'app');
    assert.strictEqual(Object.keys(o).length, 8);
    assert.ok(Object.values(o).every(x => x === 'cached'), JSON.stringify(o));
  });

  it('after touching a source file: COPY . . and everything below it ran', () => {
    assert.deepStrictEqual(outcomeOf('app-touched.podman.txt', 'app'), { 3: 'cached', 4: 'cached', 5: 'cached', 6: 'cached', 7: 'cached', 9: 'ran', 10: 'ran', 11: 'ran' });
  });

  it('a failing step: the error line is the engine\'s message, not the step\'s output, and the step is the failed one', () => {
    const p = podman('failing.podman.txt', true);
    const failed = p.steps.find(v => v.state === 'error')!;
    assert.strictEqual(failed.index, 4);
    assert.deepStrictEqual(failed.logs, ['about to fail']);
    assert.strictEqual(failed.errorMessage, 'building at STEP "RUN echo "about to fail" && exit 3": while running runtime: exit status 3');
    assert.deepStrictEqual(outcomeOf('failing.podman.txt', 'failing', true), { 1: 'cached', 2: 'ran', 3: 'ran', 4: 'error' });
  });

  it('multi-stage: `[i/n]` prefixes name the stages; FROM … AS is matched by its image', () => {
    const o = outcomeOf('multistage-first.podman.txt', 'multistage');
    assert.deepStrictEqual(Object.keys(o).map(Number), [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15]);
    assert.deepStrictEqual([o[1], o[4], o[8], o[11], o[15]], ['cached', 'ran', 'ran', 'cached', 'ran'], JSON.stringify(o));
    assert.deepStrictEqual(podman('multistage-first.podman.txt').steps.map(v => v.stage).filter((s, i, a) => a.indexOf(s) === i), ['stage-0', 'stage-1', 'stage-2']);
    assert.ok(Object.values(outcomeOf('multistage-cached.podman.txt', 'multistage')).every(x => x === 'cached'));
  });

  it('interrupted: podman prints nothing more; the running step is the cancelled one', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'progress', 'cancelled.podman.Dockerfile'), 'utf8');
    const p = new PodmanProgressParser();
    p.push(progress('cancelled.podman.txt'));
    p.end('canceled');
    const steps = mapToDockerfile(p.steps, text, { countsAllInstructions: true });
    assert.deepStrictEqual(steps.map(s => [s.line, s.cached, !!s.canceled]), [[1, true, false], [2, false, true]]);
    assert.deepStrictEqual(steps[1].logs, ['started']);
  });
});

describe('timeline text', () => {
  it('formats durations the way people read them', () => {
    assert.deepStrictEqual([0.04, 42.06, 59.96, 192, 3725].map(formatDuration), ['0.0s', '42.1s', '60.0s', '3m12s', '1h02m']);
  });

  it('JSON has exactly the contract keys', () => {
    const steps = mapToDockerfile(parsePlainProgress(progress('app-touched.plain.txt')).steps, dockerfile('app'));
    const t = makeTimeline({ dockerfile: '/x/Dockerfile', steps, seconds: 41.29, success: true, finishedAt: '' });
    const json = timelineJson(t);
    assert.deepStrictEqual(Object.keys(json), ['steps', 'cachedSteps', 'totalSteps', 'seconds']);
    assert.deepStrictEqual(Object.keys(json.steps[0]), ['line', 'instruction', 'cached', 'seconds', 'error']);
    assert.deepStrictEqual([json.cachedSteps, json.totalSteps, json.seconds], [4, 6, 41.29]);
    assert.strictEqual(summaryText(t), '4/6 steps cached · 41.3s');
    const table = formatTable(t);
    assert.match(table, /^ +9 +COPY \. \. +ran 0\.0s$/m);
    assert.match(table, /^ +5 +WORKDIR \/app +cached$/m);
  });
});
