import * as assert from 'assert';
import { parseDocument } from 'yaml';
import { applyEdits } from '../../../server/src/lint/linter';
import { COMPOSE, kindOfDocument } from '../../../server/src/lint/fileKinds';
import { fixAll, lint, verifyFix } from '../../../server/src/lint/linter';
import { parseCompose } from '../../../common/analysis/composeModel';
import { isComposeFileName } from '../../../common/analysis/fileNames';
import type { Finding } from '../../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../../common/settings';

const y = (strings: TemplateStringsArray) => {
  const lines = strings.join('').replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter(l => l.trim()).map(l => /^ */.exec(l)![0].length));
  return lines.map(l => l.slice(indent)).join('\n');
};
const of = (text: string, rule: string): Finding[] => lint(COMPOSE, text).findings.filter(f => f.rule === rule);
const lines = (text: string, rule: string) => of(text, rule).map(f => f.range.start.line + 1);

/** Apply the first fix of `rule`, checking it re-parses as YAML without errors. */
function applyFirst(text: string, rule: string): string {
  const model = parseCompose(text);
  const f = of(text, rule)[0];
  assert.ok(f, `expected a ${rule} finding`);
  const fix = f.fixes?.[0];
  assert.ok(fix, `expected a fix: ${f.message}`);
  const verified = verifyFix(COMPOSE, model, fix);
  assert.ok(verified !== undefined, 'fix failed verification');
  const out = applyEdits(model, fix.edits);
  assert.deepStrictEqual(parseDocument(out).errors, []);
  return out;
}

/** Fix-all, then: valid YAML, a second fix-all changes nothing, the rule is silent. */
function fixAllChecked(text: string, rule: string): string {
  const out = fixAll(COMPOSE, text).text;
  assert.deepStrictEqual(parseDocument(out).errors, []);
  assert.strictEqual(fixAll(COMPOSE, out).text, out, 'fix-all is not idempotent');
  assert.deepStrictEqual(lines(out, rule), [], `${rule} still reports:\n${out}`);
  return out;
}

