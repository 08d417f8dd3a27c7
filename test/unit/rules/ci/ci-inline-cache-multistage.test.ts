import * as assert from 'assert';
import { ciFindings, ciLines, yml } from '../../../support/ciLint';
import type { WorkspaceFacts } from '../../../../server/src/rules/types';

const RULE = 'ci-inline-cache-multistage';

/** Facts as the CLI and the server gather them: a builder stage, and a final stage that only copies from it. */
const multi: WorkspaceFacts = { dockerfiles: { Dockerfile: { stages: [{ name: 'build' }, {}] }, 'docker/app.Dockerfile': { stages: [{ name: 'deps' }, { name: 'app', parent: 0 }] } } };

describe(RULE, () => {
  describe('catches', () => {
    it('--build-arg BUILDKIT_INLINE_CACHE=1 with a multi-stage Dockerfile: the builder stage is named', () => {
      const text = 'build:\n  script:\n    - docker build --build-arg BUILDKIT_INLINE_CACHE=1 -t app .\n';
      const [f] = ciFindings(text, RULE, multi);
      assert.deepStrictEqual([f.range.start.character, f.range.end.character], [31, 54]);
      assert.match(f.message, /only the layers of the stage that becomes the image \(mode=min\), so stage build is rebuilt.*--cache-to type=registry,ref=<image>:buildcache,mode=max/);
    });

    it('the variable from the environment, and build-args of the action', () => {
      const env = yml`
        variables:
          BUILDKIT_INLINE_CACHE: "1"
        build:
          script:
            - docker build --build-arg BUILDKIT_INLINE_CACHE .
      `;
      assert.deepStrictEqual(ciLines(env, RULE, multi), [5]);
      const action = yml`
        jobs:
          b:
            steps:
              - uses: docker/build-push-action@v6
                with:
                  build-args: |
                    APP=1
                    BUILDKIT_INLINE_CACHE=1
      `;
      assert.deepStrictEqual(ciLines(action, RULE, multi), [8]);
    });
  });

  describe('catches not', () => {
    it('a final stage that builds on the other: every layer is in the image', () => {
      assert.deepStrictEqual(ciLines('b:\n  script:\n    - docker build -f docker/app.Dockerfile --build-arg BUILDKIT_INLINE_CACHE=1 .\n', RULE, multi), []);
    });

    it('a Dockerfile that could not be read, a single-stage one, and no inline cache', () => {
      const text = 'b:\n  script:\n    - docker build --build-arg BUILDKIT_INLINE_CACHE=1 ./svc\n';
      assert.deepStrictEqual(ciLines(text, RULE, multi), []);
      assert.deepStrictEqual(ciLines(text, RULE, { dockerfiles: { 'svc/Dockerfile': { stages: [{}] } } }), []);
      assert.deepStrictEqual(ciLines('b:\n  script:\n    - docker build --build-arg BUILDKIT_INLINE_CACHE=0 .\n', RULE, multi), []);
    });
  });
});
