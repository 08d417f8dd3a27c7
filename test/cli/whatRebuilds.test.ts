import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { runWhatRebuilds } from '../../server/src/cli/whatRebuilds';
import { captureIO as capture } from '../support/cliIO';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/context');
const CLI = path.resolve(__dirname, '../../../dist/cli.js');


function run(tree: string, argv: string[]) {
  const io = capture();
  const code = runWhatRebuilds(argv, io, path.join(FIXTURES, tree));
  return { code, ...io };
}

describe('CLI: dockerfile-cache-advisor what-rebuilds', () => {
  it('--format json prints exactly the documented shape', () => {
    const r = run('multistage', ['src/app.py', '--format', 'json']);
    assert.strictEqual(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.deepStrictEqual(json, {
      file: 'src/app.py',
      complete: true,
      dockerfiles: [{
        dockerfile: 'Dockerfile', inContext: true, firstInvalidatedLine: 7, rerunLines: [7, 8, 16, 18],
        conditionalLines: [
          { line: 16, reason: 'only if the files it takes from stage build come out different' },
          { line: 18, reason: 'only if line 16 re-runs' },
        ],
        totalSteps: 10,
      }],
    });
    assert.deepStrictEqual(Object.keys(json.dockerfiles[0]), ['dockerfile', 'inContext', 'firstInvalidatedLine', 'rerunLines', 'conditionalLines', 'totalSteps']);
    assert.deepStrictEqual(Object.keys(json), ['file', 'complete', 'dockerfiles']);
  });

  it('text output: the summary, then each re-run step with its stage and why', () => {
    const r = run('multistage', ['requirements.txt']);
    assert.strictEqual(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.strictEqual(lines[0], 'Dockerfile: changing requirements.txt re-runs 6 of 10 steps, from line 3 (2 of them only if the files taken from stage build change)');
    assert.match(lines[1], /^ {5}3 {2}COPY requirements\.txt \. {2}\[stage deps\] {2}← copies it \(requirements\.txt\)$/);
    assert.deepStrictEqual(lines.slice(1).map(l => Number(l.trim().split(/\s+/)[0])), [3, 4, 7, 8, 16, 18]);
    assert.match(lines[5], /COPY --from=build \/app \/app {2}\[stage final\] {2}\(only if the files it takes from stage build come out different\)$/);
  });

  it('--target builds another stage', () => {
    const r = run('multistage', ['tests/test_app.py', '--target', 'test', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles[0].rerunLines, [12, 13]);
    const skipped = run('multistage', ['tests/test_app.py']);
    assert.match(skipped.stdout, /re-runs nothing: only stages this build skips copy it \(line 12\)/);
  });

  it('without --dockerfile it searches the folder for Dockerfiles whose context holds the file', () => {
    // docker/api.Dockerfile's context is docker/ (no --build-context): only the root Dockerfile qualifies
    const r = run('per-dockerfile', ['c.txt', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles.map((d: { dockerfile: string }) => d.dockerfile), ['Dockerfile']);
    const both = run('per-dockerfile', ['docker/api.Dockerfile', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(both.stdout).dockerfiles.map((d: { dockerfile: string }) => d.dockerfile), ['Dockerfile', 'docker/api.Dockerfile']);
  });

  it('an ignored file: inContext false and "not in any build context"', () => {
    const j = run('per-dockerfile', ['a.txt', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(j.stdout).dockerfiles, [{ dockerfile: 'Dockerfile', inContext: false, firstInvalidatedLine: null, rerunLines: [], conditionalLines: [], totalSteps: 3 }]);
    const t = run('per-dockerfile', ['a.txt']);
    assert.strictEqual(t.code, 0);
    assert.match(t.stdout, /Dockerfile: a\.txt is not in the build context \(excluded by \.dockerignore\)/);
    assert.match(t.stdout, /^a\.txt: not in any build context$/m);
  });

  it('--dockerfile with --context uses that Dockerfile\'s own ignore file', () => {
    const r = run('per-dockerfile', ['a.txt', '--dockerfile', 'docker/api.Dockerfile', '--context', '.', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles[0], { dockerfile: 'docker/api.Dockerfile', inContext: true, firstInvalidatedLine: 2, rerunLines: [2, 3], conditionalLines: [], totalSteps: 3 });
    const b = run('per-dockerfile', ['b.txt', '--dockerfile', 'docker/api.Dockerfile', '--build-context', '.']);
    assert.match(b.stdout, /excluded by docker\/api\.Dockerfile\.dockerignore/);
  });

  describe('build args, the ignore file, the Dockerfile, new folders', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-why-cli-'));
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine\nARG SRC=src\nCOPY ${SRC}/ /app/\nCOPY . /all/\n');
      fs.writeFileSync(path.join(dir, '.dockerignore'), '.dockerignore\nDockerfile\n**/*.log\n');
      for (const d of ['src', 'src-prod']) { fs.mkdirSync(path.join(dir, d)); fs.writeFileSync(path.join(dir, d, 'a.txt'), d); }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const json = (argv: string[]) => {
      const io = capture();
      assert.strictEqual(runWhatRebuilds([...argv, '--format', 'json'], io, dir), 0, io.stderr);
      return JSON.parse(io.stdout).dockerfiles[0];
    };

    it('catches: --build-arg picks the folder COPY ${SRC}/ copies; catches-not: the default folder then re-runs only COPY .', () => {
      assert.deepStrictEqual(json(['src-prod/a.txt', '--build-arg', 'SRC=src-prod']).rerunLines, [3, 4]);
      assert.deepStrictEqual(json(['src/a.txt', '--build-arg', 'SRC=src-prod']).rerunLines, [4]);
      assert.deepStrictEqual(json(['src/a.txt']).rerunLines, [3, 4]);
    });

    it('the ignore file that excludes itself: every re-run conditional, with its reason', () => {
      const d = json(['.dockerignore']);
      assert.deepStrictEqual(d.rerunLines, [3, 4]);
      assert.strictEqual(d.inContext, false);
      assert.deepStrictEqual(d.conditionalLines.map((c: { line: number }) => c.line), [3, 4]);
      assert.match(d.conditionalLines[0].reason, /^only if the edit changes which of the files it copies reach the builder$/);
      const io = capture();
      runWhatRebuilds(['.dockerignore'], io, dir);
      assert.match(io.stdout, /^Dockerfile: editing \.dockerignore re-runs up to 2 of 3 steps, from line 3: /);
      assert.doesNotMatch(io.stdout, /not in any build context/);
    });

    it('the Dockerfile excluded from its own context: no COPY re-runs, and it is named as the build definition', () => {
      const io = capture();
      runWhatRebuilds(['Dockerfile'], io, dir);
      assert.match(io.stdout, /^Dockerfile: Dockerfile is this build's Dockerfile, excluded from its context by \.dockerignore: no step copies it, but editing an instruction re-runs that step and the steps after it$/m);
      assert.doesNotMatch(io.stdout, /not in any build context/);
    });

    it('catches: an ignored file in a folder that does not exist yet; catches-not: one in a folder that does', () => {
      const io = capture();
      runWhatRebuilds(['logs/today.log'], io, dir);
      assert.match(io.stdout, /creating it creates the folder logs\/, which the builder receives even when empty: re-runs 1 of 3 steps, from line 4/);
      assert.match(io.stdout, /^ {5}4 {2}COPY \. \/all\/ {2}← copies its new folder logs\/ \(\.\)$/m);
      assert.deepStrictEqual(json(['src/today.log']).rerunLines, []);
    });

    it('--context is an ordinary path from the current folder; giving it twice is a usage error', () => {
      const sub = path.join(dir, 'sub');
      fs.mkdirSync(sub, { recursive: true });
      const io = capture();
      assert.strictEqual(runWhatRebuilds(['../src/a.txt', '--dockerfile', '../Dockerfile', '--context', '..', '--format', 'json'], io, sub), 0, io.stderr);
      assert.deepStrictEqual(JSON.parse(io.stdout).dockerfiles[0].rerunLines, [3, 4]);
      assert.throws(() => runWhatRebuilds(['src/a.txt', '--context', '.', '--build-context', '.'], capture(), dir), /give the build context once/);
      assert.throws(() => runWhatRebuilds(['src/a.txt', '--context', 'nowhere'], capture(), dir), /--context nowhere: no such folder/);
    });
  });

  it('a file outside every context', () => {
    const r = run('multistage', ['../globs/main.py', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles, []);
    const t = run('multistage', ['../globs/main.py']);
    assert.match(t.stdout, /not in any build context \(no Dockerfile under this folder has it in its context\)/);
  });

  it('an unknown --target is reported with the stages there are, exit 2', () => {
    const r = run('multistage', ['src/app.py', '--target', 'prod']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /Dockerfile: no stage 'prod' in this Dockerfile \(stages: deps, build, test, final\)/);
  });

  it('usage errors exit 2 with a message', async () => {
    for (const [argv, msg] of [
      [['what-rebuilds'], /needs the file you mean to change/],
      [['what-rebuilds', 'a', 'b'], /takes one file/],
      [['what-rebuilds', FIXTURES], /is a directory/],
      [['what-rebuilds', 'x', '--format', 'sarif'], /unknown --format 'sarif'/],
      [['what-rebuilds', 'x', '--dockerfile', '/nonexistent/Dockerfile'], /no such file/],
      [['what-rebuilds', 'x', '--bogus'], /bogus/],
    ] as const) {
      const io = capture();
      assert.strictEqual(await main([...argv], io), 2, argv.join(' '));
      assert.match(io.stderr, msg);
    }
    const help = capture();
    assert.strictEqual(await main(['what-rebuilds', '--help'], help), 0);
    assert.match(help.stdout, /Usage: dockerfile-cache-advisor what-rebuilds <file>/);
  });

  it('the bundled binary answers from the working folder', () => {
    const r = spawnSync(process.execPath, [CLI, 'what-rebuilds', 'main.py', '--format', 'json'], { cwd: path.join(FIXTURES, 'globs'), encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles[0].rerunLines, [3, 4, 5, 6, 7, 8, 9, 10, 13]);
    assert.strictEqual(r.stderr, '');
  });

  it('the deprecated name why-rebuild still answers the same, and says on stderr what replaces it', () => {
    const opts = { cwd: path.join(FIXTURES, 'globs'), encoding: 'utf8' } as const;
    const now = spawnSync(process.execPath, [CLI, 'what-rebuilds', 'main.py', '--format', 'json'], opts);
    const old = spawnSync(process.execPath, [CLI, 'why-rebuild', 'main.py', '--format', 'json'], opts);
    assert.strictEqual(old.status, 0, old.stderr);
    assert.strictEqual(old.stdout, now.stdout);
    assert.match(old.stderr, /'why-rebuild' is deprecated; use 'what-rebuilds'/);
  });

  it('the deprecated name keeps the usage errors and --help of what-rebuilds; --help lists both names', async () => {
    const missing = capture();
    assert.strictEqual(await main(['why-rebuild'], missing), 2);
    assert.match(missing.stderr, /what-rebuilds needs the file you mean to change/);
    const help = capture();
    assert.strictEqual(await main(['why-rebuild', '--help'], help), 0);
    assert.match(help.stdout, /Usage: dockerfile-cache-advisor what-rebuilds <file>/);
    const top = capture();
    assert.strictEqual(await main(['--help'], top), 0);
    assert.match(top.stdout, /^ {2}what-rebuilds +see: dockerfile-cache-advisor what-rebuilds --help$/m);
    assert.match(top.stdout, /^ {2}why-rebuild +deprecated name of what-rebuilds$/m);
  });

  it('catches-not: a file named like an inherited object key is linted, not taken for a command', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-proto-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\n');
      const io = capture();
      const cwd = process.cwd();
      process.chdir(dir);
      let code: number;
      try { code = await main(['toString'], io); } finally { process.chdir(cwd); }
      assert.notStrictEqual(code, 0);
      assert.doesNotMatch(io.stderr, /is not a function|deprecated/);
      assert.match(io.stderr + io.stdout, /toString/);
    }
    finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
