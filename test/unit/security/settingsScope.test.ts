import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props: Record<string, { scope?: string }> = pkg.contributes.configuration.properties;

describe('security: which binary runs is not a workspace\'s choice', () => {
  it('every setting that picks an executable or engine is machine-scoped (VS Code ignores it in .vscode/settings.json)', () => {
    const executables = Object.keys(props).filter(k => /(path|engine|executable|command|binary)$/i.test(k));
    assert.ok(executables.includes('cacheAdvisor.dockerPath'));
    for (const k of executables) assert.strictEqual(props[k].scope, 'machine', `${k} must be machine-scoped`);
  });

  it('the build reads dockerPath from the user (global) value only, never a workspace value', () => {
    const src = fs.readFileSync(path.join(root, 'client/src/build/buildTask.ts'), 'utf8');
    assert.match(src, /inspect<string>\('dockerPath'\)/);
    assert.match(src, /globalValue/);
    assert.doesNotMatch(src, /workspaceValue|workspaceFolderValue/);
  });

  it('untrusted workspaces: limited support, the Docker settings restricted', () => {
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('cacheAdvisor.dockerPath'));
  });

  it('every command that runs Docker checks workspace trust', () => {
    const dir = path.join(root, 'client/src/commands');
    const dockerish = fs.readdirSync(dir).filter(f => /^(build|prune|remove|clear)/i.test(f) && f !== 'clearBuildTimeline.ts' && f !== 'clearRebuildHighlights.ts');
    assert.ok(dockerish.length >= 6, dockerish.join(','));
    for (const f of dockerish) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.match(src, /isTrusted|requireTrust|ensureTrusted|trusted/i, `${f} must refuse in an untrusted workspace`);
    }
  });
});
