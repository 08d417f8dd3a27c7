/**
 * The one-way arrows of ARCHITECTURE.md, checked on the source: the client reaches the server only
 * through common/ (and LSP), common/ knows neither side, and no module cycle exists outside type-only
 * imports (which vanish at run time).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

interface Import { readonly spec: string; readonly typeOnly: boolean; readonly target?: string }

/** Static imports and re-exports of a file; relative ones resolved to a repository path. */
function importsOf(file: string, text = fs.readFileSync(path.join(ROOT, file), 'utf8')): Import[] {
  const out: Import[] = [];
  const re = /^(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?'([^']+)';/gm;
  for (let m; (m = re.exec(text));) {
    const spec = m[2];
    let target: string | undefined;
    if (spec.startsWith('.')) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      target = [`${base}.ts`, `${base}/index.ts`].find(f => fs.existsSync(path.join(ROOT, f))) ?? base;
    }
    out.push({ spec, typeOnly: !!m[1], target });
  }
  for (const m of text.matchAll(/\brequire\('(\.[^']+)'\)/g)) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    out.push({ spec: m[1], typeOnly: false, target: `${base}.ts` });
  }
  return out;
}

const builtin = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)]);

describe('architecture: the arrows between rooms', () => {
  it('the client reaches the server only through common/: no server file, no server library', () => {
    const bad: string[] = [];
    for (const f of sources('client/src')) {
      for (const i of importsOf(f)) {
        // packages are fine (vscode, vscode-languageclient, jsonc-parser …) except the server's own LSP library
        const ok = i.target
          ? i.target.startsWith('client/src/') || i.target.startsWith('common/')
          : !/^vscode-languageserver(\/|$)/.test(i.spec) || builtin.has(i.spec);
        if (!ok) bad.push(`${f} imports ${i.spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('common/ imports neither the client, the server, nor vscode', () => {
    const bad: string[] = [];
    for (const f of sources('common')) {
      for (const i of importsOf(f)) {
        if (i.target ? !i.target.startsWith('common/') : i.spec === 'vscode' || i.spec.startsWith('vscode-languageclient') || i.spec === 'vscode-languageserver')
          bad.push(`${f} imports ${i.spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('the analysis core and the rules never touch LSP wiring, the CLI or the client', () => {
    const bad: string[] = [];
    for (const f of [...sources('common/analysis'), ...sources('server/src/rules')]) {
      for (const i of importsOf(f)) {
        if (i.target && /^(server\/src\/(lsp|cli)\/|client\/)/.test(i.target)) bad.push(`${f} imports ${i.spec}`);
        if (!i.target && /^vscode-languageserver(\/|$)/.test(i.spec)) bad.push(`${f} imports ${i.spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  /** A rule module is a file named after its rule id (ids are kebab-case): `copy-before-install.ts`. */
  const isRuleModule = (file: string) => file.startsWith('server/src/rules/') && path.posix.basename(file, '.ts').includes('-');

  /** What a file under server/src/rules/ must not import: another rule module, or the lint engine and LSP wiring. */
  function ruleImportViolations(file: string, imports: readonly Import[]): string[] {
    // the registry (rules/index.ts) lists every rule: that is its job
    if (file === 'server/src/rules/index.ts') return [];
    return imports
      .filter(i => i.target && ((isRuleModule(i.target) && i.target !== file) || /^server\/src\/(lsp|lint)\//.test(i.target)))
      .map(i => `${file} imports ${i.spec}`);
  }

  it('a rule never imports another rule, the lint engine or LSP wiring: shared facts live in common/analysis', () => {
    const bad = sources('server/src/rules').flatMap(f => ruleImportViolations(f, importsOf(f)));
    assert.deepStrictEqual(bad, []);
  });

  it('catches what it is for: a rule importing a rule, a helper importing a rule, a rule importing the engine', () => {
    const rule = 'server/src/rules/missing-cache-mount.ts';
    assert.deepStrictEqual(ruleImportViolations(rule, importsOf(rule, "import { wrongTargetMounts } from './cache-mount-wrong-target';\n")), [`${rule} imports ./cache-mount-wrong-target`]);
    const nested = 'server/src/rules/compose/compose-no-cache-env.ts';
    assert.deepStrictEqual(ruleImportViolations(nested, importsOf(nested, "import { noCacheEnv } from '../no-cache-env';\n")), [`${nested} imports ../no-cache-env`]);
    const helper = 'server/src/rules/mountFixes.ts';
    assert.deepStrictEqual(ruleImportViolations(helper, importsOf(helper, "import type { Rule } from './pip-no-cache-dir';\n")), [`${helper} imports ./pip-no-cache-dir`]);
    assert.deepStrictEqual(ruleImportViolations(rule, importsOf(rule, "import { lint } from '../lint/linter';\nimport { SOURCE } from '../lsp/diagnostics';\n")).length, 2);
    assert.deepStrictEqual(ruleImportViolations(rule, importsOf(rule, "import { planMountFix } from './mountFixes';\nimport { NO_CACHE_VARS } from '../../../common/analysis/noCache';\n")), []);
  });

  it('the analysis core is pure: no file system, no processes, no network', () => {
    const bad: string[] = [];
    for (const f of sources('common/analysis')) {
      for (const i of importsOf(f)) {
        if (/^(node:)?(fs|child_process|net|http|https|worker_threads)$/.test(i.spec) || (i.target && !i.target.startsWith('common/analysis/'))) bad.push(`${f} imports ${i.spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('no module cycle through run-time imports', () => {
    const files = [...sources('common'), ...sources('server/src'), ...sources('client/src')];
    const edges = new Map(files.map(f => [f, importsOf(f).filter(i => !i.typeOnly && i.target).map(i => i.target!)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of edges.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' → '));
        else if (!state.has(t) && edges.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    assert.deepStrictEqual(cycles, []);
  });

  it('catches what it is for: a client import of a server file resolves outside client/ and common/', () => {
    const [i] = importsOf('client/src/commands/probe.ts', "import { lint } from '../../../server/src/lint/linter';\n");
    assert.strictEqual(i.target, 'server/src/lint/linter.ts');
    const [t] = importsOf('client/src/commands/probe.ts', "import type { X } from './index';\n");
    assert.deepStrictEqual([t.typeOnly, t.target], [true, 'client/src/commands/index.ts']);
  });
});
