/**
 * Every package the sources import is declared in package.json: a package that only arrives as some
 * other package's dependency can change version or vanish with that package's next release.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) { if (e.name !== 'fixtures' && e.name !== 'node_modules') out.push(...sources(rel, ext)); }
    else if (ext.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Package names of the bare import/require specifiers in `text` (`@scope/name`, `name`). */
export function importedPackages(text: string): string[] {
  const specs = [
    ...[...text.matchAll(/^\s*(?:import|export)\s[^;'"]*?from\s+'([^'.][^']*)'/gm)].map(m => m[1]),
    ...[...text.matchAll(/^\s*import\s+'([^'.][^']*)'/gm)].map(m => m[1]),
    ...[...text.matchAll(/\b(?:require|import)\(\s*'([^'.][^']*)'\s*\)/g)].map(m => m[1]),
  ];
  return specs.map(s => (s.startsWith('@') ? s.split('/').slice(0, 2) : s.split('/').slice(0, 1)).join('/'));
}

describe('dependencies: what the sources import is declared', () => {
  it('every imported package is in package.json (vscode is the host, typed by @types/vscode)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), 'vscode']);
    const builtin = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)]);
    const files = [
      ...['common', 'server/src', 'client/src', 'test', 'bench'].flatMap(d => sources(d, /\.ts$/)),
      ...fs.readdirSync(path.join(ROOT, 'scripts')).filter(f => f.endsWith('.mjs')).map(f => `scripts/${f}`),
      'esbuild.mjs',
    ];
    const missing: string[] = [];
    for (const f of files) {
      for (const p of importedPackages(fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
        if (!declared.has(p) && !builtin.has(p) && !builtin.has(p.split('/')[0])) missing.push(`${f}: ${p}`);
      }
    }
    assert.deepStrictEqual(missing, []);
  });

  it('catches what it is for: scoped, deep and type-only imports, require and import(); catches-not: relative paths', () => {
    const text = [
      "import type { Range } from 'vscode-languageserver-types';",
      "import { x } from '@scope/pkg/deep/file';",
      "export { y } from 'yaml';",
      "const z = require('mvdan-sh');",
      "const w = await import('esbuild');",
      "import { local } from './local';",
      "import '../side-effect';",
    ].join('\n');
    assert.deepStrictEqual(importedPackages(text).sort(), ['@scope/pkg', 'esbuild', 'mvdan-sh', 'vscode-languageserver-types', 'yaml']);
  });
});
