/**
 * The GitHub Action's script, run the way the runner runs it: the environment is built from action.yml
 * itself (each input's default unless the case sets it, passed through the step's `env` mapping),
 * with GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY of a scratch checkout.
 * The CLI comes from this checkout's npm tarball with npm offline.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanNpmEnv, packProject } from '../support/npmEnv';

const ROOT = path.resolve(__dirname, '../../..');
const BAD = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n';
const GOOD = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n';

interface ActionYml {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Array<{ id: string; shell: string; run: string; env: Record<string, string> }> };
}
const action: ActionYml = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

interface Sarif { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }

describe('GitHub Action: scripts/action/run.sh', function () {
  this.timeout(120_000);
  let tmp: string;
  let tarball: string;
  let baseEnv: NodeJS.ProcessEnv;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-action-'));
    baseEnv = cleanNpmEnv({ PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_offline: 'true' });
    ({ tarball } = packProject(ROOT, tmp, baseEnv));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** One step run in a fresh workspace, with action.yml's defaults for the inputs not given. */
  function runAction(inputs: Record<string, string>) {
    const run = fs.mkdtempSync(path.join(tmp, 'run-'));
    const ws = path.join(run, 'workspace');
    for (const [file, text] of Object.entries({ 'services/api/Dockerfile': BAD, 'services/api/.dockerignore': '.git\n', 'services/web/Dockerfile': GOOD, 'services/web/.dockerignore': '.git\n' })) {
      fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
      fs.writeFileSync(path.join(ws, file), text);
    }
    fs.mkdirSync(path.join(run, 'runner-temp'));
    const step = action.runs.steps[0];
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      GITHUB_WORKSPACE: ws,
      GITHUB_ACTION_PATH: ROOT,
      RUNNER_TEMP: path.join(run, 'runner-temp'),
      GITHUB_OUTPUT: path.join(run, 'output'),
      GITHUB_STEP_SUMMARY: path.join(run, 'summary'),
    };
    // the step's env mapping, with ${{ inputs.x }} resolved as the runner would
    for (const [name, expr] of Object.entries(step.env)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)![1];
      env[name] = inputs[input] ?? action.inputs[input].default;
    }
    const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: ws, env, encoding: 'utf8' });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    return { code: r.status, log: r.stdout + r.stderr, ws, output: read(env.GITHUB_OUTPUT!), summary: read(env.GITHUB_STEP_SUMMARY!) };
  }

  it('is a composite action whose one step passes every input, and nothing else, to the script', () => {
    assert.strictEqual(action.runs.using, 'composite');
    const step = action.runs.steps[0];
    assert.deepStrictEqual(Object.keys(step.env).sort(), Object.keys(action.inputs).map(i => `INPUT_${i.toUpperCase().replace(/-/g, '_')}`).sort());
    for (const [name, expr] of Object.entries(step.env)) assert.strictEqual(expr, `\${{ inputs.${name.slice(6).toLowerCase().replace(/_/g, '-')} }}`);
  });

  it('with the defaults: lints the whole repository, writes SARIF with repository-relative paths, fails on warnings', () => {
    const r = runAction({ package: tarball });
    assert.strictEqual(r.code, 1, r.log);
    const sarif: Sarif = JSON.parse(fs.readFileSync(path.join(r.ws, 'dockerfile-cache-advisor.sarif'), 'utf8'));
    const results = sarif.runs[0].results;
    assert.deepStrictEqual(results.map(x => `${x.locations[0].physicalLocation.artifactLocation.uri}:${x.ruleId}`), [
      'services/api/Dockerfile:copy-before-install',
      'services/api/Dockerfile:missing-cache-mount',
      'services/api/Dockerfile:pip-no-cache-dir',
    ]);
    assert.match(r.log, /^services\/api\/Dockerfile:3:1: warning copy-before-install /m, 'findings in the log as well');
    assert.deepStrictEqual(r.output.trim().split('\n'), ['sarif-file=dockerfile-cache-advisor.sarif', 'findings=3']);
    assert.match(r.summary, /3 finding\(s\)/);
  });

  it('paths, rule overrides, fail-on none and sarif-file reach the CLI', () => {
    const r = runAction({ package: tarball, paths: 'services/api\nservices/web\n', rules: 'copy-before-install=off, pip-no-cache-dir=off\nmissing-cache-mount=error', 'fail-on': 'none', 'sarif-file': 'reports/cache.sarif' });
    assert.strictEqual(r.code, 0, r.log);
    const sarif: Sarif = JSON.parse(fs.readFileSync(path.join(r.ws, 'reports', 'cache.sarif'), 'utf8'));
    assert.deepStrictEqual(sarif.runs[0].results.map(x => `${x.ruleId}:${x.level}`), ['missing-cache-mount:error']);
    assert.deepStrictEqual(r.output.trim().split('\n'), ['sarif-file=reports/cache.sarif', 'findings=1']);
  });

  it('fail-on error passes on warnings', () => {
    const r = runAction({ package: tarball, 'fail-on': 'error' });
    assert.strictEqual(r.code, 0, r.log);
    assert.match(r.output, /^findings=3$/m);
  });

  it('bad inputs fail with exit 2 and an error annotation', () => {
    const badFailOn = runAction({ package: tarball, 'fail-on': 'sometimes' });
    assert.strictEqual(badFailOn.code, 2);
    assert.match(badFailOn.log, /^::error title=dockerfile-cache-advisor::fail-on must be/m);
    const badRule = runAction({ package: tarball, rules: 'no-such-rule=off' });
    assert.strictEqual(badRule.code, 2);
    assert.match(badRule.log, /unknown rule 'no-such-rule'/);
    assert.match(badRule.log, /^::error title=dockerfile-cache-advisor::the CLI exited with 2/m);
    assert.strictEqual(badRule.output, '');
  });
});
