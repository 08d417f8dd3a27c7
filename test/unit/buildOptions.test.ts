import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  DOCKER_SETTING_SCOPES, dockerEnv, formatOptions, ignoredValues, optionsFromSettings, parseOptions, proposedOptions,
  RESTRICTED_SETTINGS, scopeAdvice, splitWords, withWritten, writtenValues,
} from '../../client/src/buildOptions';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('build options: which args, target, flags and engine a build gets', () => {
  describe('settings', () => {
    it('takes build.args, build.target and build.extraArgs as they are written', () => {
      const o = optionsFromSettings({ args: { PY: '3.12', N: 2, DEBUG: false }, target: ' test ', extraArgs: ['--no-cache', ' --network=host '] });
      assert.deepStrictEqual(o, { buildArgs: { PY: '3.12', N: '2', DEBUG: 'false' }, target: 'test', extraArgs: ['--no-cache', '--network=host'] });
    });

    it('drops what is not an arg name, a value or a flag instead of passing it to docker', () => {
      const o = optionsFromSettings({ args: { 'bad name': 'x', OK: 'y', OBJ: { a: 1 } }, target: '  ', extraArgs: ['', 3, '--pull'] });
      assert.deepStrictEqual(o, { buildArgs: { OK: 'y' }, target: undefined, extraArgs: ['--pull'] });
      assert.deepStrictEqual(optionsFromSettings({ args: ['A=1'], extraArgs: '--no-cache' }), { buildArgs: {}, target: undefined, extraArgs: [] });
    });

    it('a Dockerfile\'s remembered options win over the settings as a whole', () => {
      const settings = { args: { PY: '3.12', EXTRA: '1' }, target: 'dev' };
      assert.deepStrictEqual(proposedOptions(settings, undefined), { buildArgs: { PY: '3.12', EXTRA: '1' }, target: 'dev', extraArgs: [] });
      const remembered = { buildArgs: { PY: '3.11' }, target: undefined, extraArgs: ['--no-cache'] };
      assert.deepStrictEqual(proposedOptions(settings, remembered), remembered);
    });
  });

  describe('the ▷ flow\'s flags line', () => {
    it('round-trips: what is shown parses back to the same options', () => {
      const o = { buildArgs: { MSG: 'hello world', Q: "it's" }, target: 'test', extraArgs: ['--network=none', '--label', 'a b'] };
      const line = formatOptions(o);
      assert.strictEqual(line, "--build-arg 'MSG=hello world' --build-arg 'Q=it'\\''s' --target test --network=none --label 'a b'");
      assert.deepStrictEqual(parseOptions(line), o);
    });

    it('takes --build-arg and --target apart in both spellings; the rest are extra flags', () => {
      assert.deepStrictEqual(parseOptions('--build-arg=A=1 --build-arg B= --target=prod --no-cache --platform linux/amd64'),
        { buildArgs: { A: '1', B: '' }, target: 'prod', extraArgs: ['--no-cache', '--platform', 'linux/amd64'] });
      assert.deepStrictEqual(parseOptions('   '), { buildArgs: {}, target: undefined, extraArgs: [] });
    });

    it('refuses the flags the build sets itself, a bare context and broken quoting, saying why', () => {
      assert.match((parseOptions('--tag other:1') as { error: string }).error, /--tag is set by the build itself/);
      assert.match((parseOptions('-f Dockerfile.dev') as { error: string }).error, /-f is set by the build itself/);
      assert.match((parseOptions('--progress=tty') as { error: string }).error, /--progress/);
      assert.match((parseOptions('.') as { error: string }).error, /not a flag: the context is chosen/);
      assert.match((parseOptions('--build-arg') as { error: string }).error, /needs NAME=value/);
      assert.match((parseOptions('--build-arg TOKEN') as { error: string }).error, /needs a value/);
      assert.match((parseOptions('--build-arg 1X=2') as { error: string }).error, /must be NAME=value/);
      assert.match((parseOptions("--label 'open") as { error: string }).error, /single quote/);
      assert.match((parseOptions('--target') as { error: string }).error, /stage name/);
    });

    it('splits like a shell without expanding anything', () => {
      assert.deepStrictEqual(splitWords(`a "b c" 'd e' f\\ g "$(x)" "q\\"q"`), ['a', 'b c', 'd e', 'f g', '$(x)', 'q"q']);
      assert.deepStrictEqual(splitWords(`'' x`), ['', 'x']);
    });
  });

  describe('one engine for the view, the build, prune and the CLI', () => {
    it('the dockerHost setting becomes DOCKER_HOST and the context variable goes', () => {
      const env = { PATH: '/bin', DOCKER_HOST: 'unix:///old.sock', DOCKER_CONTEXT: 'desktop' };
      const out = dockerEnv(' tcp://box:2376 ', env);
      assert.strictEqual(out.DOCKER_HOST, 'tcp://box:2376');
      assert.strictEqual(out.DOCKER_CONTEXT, undefined);
      assert.strictEqual(out.PATH, '/bin');
      assert.strictEqual(env.DOCKER_CONTEXT, 'desktop', 'the process environment is not changed');
    });

    it('with the setting empty docker chooses as it always does', () => {
      const env = { DOCKER_CONTEXT: 'desktop' };
      assert.strictEqual(dockerEnv('', env), env);
      assert.strictEqual(dockerEnv(undefined, env), env);
    });
  });

  describe('where a Docker setting must live', () => {
    it('a workspace value of a machine setting is reported as ignored', () => {
      assert.deepStrictEqual(ignoredValues('cacheAdvisor.dockerPath', 'machine', { workspaceValue: '/x/docker' }, { trusted: true, restricted: true }),
        ['cacheAdvisor.dockerPath in the workspace settings is ignored: it is a machine setting.']);
    });

    it('a workspace value of a restricted setting is ignored only until the workspace is trusted', () => {
      const values = { globalValue: 'unix:///a.sock', workspaceFolderValue: 'tcp://b:2375' };
      assert.deepStrictEqual(ignoredValues('cacheAdvisor.dockerHost', 'machine-overridable', values, { trusted: false, restricted: true }),
        ['cacheAdvisor.dockerHost in the folder settings is ignored until the workspace is trusted.']);
      assert.deepStrictEqual(ignoredValues('cacheAdvisor.dockerHost', 'machine-overridable', values, { trusted: true, restricted: true }), []);
      assert.deepStrictEqual(ignoredValues('cacheAdvisor.dockerHost', 'machine-overridable', { globalValue: 'x' }, { trusted: false, restricted: true }), []);
    });

    it('reads a machine setting VS Code dropped from the folder model out of .vscode/settings.json (comments, trailing commas)', () => {
      const folder = '{\n  // where docker lives\n  "cacheAdvisor.dockerPath": "/opt/docker",\n  "editor.tabSize": 2,\n}\n';
      const w = writtenValues(['cacheAdvisor.dockerPath', 'cacheAdvisor.engine'], { folders: [folder] });
      assert.deepStrictEqual([...w.entries()], [['cacheAdvisor.dockerPath', { workspaceValue: '/opt/docker' }]]);
      const values = withWritten({ globalValue: '/usr/bin/docker' }, w.get('cacheAdvisor.dockerPath'));
      assert.deepStrictEqual(ignoredValues('cacheAdvisor.dockerPath', 'machine', values, { trusted: true, restricted: true }),
        ['cacheAdvisor.dockerPath in the workspace settings is ignored: it is a machine setting.']);
    });

    it('reads nothing from files that do not set the key, or do not parse', () => {
      assert.strictEqual(writtenValues(['cacheAdvisor.dockerPath'], { folders: ['{"editor.tabSize": 2}', '{ "cacheAdvisor.dockerPath": '] }).size, 0);
      assert.deepStrictEqual(withWritten({ globalValue: 'x' }, undefined), { globalValue: 'x', workspaceValue: undefined, workspaceFolderValue: undefined });
    });

    it('in a multi-root window, the .code-workspace file is the workspace level and .vscode/settings.json the folder level', () => {
      const w = writtenValues(['cacheAdvisor.engine', 'cacheAdvisor.dockerPath'], {
        folders: ['{ "cacheAdvisor.engine": "podman" }'],
        workspaceFile: '{ "folders": [], "settings": { "cacheAdvisor.dockerPath": "/x/docker" } }',
      });
      assert.deepStrictEqual(w.get('cacheAdvisor.engine'), { workspaceValue: undefined, workspaceFolderValue: 'podman' });
      assert.deepStrictEqual(w.get('cacheAdvisor.dockerPath'), { workspaceValue: '/x/docker', workspaceFolderValue: undefined });
    });

    it('the advice names the Remote settings in a remote window', () => {
      assert.match(scopeAdvice('machine', 'ssh-remote'), /Remote \[ssh-remote\] settings.*a workspace cannot choose it/);
      assert.match(scopeAdvice('machine', undefined), /User settings/);
      assert.match(scopeAdvice('machine-overridable', undefined), /trusted workspace may override/);
    });

    it('the scopes and the restricted list agree with package.json', () => {
      const props = pkg.contributes.configuration.properties;
      for (const [key, scope] of Object.entries(DOCKER_SETTING_SCOPES)) assert.strictEqual(props[key]?.scope, scope, key);
      assert.deepStrictEqual([...RESTRICTED_SETTINGS].sort(), [...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
      for (const k of ['cacheAdvisor.build.args', 'cacheAdvisor.build.target', 'cacheAdvisor.build.extraArgs']) {
        assert.strictEqual(props[k].scope, 'machine-overridable', k);
      }
    });
  });

  it('every command is found by searching the palette for "docker"', () => {
    for (const c of pkg.contributes.commands as Array<{ command: string; title: string; category?: string }>) {
      assert.match(`${c.category ?? ''}: ${c.title}`, /docker/i, c.command);
    }
  });
});
