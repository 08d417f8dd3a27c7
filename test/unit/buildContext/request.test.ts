import * as assert from 'assert';
import * as path from 'path';
import { timelineLastRun } from '../../../server/src/buildContext/lastRun';
import { answerWhatRebuilds } from '../../../server/src/buildContext/whatRebuildsRequest';
import { makeTimeline, type BuildTimeline } from '../../../common/docker/timeline';
import { URI } from '../../../server/src/lsp/uri';
import { FIXTURES } from './fixtures';

describe('cacheAdvisor/whatRebuilds: the editor answers for the build as it was last run', () => {
  const root = path.join(FIXTURES, 'args');
  const dockerfile = path.join(root, 'Dockerfile');
  const uri = URI.fromPath(dockerfile);

  function ask(file: string, last?: Partial<BuildTimeline>) {
    const t = last && makeTimeline({ dockerfile, steps: [], seconds: 1, success: true, finishedAt: '', ...last });
    return answerWhatRebuilds({ uri: URI.fromPath(path.join(root, file)) }, {
      roots: [root], openText: () => undefined, openDockerfiles: [], buildContextFor: async () => undefined,
      lastRun: timelineLastRun({ get: u => (u === uri ? t : undefined) }),
    });
  }

  it('catches: the last build\'s --build-arg values decide COPY ${APP_DIR}/, and the answer says which it used', async () => {
    const r = await ask('services/web/main.go', { buildArgs: { APP_DIR: 'services/web' } });
    assert.strictEqual(r.dockerfiles[0].firstInvalidatedLine, 8);
    assert.deepStrictEqual(r.dockerfiles[0].buildArgs, { APP_DIR: 'services/web' });
  });

  it('catches-not: without a build (or with one without args) the defaults apply', async () => {
    assert.strictEqual((await ask('services/web/main.go')).dockerfiles[0].firstInvalidatedLine, 12);
    const plain = (await ask('services/web/main.go', { buildArgs: {} })).dockerfiles[0];
    assert.strictEqual(plain.firstInvalidatedLine, 12);
    assert.strictEqual('buildArgs' in plain, false);
  });

  it('malformed values from the wire are dropped', async () => {
    const r = await ask('services/web/main.go', { buildArgs: { 'NOT A NAME': 'x', APP_DIR: 7 as unknown as string } });
    assert.strictEqual(r.dockerfiles[0].firstInvalidatedLine, 12);
  });

  it('conditions carry the reason next to the editor\'s conditionalLines', async () => {
    const multi = path.join(FIXTURES, 'multistage');
    const r = await answerWhatRebuilds({ uri: URI.fromPath(path.join(multi, 'src/app.py')) }, {
      roots: [multi], openText: () => undefined, openDockerfiles: [], buildContextFor: async () => undefined,
    });
    const d = r.dockerfiles.find(x => x.dockerfile === 'Dockerfile')!;
    assert.deepStrictEqual(d.conditionalLines, [16, 18]);
    assert.deepStrictEqual(d.conditions, [
      { line: 16, reason: 'only if the files it takes from stage build come out different' },
      { line: 18, reason: 'only if line 16 re-runs' },
    ]);
  });
});
