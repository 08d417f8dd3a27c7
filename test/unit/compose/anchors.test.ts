/**
 * Compose services built from YAML anchors: `build: *common`, `<<: *defaults`, `args: *args`. Compose
 * resolves them, so the rules must see through them; a fix there would edit text other services share,
 * so none is offered and the message says why.
 */
import * as assert from 'assert';
import { fixAll, lint } from '../../../server/src/lint/linter';
import { COMPOSE } from '../../../server/src/lint/fileKinds';
import { parseCompose } from '../../../common/analysis/composeModel';
import type { Finding } from '../../../server/src/rules/types';

const of = (text: string, rule: string): Finding[] => lint(COMPOSE, text).findings.filter(f => f.rule === rule);
const lines = (text: string, rule: string) => of(text, rule).map(f => f.range.start.line + 1);

const MERGED = [
  'x-defaults: &defaults',
  '  build:',
  '    context: .',
  '    args:',
  '      BUILDKIT_INLINE_CACHE: 1',
  '  image: registry.example/app',
  'services:',
  '  api:',
  '    <<: *defaults',
  '  worker:',
  '    <<: *defaults',
  '    image: registry.example/worker',
  '',
].join('\n');

describe('compose: services through anchors and merge keys', () => {
  it('catches: `<<: *defaults` gives build, image and args; each service is reported on its own key, with no fix', () => {
    assert.deepStrictEqual(lines(MERGED, 'compose-missing-cache-from'), [8, 10]);
    for (const f of of(MERGED, 'compose-missing-cache-from')) {
      assert.deepStrictEqual(f.fixes, []);
      assert.match(f.message, /No automatic fix: its `build:` comes from a `<<:` merge key/);
    }
    // the worker's own image wins over the merged one, as in Compose
    assert.match(of(MERGED, 'compose-missing-cache-from')[1].message, /registry\.example\/worker/);
    const inline = of(MERGED, 'compose-inline-cache');
    assert.strictEqual(inline.length, 2);
    for (const f of inline) assert.deepStrictEqual(f.fixes, []);
    assert.strictEqual(fixAll(COMPOSE, MERGED).text, MERGED, 'fix-all leaves the shared anchor alone');
  });

  it('catches not (twin): the same service written out in full gets the fix', () => {
    const plain = 'services:\n  api:\n    build:\n      context: .\n    image: registry.example/app\n';
    const [f] = of(plain, 'compose-missing-cache-from');
    assert.ok(f && f.fixes && f.fixes.length === 1, 'a service of its own keeps its fix');
    assert.doesNotMatch(f.message, /No automatic fix/);
  });

  it('catches: a service that is an alias, and build args given by an alias', () => {
    const text = [
      'x-args: &args',
      '  PIP_NO_CACHE_DIR: "1"',
      'x-svc: &svc',
      '  build:',
      '    context: .',
      '    args: *args',
      'services:',
      '  a: *svc',
      '',
    ].join('\n');
    const model = parseCompose(text);
    assert.deepStrictEqual(model.services.map(s => [s.name, s.args.map(e => e.name), Boolean(s.shared)]), [['a', ['PIP_NO_CACHE_DIR'], true]]);
    const env = of(text, 'compose-no-cache-env');
    assert.strictEqual(env.length, 1);
    assert.deepStrictEqual(env[0].fixes, []);
  });

  it('catches not: an anchor defined but used by no service reports nothing; own keys override merged ones', () => {
    const text = 'x-unused: &u\n  build: .\n  image: x\nservices:\n  web:\n    image: nginx\n';
    assert.deepStrictEqual(lint(COMPOSE, text).findings, []);
    const own = 'x-d: &d\n  build: .\n  image: a\nservices:\n  web:\n    <<: *d\n    build:\n      context: .\n      cache_from: [a]\n';
    assert.deepStrictEqual(lines(own, 'compose-missing-cache-from'), []);
  });

  it('an alias bomb (nested anchors, merge keys that merge themselves) stays inert and quick', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(', ')}]`);
    bomb.push('x-loop: &loop', '  <<: *loop', 'services:', '  web:', '    <<: [*loop, *j]', '    build: .', '    image: app', '');
    const t = Date.now();
    const findings = lint(COMPOSE, bomb.join('\n')).findings;
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
    assert.deepStrictEqual(findings.map(f => f.rule), ['compose-missing-cache-from']);
  });
});
