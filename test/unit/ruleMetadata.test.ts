/**
 * Rule metadata has one source, the rule modules: package.json's per-rule settings are generated from
 * them (`npm run gen:rules`), and docs/rules.md and the README's rule table must name every rule with its
 * default severity. These specs fail as soon as a copy drifts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allRuleMeta, ruleSettingEntries } from '../../server/src/rules/settingsSchema';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe('rule metadata: one source', () => {
  const metas = allRuleMeta();

  it('package.json contributes exactly the generated per-rule settings (run `npm run gen:rules` after changing a rule)', () => {
    const props = JSON.parse(read('package.json')).contributes.configuration.properties as Record<string, unknown>;
    const inPackage = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith('cacheAdvisor.rules.')));
    assert.deepStrictEqual(inPackage, ruleSettingEntries());
  });

  it('docs/rules.md has one section per rule and none for a rule that does not exist', () => {
    const sections = [...read('docs/rules.md').matchAll(/^## ([a-z0-9-]+)\s*$/gm)].map(m => m[1]);
    assert.deepStrictEqual([...sections].sort(), metas.map(m => m.id).sort());
    for (const m of metas) assert.ok(m.docs.endsWith(`docs/rules.md#${m.id}`), `${m.id} links to its section: ${m.docs}`);
  });

  it("the README's rule table lists every rule with its default severity", () => {
    const rows = new Map([...read('README.md').matchAll(/^\| \[`([a-z0-9-]+)`\]\(docs\/rules\.md#\1\) \| ([^|]+) \|/gm)].map(m => [m[1], m[2].trim()]));
    assert.deepStrictEqual([...rows.keys()].sort(), metas.map(m => m.id).sort());
    for (const m of metas) assert.ok(rows.get(m.id)!.startsWith(m.defaultSeverity), `${m.id}: README says "${rows.get(m.id)}", the rule ${m.defaultSeverity}`);
  });

  it('every id is kebab-case and unique', () => {
    const ids = metas.map(m => m.id);
    assert.strictEqual(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/);
  });
});
