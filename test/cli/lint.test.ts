import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const BAD = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n';
const GOOD = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI: dockerfile-cache-advisor lint', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-cli-'));
    fs.mkdirSync(path.join(dir, 'svc'));
    fs.writeFileSync(path.join(dir, 'svc', 'Dockerfile'), BAD);
    fs.writeFileSync(path.join(dir, 'svc', 'requirements.txt'), 'flask\n');
    fs.writeFileSync(path.join(dir, 'good.Dockerfile'), GOOD);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'FROM nothing\n');
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    fs.writeFileSync(path.join(dir, 'svc', '.dockerignore'), '.git\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('text output like a compiler, exit 1 on warnings', () => {
    const r = run(['svc/Dockerfile'], dir);
    assert.strictEqual(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.deepStrictEqual(lines.map(l => l.split(' ').slice(0, 3).join(' ')), [
      'svc/Dockerfile:3:1: warning copy-before-install',
      'svc/Dockerfile:4:5: warning missing-cache-mount',
      'svc/Dockerfile:4:17: warning pip-no-cache-dir',
    ]);
  });

  it('exit 0 for a clean file, and with --fail-on error', () => {
    assert.strictEqual(run(['good.Dockerfile'], dir).code, 0);
    assert.strictEqual(run(['--fail-on', 'error', 'svc/Dockerfile'], dir).code, 0);
    assert.strictEqual(run(['lint', '--fail-on', 'information', 'good.Dockerfile'], dir).code, 0);
  });

  it('--format json prints exactly the documented shape; directories are searched', () => {
    const r = run(['--format', 'json', '.'], dir);
    assert.strictEqual(r.code, 1);
    const json = JSON.parse(r.out);
    assert.deepStrictEqual(json.map((f: { file: string }) => f.file), ['good.Dockerfile', path.join('svc', 'Dockerfile')]);
    assert.deepStrictEqual(json[0].findings, []);
    const f = json[1].findings[0];
    assert.deepStrictEqual(Object.keys(f), ['rule', 'severity', 'line', 'column', 'endLine', 'endColumn', 'message', 'fixable']);
    assert.deepStrictEqual({ ...f, message: undefined }, { rule: 'copy-before-install', severity: 'warning', line: 3, column: 1, endLine: 3, endColumn: 9, message: undefined, fixable: true });
  });

  it('--format sarif is SARIF 2.1.0 with rules and help URIs', () => {
    const sarif = JSON.parse(run(['--format', 'sarif', 'svc/Dockerfile'], dir).out);
    assert.strictEqual(sarif.version, '2.1.0');
    const runObj = sarif.runs[0];
    assert.strictEqual(runObj.tool.driver.name, 'dockerfile-cache-advisor');
    for (const rule of runObj.tool.driver.rules) assert.match(rule.helpUri, new RegExp(`#${rule.id}$`));
    assert.strictEqual(runObj.results.length, 3);
    const r0 = runObj.results[0];
    assert.strictEqual(r0.ruleId, 'copy-before-install');
    assert.strictEqual(runObj.tool.driver.rules[r0.ruleIndex].id, 'copy-before-install');
    assert.deepStrictEqual(r0.locations[0].physicalLocation.region, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 9 });
    assert.strictEqual(r0.level, 'warning');
  });

  it('--fix rewrites the file, reports what changed, and leaves nothing to fix', () => {
    const r = run(['--fix', 'svc/Dockerfile'], dir);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.err, /fixed svc\/Dockerfile:3: copy-before-install/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'svc', 'Dockerfile'), 'utf8'),
      'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n');
    const again = run(['--fix', 'svc/Dockerfile'], dir);
    assert.strictEqual(again.code, 0);
    assert.strictEqual(again.err, '');
  });

  it('--rule changes severities and switches rules off', () => {
    const r = run(['--rule', 'copy-before-install=error', '--rule', 'pip-no-cache-dir=off', '--format', 'json', 'svc/Dockerfile'], dir);
    const findings = JSON.parse(r.out)[0].findings;
    assert.deepStrictEqual(findings.map((f: { rule: string; severity: string }) => `${f.rule}=${f.severity}`), ['copy-before-install=error', 'missing-cache-mount=warning']);
  });

  it('exit 2 for an unreadable file, still reporting the others', () => {
    const r = run(['missing/Dockerfile', 'svc/Dockerfile'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /missing\/Dockerfile: no such file or directory/);
    assert.match(r.out, /svc\/Dockerfile:3:1/);
  });

  it('exit 2 with a message for usage errors', () => {
    for (const args of [['--format', 'xml', 'svc/Dockerfile'], ['--bogus'], ['--rule', 'nope=error', 'svc/Dockerfile'], ['--rule', 'copy-before-install=loud', 'x'], ['--fail-on', 'hint', 'x'], []]) {
      const r = run(args, dir);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.err + r.out, /Usage: dockerfile-cache-advisor/);
    }
  });
});
