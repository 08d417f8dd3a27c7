import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { runLint } from '../../../server/src/cli/lint';
import { captureIO } from '../../support/cliIO';

const COMPOSE = 'services:\n  web:\n    build:\n      context: .\n      args:\n        PIP_NO_CACHE_DIR: "1"\n    image: acme/web:1\n  db:\n    image: postgres\n';
const DOCKERFILE = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n';

describe('CLI lint of Compose files and .dockerignore creation', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-compose-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('directories are searched for compose files too; JSON has the same shape for them', () => {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
    fs.writeFileSync(path.join(dir, 'notes.yaml'), COMPOSE); // not compose-named: not searched
    const io = captureIO();
    const code = runLint(['--format', 'json', dir], io);
    assert.strictEqual(code, 1);
    const out = JSON.parse(io.stdout) as Array<{ file: string; findings: Array<Record<string, unknown>> }>;
    assert.deepStrictEqual(out.map(r => path.basename(r.file)), ['compose.yaml']);
    const rules = out[0].findings.map(f => `${f.line}:${f.rule}`);
    assert.deepStrictEqual(rules, ['3:compose-missing-cache-from', '6:compose-no-cache-env']);
    for (const f of out[0].findings) assert.deepStrictEqual(Object.keys(f), ['rule', 'severity', 'line', 'column', 'endLine', 'endColumn', 'message', 'fixable']);
  });

  it('a .yml named on the command line is linted as Compose; --rule and --fail-on apply', () => {
    const file = path.join(dir, 'stack.yml');
    fs.writeFileSync(file, COMPOSE);
    const io = captureIO();
    assert.strictEqual(runLint(['--rule', 'compose-no-cache-env=off', '--fail-on', 'warning', file], io), 0);
    assert.match(io.stdout, /stack\.yml:3:5: information compose-missing-cache-from/);
    assert.doesNotMatch(io.stdout, /compose-no-cache-env/);
  });

  it('--fix rewrites the compose file (still valid YAML) and reports each change', () => {
    const file = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(file, COMPOSE);
    const io = captureIO();
    assert.strictEqual(runLint(['--fix', file], io), 0);
    const fixed = fs.readFileSync(file, 'utf8');
    assert.deepStrictEqual(parseDocument(fixed).errors, []);
    assert.strictEqual(fixed, 'services:\n  web:\n    build:\n      context: .\n      cache_from:\n        - acme/web:1\n    image: acme/web:1\n  db:\n    image: postgres\n');
    assert.match(io.stderr, /fixed .*docker-compose\.yml:3: compose-missing-cache-from/);
    assert.match(io.stderr, /compose-no-cache-env/);
  });

  it('--fix creates the missing .dockerignore in the build context, never overwrites one, and the finding is gone', () => {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    const io = captureIO();
    assert.strictEqual(runLint(['--format', 'json', file], io), 1);
    assert.deepStrictEqual(JSON.parse(io.stdout)[0].findings.map((f: { rule: string }) => f.rule), ['missing-dockerignore']);
    const fixing = captureIO();
    assert.strictEqual(runLint(['--fix', '--format', 'json', file], fixing), 0);
    const ignore = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    assert.match(ignore, /^\.git$/m);
    assert.match(ignore, /^\*\*\/__pycache__$/m);
    assert.match(fixing.stderr, /created .*\.dockerignore/);
    assert.deepStrictEqual(JSON.parse(fixing.stdout)[0].findings, []);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), DOCKERFILE);
  });

  it('with --context (a path from the current folder, as for build and what-rebuilds), the .dockerignore goes to the context root; <Dockerfile>.dockerignore counts', () => {
    fs.mkdirSync(path.join(dir, 'docker'));
    const file = path.join(dir, 'docker', 'app.Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    // relative to the current folder, not to the Dockerfile's: `..` from here is not the context
    const rel = path.relative(process.cwd(), dir);
    assert.strictEqual(runLint(['--fix', '--context', rel, file], captureIO()), 0);
    assert.ok(fs.existsSync(path.join(dir, '.dockerignore')));
    assert.ok(!fs.existsSync(path.join(dir, 'docker', '.dockerignore')));
    fs.rmSync(path.join(dir, '.dockerignore'));
    fs.writeFileSync(file + '.dockerignore', '.git\n');
    assert.strictEqual(runLint(['--build-context', dir, file], captureIO()), 0);
    const bad = captureIO();
    assert.throws(() => runLint(['--context', path.join(dir, 'nope'), file], bad), /no such folder/);
    assert.throws(() => runLint(['--context', dir, '--build-context', dir, file], captureIO()), /give the build context once/);
  });
});
