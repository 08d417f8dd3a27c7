/**
 * Cache sources and destinations of a build: the argument vector per engine (a builder without buildx
 * leaves a `--cache-to` out with a note instead of failing), a Compose service's cache_from/cache_to,
 * the settings' old and new names, and the timeline's marks for steps an imported cache served.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BuildArgsError, buildCommand } from '../../common/docker/buildArgs';
import type { BuildEngine } from '../../common/docker/buildEngine';
import { cacheImportsOf, markImported } from '../../common/docker/cacheImport';
import { composeCacheFor, composeCacheIn, interpolate, mergeEntries } from '../../common/docker/composeCache';
import { mapToDockerfile, parsePlainProgress } from '../../common/docker/progress';
import { formatTable, makeTimeline, stepOutcome, timelineJson } from '../../common/docker/timeline';
import { cacheSettingValue } from '../../client/src/buildOptions';

const BUILDKIT: BuildEngine = { kind: 'buildkit', command: '/usr/bin/docker', baseArgs: ['build'], env: { DOCKER_BUILDKIT: '1' } };
const BUILDX: BuildEngine = { kind: 'buildx', command: '/usr/bin/docker', baseArgs: ['buildx', 'build'], env: {} };
const REQ = { dockerfile: '/w/Dockerfile', context: '/w' };

const pairs = (args: readonly string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('cache sources and destinations of a build', () => {
  describe('buildCommand', () => {
    it('buildx takes every --cache-from and --cache-to as given, each one argument', () => {
      const to = 'type=registry,ref=r.example/app:cache,mode=max';
      const c = buildCommand(BUILDX, { ...REQ, cacheFrom: ['type=registry,ref=r.example/app:cache', 'a b;$(x)'], cacheTo: [to] });
      assert.deepStrictEqual(pairs(c.args, '--cache-from'), ['type=registry,ref=r.example/app:cache', 'a b;$(x)']);
      assert.deepStrictEqual(pairs(c.args, '--cache-to'), [to]);
      assert.strictEqual(c.notes, undefined);
    });

    it('without buildx a registry --cache-to is left out with a note, and the build still runs', () => {
      const c = buildCommand(BUILDKIT, { ...REQ, cacheTo: ['type=registry,ref=r.example/app:cache,mode=max'] });
      assert.deepStrictEqual(pairs(c.args, '--cache-to'), []);
      assert.strictEqual(c.args[c.args.length - 1], '/w');
      assert.strictEqual(c.notes?.length, 1);
      assert.match(c.notes![0], /left out: .*built-in BuildKit, which cannot export a cache .*docker buildx.*The build runs without it/);
    });

    it('catches not: without buildx, --cache-to type=inline becomes the inline-cache build argument (once)', () => {
      const c = buildCommand(BUILDKIT, { ...REQ, cacheTo: ['type=inline'] });
      assert.deepStrictEqual(pairs(c.args, '--build-arg'), ['BUILDKIT_INLINE_CACHE=1']);
      assert.strictEqual(c.notes, undefined);
      const given = buildCommand(BUILDKIT, { ...REQ, buildArgs: { BUILDKIT_INLINE_CACHE: '1' }, cacheTo: ['type=inline'] });
      assert.deepStrictEqual(pairs(given.args, '--build-arg'), ['BUILDKIT_INLINE_CACHE=1']);
    });

    it('without buildx a registry --cache-from is its image reference; a local one is refused with the reason', () => {
      const c = buildCommand(BUILDKIT, { ...REQ, cacheFrom: ['type=registry,ref=127.0.0.1:5000/app:v1', 'plain/image:tag'] });
      assert.deepStrictEqual(pairs(c.args, '--cache-from'), ['127.0.0.1:5000/app:v1', 'plain/image:tag']);
      assert.throws(() => buildCommand(BUILDKIT, { ...REQ, cacheFrom: ['type=local,src=/c'] }), (e: Error) => e instanceof BuildArgsError && /needs docker buildx/.test(e.message));
    });
  });

  describe('a Compose service building the Dockerfile', () => {
    const file = '/w/compose.yaml';

    it('long form: context and dockerfile resolve against the Compose file; cache_from/cache_to are taken', () => {
      const text = [
        'services:',
        '  api:',
        '    build:',
        '      context: ./api',
        '      dockerfile: build/Dockerfile.prod',
        '      cache_from: [ "r.example/api:${TAG:-latest}" ]',
        '      cache_to:',
        '        - type=inline',
        '  web:',
        '    build: ./web',
        '    cache_from: [not-under-build]',
        '',
      ].join('\n');
      const [api] = composeCacheIn(file, text, '/w/api/build/Dockerfile.prod', {});
      assert.deepStrictEqual(api, { file, service: 'api', cacheFrom: ['r.example/api:latest'], cacheTo: ['type=inline'], skipped: [] });
      assert.deepStrictEqual(composeCacheIn(file, text, '/w/web/Dockerfile', {}).map(c => [c.service, c.cacheFrom]), [['web', []]]);
      assert.deepStrictEqual(composeCacheIn(file, text, '/w/api/Dockerfile', {}), [], 'catches not: another Dockerfile');
    });

    it('an entry whose variable is not set is left out and said, not passed as an empty reference', () => {
      const text = 'services:\n  a:\n    build:\n      context: .\n      cache_from: ["${REGISTRY}/a:cache", "keep:me"]\n';
      const [a] = composeCacheIn(file, text, '/w/Dockerfile', {});
      assert.deepStrictEqual(a.cacheFrom, ['keep:me']);
      assert.match(a.skipped[0], /\$\{REGISTRY\}\/a:cache .*not set/);
      assert.deepStrictEqual(composeCacheIn(file, text, '/w/Dockerfile', { REGISTRY: 'r.example' })[0].cacheFrom, ['r.example/a:cache', 'keep:me']);
    });

    it('aliases are followed; remote contexts are passed over', () => {
      const text = 'x-b: &b\n  context: .\n  cache_from: [shared:cache]\nservices:\n  a:\n    build: *b\n  r:\n    build: https://github.com/x/y.git\n';
      assert.deepStrictEqual(composeCacheIn(file, text, '/w/Dockerfile', {}).map(c => [c.service, c.cacheFrom]), [['a', ['shared:cache']]]);
    });

    it('composeCacheFor reads the Compose files of the given folders', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-compose-cache-'));
      try {
        fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  a:\n    build:\n      context: .\n      cache_from: [a:cache]\n');
        fs.writeFileSync(path.join(dir, 'notes.yml'), 'services:\n  b:\n    build:\n      context: .\n      cache_from: [b:cache]\n');
        const found = composeCacheFor(path.join(dir, 'Dockerfile'), [dir, dir], {});
        assert.deepStrictEqual(found.map(c => [path.basename(c.file), c.cacheFrom]), [['docker-compose.yml', ['a:cache']]]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('interpolate and mergeEntries', () => {
      assert.strictEqual(interpolate('$$a-${A}-$B-${C-d}-${E:-f}', { A: '1', B: '2', E: '' }), '$a-1-2-d-f');
      assert.strictEqual(interpolate('${MISSING}', {}), undefined);
      assert.deepStrictEqual(mergeEntries(['a', 'b'], ['b', 'c']), ['a', 'b', 'c']);
    });
  });

  it('settings: the new name wins when set at all (even empty); else the old one', () => {
    assert.deepStrictEqual(cacheSettingValue(undefined, [' old:cache ', 3, '']), ['old:cache']);
    assert.deepStrictEqual(cacheSettingValue([], ['old:cache']), []);
    assert.deepStrictEqual(cacheSettingValue(['new:cache'], ['old:cache']), ['new:cache']);
  });

  describe('steps an imported cache served', () => {
    const DOCKERFILE = 'FROM local/busybox:latest\nCOPY a.txt /a.txt\nRUN echo x > /n.txt\nCOPY c.txt /c.txt\nRUN cat /c.txt\n';
    const D = 'a'.repeat(64);
    const E = 'b'.repeat(64);
    // the shape dockerd 20.10's BuildKit printed against a registry on 127.0.0.1 (see cacheImport.ts)
    const transcript = (importState: string) => [
      '#1 [1/5] FROM docker.io/local/busybox:latest', '#1 DONE 0.0s', '',
      '#2 importing cache manifest from 127.0.0.1:5000/app:v1', `#2 ${importState}`, '',
      '#3 [2/5] COPY a.txt /a.txt', '#3 CACHED', '',
      '#4 [3/5] RUN echo x > /n.txt', '#4 CACHED', '',
      '#5 [4/5] COPY c.txt /c.txt',
      `#5 pulling sha256:${D}`, `#5 pulling sha256:${D} 0.1s done`, `#5 pulling sha256:${E} 0.1s done`, '#5 DONE 0.1s', '',
      '#6 [5/5] RUN cat /c.txt', '#6 0.2 c', '#6 DONE 0.2s', '',
    ].join('\n');
    const timelineOf = (text: string) => {
      const p = parsePlainProgress(text);
      const imports = cacheImportsOf(p.vertices);
      return makeTimeline({ dockerfile: '/w/Dockerfile', steps: markImported(mapToDockerfile(p.steps, DOCKERFILE), imports), seconds: 1, success: true, finishedAt: '', cacheImports: imports });
    };

    it('the cached steps up to the one that pulled layers from the source, not FROM, not the steps that ran', () => {
      const t = timelineOf(transcript('DONE 0.0s').replace('#5 DONE 0.1s', '#5 CACHED'));
      assert.deepStrictEqual(t.cacheImports, [{ ref: '127.0.0.1:5000/app:v1', ok: true }]);
      assert.deepStrictEqual(t.steps.map(s => [s.line, s.cached, !!s.imported]), [[1, true, false], [2, true, true], [3, true, true], [4, true, true], [5, false, false]]);
      assert.strictEqual(stepOutcome(t.steps[1]), 'cached (imported)');
      assert.deepStrictEqual(timelineJson(t).steps.map(s => s.imported), [undefined, true, true, true, undefined]);
      assert.match(formatTable(t), /cache imported from 127\.0\.0\.1:5000\/app:v1/);
    });

    it('catches not: no step pulled (the local cache served them), or the import failed', () => {
      const local = timelineOf(transcript('DONE 0.0s').replace(/#5 pulling .*\n/g, '').replace('#5 DONE 0.1s', '#5 CACHED'));
      assert.ok(!local.steps.some(s => s.imported));
      const failed = timelineOf(transcript('ERROR: not found').replace('#5 DONE 0.1s', '#5 CACHED'));
      assert.deepStrictEqual(failed.cacheImports, [{ ref: '127.0.0.1:5000/app:v1', ok: false }]);
      assert.ok(!failed.steps.some(s => s.imported));
      assert.match(formatTable(failed), /cache import from 127\.0\.0\.1:5000\/app:v1 failed/);
    });
  });
});
