/**
 * The timeline of builds that merge or fail, from BuildKit plain output captured from dockerd 20.10
 * (docker CLI 28): steps BuildKit ran once for two lines, the failed step's time and message, the
 * steps the failure cancelled, and a Dockerfile that does not parse.
 */
import * as assert from 'assert';
import { mapToDockerfile, parsePlainProgress } from '../../common/docker/progress';
import { formatTable, makeTimeline, stepOutcome, timelineJson } from '../../common/docker/timeline';

const DOCKERFILE = [
  'FROM local/busybox:latest AS a',
  'RUN echo one && sleep 1',
  'RUN echo two',
  'FROM local/busybox:latest AS b',
  'RUN echo one && sleep 1',
  'RUN sleep 2 && echo three',
  'FROM a',
  'RUN sleep 1; echo fail >&2; exit 3',
  'COPY --from=b /bin/sh /x',
  '',
].join('\n');

const FAILED = `#4 [b 1/3] FROM docker.io/local/busybox:latest
#4 sha256:ad0d45d7faf3865fd8a2d3569b4859a32fefd8712f29165f45f26e15e8c85906
#4 CACHED

#5 [b 2/3] RUN echo one && sleep 1
#5 sha256:40c51964e715e7311dda3f065e2d4d42d0c7a79e30bddafeb6aa50bcd817cf22
#5 0.064 one
#5 DONE 1.1s

#6 [a 3/3] RUN echo two
#6 0.097 two
#6 DONE 0.1s

#7 [stage-2 1/2] RUN sleep 1; echo fail >&2; exit 3
#7 1.100 fail
#7 ERROR: executor failed running [/bin/sh -c sleep 1; echo fail >&2; exit 3]: exit code: 3

#8 [b 3/3] RUN sleep 2 && echo three
#8 CANCELED
------
 > [stage-2 1/2] RUN sleep 1; echo fail >&2; exit 3:
------
executor failed running [/bin/sh -c sleep 1; echo fail >&2; exit 3]: exit code: 3
`;

function timeline(log: string, dockerfile: string, error?: string) {
  const steps = mapToDockerfile(parsePlainProgress(log).steps, dockerfile);
  return makeTimeline({ dockerfile: '/x/Dockerfile', steps, seconds: 2.5, success: false, ...(error ? { error } : {}), finishedAt: '' });
}

describe('progress: merged, failed and cancelled steps', () => {
  const t = timeline(FAILED, DOCKERFILE, 'executor failed running [/bin/sh -c sleep 1; echo fail >&2; exit 3]: exit code: 3');
  const at = (line: number) => t.steps.find(s => s.line === line)!;

  it('a step BuildKit ran once for two stages appears on both lines; the unprinted one points at the printed one', () => {
    assert.deepStrictEqual(t.steps.map(s => s.line), [1, 2, 3, 4, 5, 6, 8], 'line 9 never started');
    // BuildKit printed the merged FROM and RUN under stage b: stage a's lines are the shared ones
    assert.deepStrictEqual([at(1).sharedWith, at(2).sharedWith, at(4).sharedWith, at(5).sharedWith], [4, 5, undefined, undefined]);
    assert.strictEqual(stepOutcome(at(2)), 'cached (shared with line 5)');
    assert.strictEqual(at(5).seconds, 1.1);
    assert.deepStrictEqual(timelineJson(t).steps.find(s => s.line === 2), { line: 2, instruction: 'RUN echo one && sleep 1', cached: true, seconds: 0, error: false, sharedWith: 5 });
  });

  it('catches-not: stages that differ before the step are not merged', () => {
    const differs = DOCKERFILE.replace('FROM local/busybox:latest AS b', 'FROM local/busybox:latest AS b\nENV X=1');
    const steps = mapToDockerfile(parsePlainProgress(FAILED).steps, differs);
    assert.ok(steps.filter(s => s.name.startsWith('RUN')).every(s => s.sharedWith === undefined), JSON.stringify(steps));
    assert.strictEqual(steps.find(s => s.line === 1)!.sharedWith, 4, 'the FROM lines are still one vertex');
  });

  it('the failed step carries its real duration and the engine message; steps it cut short are cancelled', () => {
    const failed = at(8);
    assert.strictEqual(failed.error, true);
    assert.strictEqual(failed.seconds, 1.1, 'the last log line came 1.1 s into the step');
    const json = timelineJson(t);
    assert.strictEqual(json.error, 'executor failed running [/bin/sh -c sleep 1; echo fail >&2; exit 3]: exit code: 3');
    const step8 = json.steps.find(s => s.line === 8)!;
    assert.strictEqual(step8.error, 'executor failed running [/bin/sh -c sleep 1; echo fail >&2; exit 3]: exit code: 3');
    assert.strictEqual(step8.seconds, 1.1);
    const step6 = json.steps.find(s => s.line === 6)!;
    assert.deepStrictEqual([step6.cancelled, step6.error, step6.cached], [true, false, false]);
    assert.ok(json.steps.filter(s => s.line !== 6).every(s => s.cancelled === undefined));
    assert.match(formatTable(t), /^ +6 +RUN sleep 2 && echo three +cancelled$/m);
  });

  it('a build that fails before any step: the error and no steps', () => {
    const log = `#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 87B done
#1 DONE 0.0s
failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: FOO
`;
    const json = timelineJson(timeline(log, 'FROM local/busybox:latest\nRUN echo hi\nFOO bar\n', 'failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: FOO'));
    assert.deepStrictEqual(Object.keys(json), ['error', 'steps', 'cachedSteps', 'totalSteps', 'seconds']);
    assert.match(json.error!, /dockerfile parse error line 3: unknown instruction: FOO/);
    assert.deepStrictEqual(json.steps, []);
  });

  it('catches-not: a successful build has no error key, and its steps none', () => {
    const ok = makeTimeline({ dockerfile: '/x/Dockerfile', steps: mapToDockerfile(parsePlainProgress(FAILED.split('#7 [stage-2')[0]).steps, DOCKERFILE), seconds: 1, success: true, finishedAt: '' });
    const json = timelineJson(ok);
    assert.strictEqual('error' in json, false);
    assert.ok(json.steps.every(s => s.error === false && s.cancelled === undefined));
  });
});