describe('compose files', () => {
  it('names: docker-compose.yml/.yaml, compose.yml/.yaml, overrides, *.compose.yaml; other YAML is not compose', () => {
    for (const n of ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'docker-compose.override.yml', 'compose.prod.yaml', 'app.compose.yaml', 'x.compose.yml']) assert.ok(isComposeFileName(n), n);
    for (const n of ['composer.yml', 'config.yaml', 'compose.json', 'Dockerfile']) assert.ok(!isComposeFileName(n), n);
    assert.strictEqual(kindOfDocument('dockercompose', 'file:///w/anything.yml')?.id ?? 'none', 'compose');
    assert.strictEqual(kindOfDocument('yaml', 'file:///w/docker-compose.yml')?.id ?? 'none', 'compose');
    assert.strictEqual(kindOfDocument('yaml', 'file:///w/.github/workflows/ci.yml')?.id ?? 'none', 'ci');
    assert.strictEqual(kindOfDocument('yaml', 'file:///w/config/ci.yml')?.id ?? 'none', 'none');
    assert.strictEqual(kindOfDocument('dockerfile', 'file:///w/Dockerfile')?.id ?? 'none', 'dockerfile');
  });

  it('a YAML syntax error does not throw; findings in the parsed part still come', () => {
    assert.doesNotThrow(() => lint(COMPOSE, 'services:\n  web: [\n'));
    assert.deepStrictEqual(lint(COMPOSE, '').findings, []);
    assert.deepStrictEqual(lint(COMPOSE, '- just\n- a list\n').findings, []);
  });

  describe('compose-missing-cache-from', () => {
    const RULE = 'compose-missing-cache-from';

    it('catches: build map + image, no cache_from: adds a block list after the last build key', () => {
      const text = y`
        services:
          web:
            build:
              context: .
              dockerfile: Dockerfile
            image: registry.example.com/web:1.2
      `;
      assert.deepStrictEqual(lines(text, RULE), [3]);
      const f = of(text, RULE)[0];
      assert.match(f.message, /docker builder prune/);
      assert.strictEqual(f.related?.[0].range.start.line, 5);
      assert.strictEqual(applyFirst(text, RULE), y`
        services:
          web:
            build:
              context: .
              dockerfile: Dockerfile
              cache_from:
                - registry.example.com/web:1.2
            image: registry.example.com/web:1.2
      `);
      fixAllChecked(text, RULE);
    });

    it('catches: short form `build: ./dir` becomes the long form, keeping its comment; 4-space indentation and CRLF', () => {
      const text = 'services:\r\n    web:\r\n        image: "${REGISTRY}/web:${TAG:-latest}"\r\n        build: ./web  # app\r\n';
      assert.strictEqual(applyFirst(text, RULE), 'services:\r\n    web:\r\n        image: "${REGISTRY}/web:${TAG:-latest}"\r\n        build:\r\n            context: ./web  # app\r\n            cache_from:\r\n                - "${REGISTRY}/web:${TAG:-latest}"\r\n');
      fixAllChecked(text, RULE);
    });

    it('catches: flow-style build map', () => {
      const text = 'services:\n  web: {image: web, build: {context: .}}\n';
      assert.strictEqual(applyFirst(text, RULE), 'services:\n  web: {image: web, build: {context: ., cache_from: [web]}}\n');
    });

    it('catches not: cache_from present (even empty), no image, no build, an image-only service', () => {
      assert.deepStrictEqual(lines('services:\n  web:\n    build:\n      context: .\n      cache_from: []\n    image: web\n', RULE), []);
      assert.deepStrictEqual(lines('services:\n  web:\n    build: .\n', RULE), []);
      assert.deepStrictEqual(lines('services:\n  db:\n    image: postgres:16\n', RULE), []);
    });

    it('suppression comments above the key, and for the whole file', () => {
      assert.deepStrictEqual(lines('services:\n  web:\n    image: web\n    # cache-advisor ignore=compose-missing-cache-from\n    build: .\n', RULE), []);
      assert.deepStrictEqual(lines('# cache-advisor global ignore=compose-missing-cache-from\nservices:\n  web:\n    image: web\n    build: .\n', RULE), []);
      assert.deepStrictEqual(lint(COMPOSE, 'services:\n  web:\n    image: web\n    build: .\n', { ...DEFAULT_SETTINGS, rules: { [RULE]: 'off' } }).findings, []);
    });
  });

  describe('compose-inline-cache', () => {
    const RULE = 'compose-inline-cache';

    it('catches BUILDKIT_INLINE_CACHE: 1 in map and list form; the fix (not preferred) swaps it for a registry cache', () => {
      const text = y`
        services:
          api:
            image: ghcr.io/acme/api:2.0
            build:
              context: .
              args:
                BUILDKIT_INLINE_CACHE: 1
      `;
      assert.deepStrictEqual(lines(text, RULE), [7]);
      const f = of(text, RULE)[0];
      assert.match(f.message, /builder prune/);
      assert.match(f.message, /type=registry/);
      assert.strictEqual(f.fixes?.[0].preferred, false);
      assert.strictEqual(applyFirst(text, RULE), y`
        services:
          api:
            image: ghcr.io/acme/api:2.0
            build:
              context: .
              cache_to:
                - "type=registry,ref=ghcr.io/acme/api:buildcache,mode=max"
              cache_from:
                - "type=registry,ref=ghcr.io/acme/api:buildcache"
      `);
      assert.deepStrictEqual(lines('services:\n  api:\n    build:\n      context: .\n      args:\n        - BUILDKIT_INLINE_CACHE=1\n        - X=1\n', RULE), [6]);
      assert.deepStrictEqual(lines('services:\n  api:\n    build:\n      context: .\n      args: {BUILDKIT_INLINE_CACHE: "true"}\n', RULE), [5]);
    });

    it('no image: reported, no fix; fix-all leaves it (the registry needs a human)', () => {
      const text = 'services:\n  api:\n    build:\n      context: .\n      args:\n        BUILDKIT_INLINE_CACHE: 1\n';
      assert.deepStrictEqual(of(text, RULE)[0].fixes, []);
      assert.strictEqual(fixAll(COMPOSE, text).text, text);
    });

    it('catches not: 0, false, other args', () => {
      assert.deepStrictEqual(lines('services:\n  api:\n    build:\n      context: .\n      args:\n        BUILDKIT_INLINE_CACHE: 0\n        OTHER: 1\n', RULE), []);
    });
  });

  describe('compose-no-cache-env', () => {
    const RULE = 'compose-no-cache-env';

    it('catches PIP_NO_CACHE_DIR in build args (map and list); the entries go, the rest stays', () => {
      const text = y`
        services:
          web:
            build:
              context: .
              args:
                PIP_NO_CACHE_DIR: "1"
                APP_ENV: prod
          worker:
            build:
              context: .
              args:
                - DEBUG=0
                - PIP_NO_CACHE_DIR=off
      `;
      assert.deepStrictEqual(lines(text, RULE), [6, 13]);
      assert.match(of(text, RULE)[0].message, /any value/);
      assert.strictEqual(fixAllChecked(text, RULE), y`
        services:
          web:
            build:
              context: .
              args:
                APP_ENV: prod
          worker:
            build:
              context: .
              args:
                - DEBUG=0
      `);
    });

    it('catches not: the same variables in the environment of a built service (set when the container runs, after the build)', () => {
      const text = y`
        services:
          web:
            build: .
            environment:
              - PIP_NO_CACHE_DIR=off
              - UV_NO_CACHE=1
          api:
            build: .
            environment:
              PIP_NO_CACHE_DIR: 1
      `;
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('the only entry: its key goes too (an empty args is not valid Compose); flow lists; UV_NO_CACHE', () => {
      assert.strictEqual(applyFirst('services:\n  web:\n    build:\n      context: .\n      args:\n        PIP_NO_CACHE_DIR: 1\n    ports: ["80:80"]\n', RULE), 'services:\n  web:\n    build:\n      context: .\n    ports: ["80:80"]\n');
      assert.strictEqual(applyFirst('services:\n  web:\n    build: {context: ., args: [UV_NO_CACHE=1, X=2]}\n', RULE), 'services:\n  web:\n    build: {context: ., args: [X=2]}\n');
      assert.strictEqual(applyFirst('services:\n  web:\n    build: {context: ., args: [X=2, UV_NO_CACHE=1]}\n', RULE), 'services:\n  web:\n    build: {context: ., args: [X=2]}\n');
    });

    it('catches not: a service Compose does not build; other variables', () => {
      assert.deepStrictEqual(lines('services:\n  db:\n    image: python\n    environment:\n      PIP_NO_CACHE_DIR: 1\n', RULE), []);
      assert.deepStrictEqual(lines('services:\n  web:\n    build: {context: ., args: {PIP_CACHE_DIR: /c}}\n', RULE), []);
    });
  });

  it('fix-all over several services and rules: valid, idempotent, nothing preferred left', () => {
    const text = y`
      # the stack
      services:
        web:
          build: ./web   # the app
          image: registry.example.com/web:1.2
          environment:
            - PIP_NO_CACHE_DIR=1
            - DEBUG=1
        worker:
          image: registry.example.com/worker
          build:
            context: ./worker
            args:
              PIP_NO_CACHE_DIR: 1
        db:
          image: postgres
    `;
    const out = fixAllChecked(text, 'compose-missing-cache-from');
    assert.deepStrictEqual(lint(COMPOSE, out).findings.filter(f => f.fixes?.some(x => x.preferred)), []);
    assert.strictEqual(out, y`
      # the stack
      services:
        web:
          build:
            context: ./web   # the app
            cache_from:
              - registry.example.com/web:1.2
          image: registry.example.com/web:1.2
          environment:
            - PIP_NO_CACHE_DIR=1
            - DEBUG=1
        worker:
          image: registry.example.com/worker
          build:
            context: ./worker
            cache_from:
              - registry.example.com/worker
        db:
          image: postgres
    `);
  });
});
