import * as assert from 'assert';
import { applyCiFix, ciFindings, ciLines, yml } from '../../../support/ciLint';
import { fixAll } from '../../../../server/src/lint/linter';
import { CI } from '../../../../server/src/lint/fileKinds';

const RULE = 'ci-no-cache';

describe(RULE, () => {
  describe('catches', () => {
    it('--no-cache alone on a continuation line: the fix removes the line; it is not preferred and Fix All leaves it', () => {
      const text = yml`
        on: [push, pull_request]
        jobs:
          b:
            steps:
              - run: |
                  docker build \
                    --no-cache \
                    -t app .
      `;
      const [f] = ciFindings(text, RULE);
      assert.strictEqual(f.range.start.line + 1, 7);
      assert.strictEqual(f.fixes![0].preferred, false);
      assert.match(f.message, /--pull.*scheduled job.*Fix All leaves it/s);
      assert.strictEqual(applyCiFix(text, RULE), text.replace(/^ *--no-cache \\\n/m, ''));
      assert.strictEqual(fixAll(CI, text).text, text);
    });

    it('--no-cache inside a GitLab script line: the word and its blank go', () => {
      const text = 'build:\n  script:\n    - docker build --no-cache -t app .\n';
      assert.strictEqual(applyCiFix(text, RULE), 'build:\n  script:\n    - docker build -t app .\n');
    });

    it('no-cache: true on build-push-action: the input goes (with: too when it was the only one)', () => {
      const step = (inputs: string) => `jobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n${inputs}      - run: echo\n`;
      assert.strictEqual(applyCiFix(step('          no-cache: true\n          push: false\n'), RULE), step('          push: false\n'));
      assert.strictEqual(applyCiFix(step('          no-cache: true\n'), RULE), 'jobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v6\n      - run: echo\n');
    });
  });

  describe('catches not', () => {
    it('--no-cache=false and no-cache: false', () => {
      assert.deepStrictEqual(ciLines('build:\n  script:\n    - docker build --no-cache=false .\n', RULE), []);
      assert.deepStrictEqual(ciLines('jobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          no-cache: false\n', RULE), []);
    });

    it('a workflow that only runs on a schedule or by hand, and a GitLab job only in scheduled pipelines', () => {
      const gh = yml`
        on:
          schedule:
            - cron: '0 3 * * *'
          workflow_dispatch:
        jobs:
          nightly:
            steps:
              - run: docker build --no-cache .
      `;
      assert.deepStrictEqual(ciLines(gh, RULE), []);
      const gl = yml`
        nightly:
          rules:
            - if: $CI_PIPELINE_SOURCE == "schedule"
          script:
            - docker build --no-cache .
        weekly:
          only: [schedules]
          script:
            - docker build --no-cache .
      `;
      assert.deepStrictEqual(ciLines(gl, RULE), []);
    });
  });
});
