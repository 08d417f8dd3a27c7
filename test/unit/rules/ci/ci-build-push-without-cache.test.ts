import * as assert from 'assert';
import { applyCiFix, ciFindings, ciFixAll, ciLines, yml } from '../../../support/ciLint';

const RULE = 'ci-build-push-without-cache';

/** A GitHub workflow whose job sets up buildx, then runs `step` (indented as a step). */
const job = (step: string) => 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n' + step;

describe(RULE, () => {
  describe('catches', () => {
    it('an action step without cache inputs; the fix adds the GitHub Actions cache under with:', () => {
      const text = job('      - uses: docker/build-push-action@v6\n        with:\n          context: .\n');
      assert.deepStrictEqual(ciLines(text, RULE), [7]);
      assert.strictEqual(applyCiFix(text, RULE), text + '          cache-from: type=gha\n          cache-to: type=gha,mode=max\n');
    });

    it('a step that pushes a plainly named image: a registry cache next to it', () => {
      const text = job('      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: |\n            ghcr.io/acme/app:1.2\n            ghcr.io/acme/app:latest\n');
      const out = applyCiFix(text, RULE);
      assert.strictEqual(out, text + '          cache-from: type=registry,ref=ghcr.io/acme/app:buildcache\n          cache-to: type=registry,ref=ghcr.io/acme/app:buildcache,mode=max\n');
    });

    it('no with: at all — with: is created at the step\'s indentation; CRLF kept; fix-all is idempotent', () => {
      const text = job('      - name: Build\n        uses: docker/build-push-action@v6\n').replace(/\n/g, '\r\n');
      const out = applyCiFix(text, RULE);
      assert.strictEqual(out, text + '        with:\r\n          cache-from: type=gha\r\n          cache-to: type=gha,mode=max\r\n');
      assert.strictEqual(ciFixAll(text, RULE), out);
    });

    it('without setup-buildx-action: reported, no fix, the message says why', () => {
      const text = yml`
        jobs:
          b:
            steps:
              - uses: docker/build-push-action@v6
      `;
      const [f] = ciFindings(text, RULE);
      assert.deepStrictEqual(f.fixes, []);
      assert.match(f.message, /setup-buildx-action.*cannot export a cache/);
    });

    it('a pushed image named by an expression is not guessed at: the Actions cache instead', () => {
      const text = job('      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ${{ steps.meta.outputs.tags }}\n');
      assert.match(applyCiFix(text, RULE), /cache-from: type=gha\n/);
    });
  });

  describe('catches not', () => {
    it('an action step with cache-from or cache-to, and other actions', () => {
      assert.deepStrictEqual(ciLines(job('      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=gha\n'), RULE), []);
      assert.deepStrictEqual(ciLines(job('      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,mode=max\n'), RULE), []);
      assert.deepStrictEqual(ciLines(job('      - uses: docker/login-action@v3\n'), RULE), []);
    });
  });
});
