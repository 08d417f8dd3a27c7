import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { BASE_IMAGE_MARK, baseImageMark, ensureBaseImage, requireDocker, type DockerEnv } from '../support/dockerd';

/**
 * The tests and the bench build on a local busybox image they import themselves. An image that
 * merely has the same name (another project's, or an older one without /tmp) must be replaced, not
 * used: the bench's sample failed on one. A tag of its own keeps the shared base image untouched.
 */
describe('docker: the local base image is ours or it is rebuilt', function () {
  const TAG = 'local/cache-advisor-base-image-test:latest';
  let env: DockerEnv;

  before(async function () {
    env = await requireDocker(this);
  });

  after(() => {
    if (env) spawnSync(env.dockerCli, ['image', 'rm', '-f', TAG]);
  });

  function run(args: string[], input?: string): string {
    const r = spawnSync(env.dockerCli, args, { encoding: 'utf8', input });
    assert.strictEqual(r.status, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  it('an unrelated image under the tag (no /tmp, no label) is replaced by the marked busybox image', async function () {
    this.timeout(120_000);
    spawnSync(env.dockerCli, ['image', 'rm', '-f', TAG]);
    // An impostor: the tests' own base image re-imported without its label and without /tmp.
    const impostor = run(['create', env.baseImage, 'true']).trim();
    try {
      const rootfs = spawnSync(env.dockerCli, ['export', impostor], { maxBuffer: 64 << 20 });
      assert.strictEqual(rootfs.status, 0);
      const strip = spawnSync('sh', ['-c', `tar --delete -f - ./tmp tmp 2>/dev/null | ${env.dockerCli} import - ${TAG}`], { input: rootfs.stdout, encoding: 'buffer' });
      assert.strictEqual(strip.status, 0, String(strip.stderr));
    } finally {
      spawnSync(env.dockerCli, ['rm', '-f', impostor]);
    }
    assert.strictEqual(baseImageMark(env.dockerCli, TAG), '', 'the impostor carries no mark');

    await ensureBaseImage(env.dockerCli, TAG);

    assert.strictEqual(baseImageMark(env.dockerCli, TAG), BASE_IMAGE_MARK);
    const ls = spawnSync(env.dockerCli, ['run', '--rm', '--network=none', TAG, 'sh', '-c', 'test -d /tmp && echo ok'], { encoding: 'utf8' });
    assert.strictEqual(ls.stdout.trim(), 'ok', `the rebuilt image has /tmp: ${ls.stderr}`);
  });

  it('the marked image is reused as it is (same image id)', async function () {
    this.timeout(120_000);
    await ensureBaseImage(env.dockerCli, TAG);
    const before = run(['image', 'inspect', '--format', '{{.Id}}', TAG]).trim();
    await ensureBaseImage(env.dockerCli, TAG);
    assert.strictEqual(run(['image', 'inspect', '--format', '{{.Id}}', TAG]).trim(), before);
  });
});
