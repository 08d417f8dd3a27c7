/**
 * model-download-without-cache's fix on a real engine: the fixed Dockerfile builds with
 * `--network=none`, the image holds the model where the tool looks for it, and a rebuild of the step
 * takes the model from the cache mount instead of downloading it. The "downloader" is a busybox script
 * standing in for `huggingface-cli download`: it writes a fresh random file unless the hub cache it is
 * pointed at (HF_HUB_CACHE, else ~/.cache/huggingface/hub) holds one already.
 *
 * ADD --checksum (download-without-checksum's fix) is not built here: the engine's built-in frontend
 * predates Dockerfile 1.6, and the `# syntax=` line that brings a newer one needs registry access, which
 * these tests do not have. Its fix is checked at the parse/verify level in the rule's spec.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { clearWorkspaceFactsCache } from '../../server/src/buildContext/workspaceFacts';
import { captureIO } from '../support/cliIO';
import { writeContext } from '../support/contextOnDisk';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { pruneCacheMounts } from '../support/sampleBuild';

const FAKE_CLI = [
  '#!/bin/sh',
  'set -e',
  'd="${HF_HUB_CACHE:-$HOME/.cache/huggingface/hub}/models--org--m"',
  'if [ -f "$d/weights.bin" ]; then echo "model from cache"; exit 0; fi',
  'mkdir -p "$d"',
  'cat /proc/sys/kernel/random/uuid > "$d/weights.bin"',
  'echo "model downloaded"',
  '',
].join('\n');

describe('docker: a model download fixed with a cache mount still builds and keeps the model in the image', function () {
  let env: DockerEnv;
  let tmp: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const tags: string[] = [];

  before(async function () {
    env = await requireDocker(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-modelfix-'));
  });

  after(async function () {
    if (!env) return;
    for (const t of tags) spawnSync(env.dockerCli, ['rmi', '-f', t], { stdio: 'ignore' });
    // only this test's cache mounts: their RUNs carry the nonce
    await pruneCacheMounts(env.dockerCli, env.socket, new RegExp(nonce)).catch(() => 0);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function build(dir: string, bust: string): { tag: string; log: string } {
    const tag = `ca-modelfix-${nonce}:${tags.length + 1}`;
    tags.push(tag);
    const r = spawnSync(env.dockerCli, ['build', '--network=none', '--progress=plain', '--build-arg', `BUST=${bust}`, '-t', tag, dir], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      timeout: 120_000,
    });
    const log = `${r.stdout}\n${r.stderr}`;
    assert.strictEqual(r.status, 0, `build failed:\n${fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')}\n${log.slice(-2000)}`);
    return { tag, log };
  }

  const cat = (tag: string, file: string) => {
    const r = spawnSync(env.dockerCli, ['run', '--rm', '--network=none', tag, 'cat', file], { encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(r.status, 0, `${file} is not in ${tag}: ${r.stderr}`);
    return r.stdout.trim();
  };

  async function fixed(files: Record<string, string>): Promise<{ dir: string; text: string }> {
    const dir = writeContext(files, fs.mkdtempSync(path.join(tmp, 'ctx-')));
    clearWorkspaceFactsCache();
    const io = captureIO();
    const code = await main(['--fix', path.join(dir, 'Dockerfile')], io);
    assert.ok(code === 0 || code === 1, io.stderr);
    return { dir, text: fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8') };
  }

  for (const user of ['root', 'app'] as const) {
    it(`as ${user}: the model is in the image, and a rebuild of the step copies it from the cache`, async () => {
      const home = user === 'root' ? '/root' : '/home/app';
      const { dir, text } = await fixed({
        Dockerfile: [
          `FROM ${env.baseImage}`,
          'COPY hf-cli.sh /bin/huggingface-cli',
          'RUN chmod 755 /bin/huggingface-cli',
          // the base image's busybox has no adduser: a numeric USER with its HOME set is as well known
          ...(user === 'app' ? ['RUN mkdir -p /home/app && chown 1000 /home/app', 'ENV HOME=/home/app', 'USER 1000'] : []),
          'ARG BUST',
          `RUN echo ${nonce} $BUST && huggingface-cli download org/m`,
          '',
        ].join('\n'),
        '.dockerignore': 'Dockerfile\n',
        'hf-cli.sh': FAKE_CLI,
      });
      assert.match(text, new RegExp(`RUN --mount=type=cache,target=/tmp/model-cache/hf-[0-9a-f]{8}${user === 'app' ? ',uid=1000' : ''} echo`), text);
      const model = `${home}/.cache/huggingface/hub/models--org--m/weights.bin`;
      const first = build(dir, '1');
      assert.match(first.log, /model downloaded/);
      const weights = cat(first.tag, model);
      assert.match(weights, /^[0-9a-f-]{36}$/);
      // a new BUST value re-runs the step: the download finds the model in the cache mount
      const second = build(dir, '2');
      assert.match(second.log, /model from cache/);
      assert.strictEqual(cat(second.tag, model), weights, 'the rebuilt image must hold the cached model');
    });
  }
});
