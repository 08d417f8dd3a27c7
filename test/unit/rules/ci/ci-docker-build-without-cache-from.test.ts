import * as assert from 'assert';
import { ciFindings, ciLines, yml } from '../../../support/ciLint';

const RULE = 'ci-docker-build-without-cache-from';

describe(RULE, () => {
  describe('catches', () => {
    it('docker build in a GitLab script, with no fix and the reason in the message', () => {
      const text = yml`
        build:
          script:
            - echo start
            - docker build -t registry.example.com/app:$CI_COMMIT_SHORT_SHA .
      `;
      const [f] = ciFindings(text, RULE);
      assert.deepStrictEqual({ line: f.range.start.line + 1, character: f.range.start.character }, { line: 4, character: 6 });
      assert.deepStrictEqual(f.fixes ?? [], []);
      assert.match(f.message, /No automatic fix: nothing in this file shows an image or cache/);
    });

    it('docker buildx build and docker image build in a run: block, across a line continuation', () => {
      const text = yml`
        jobs:
          b:
            steps:
              - run: |
                  docker buildx build \
                    -t app .
                  sudo docker image build .
      `;
      assert.deepStrictEqual(ciLines(text, RULE), [5, 7]);
    });
  });

  describe('catches not', () => {
    it('a build with --cache-from, one with --no-cache (ci-no-cache speaks), and other docker commands', () => {
      const text = yml`
        build:
          script:
            - docker build --cache-from type=registry,ref=r/app:buildcache -t app .
            - docker build --no-cache -t app .
            - docker push app
            - echo docker build .
      `;
      assert.deepStrictEqual(ciLines(text, RULE), []);
    });

    it('a run: step in PowerShell is not read as sh', () => {
      const text = yml`
        jobs:
          b:
            steps:
              - shell: pwsh
                run: docker build .
      `;
      assert.deepStrictEqual(ciLines(text, RULE), []);
    });
  });
});
