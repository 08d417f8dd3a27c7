import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ignore from '@balena/dockerignore';
import { analyze } from '../../../common/analysis/analyze';
import { fixAll, lint, verifyFix } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import type { WorkspaceFacts } from '../../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { ignoreFileFacts } from '../../../server/src/buildContext/workspaceFacts';
import { findings, lines } from '../../support/lint';

const RULE = 'missing-dockerignore';
const NONE: WorkspaceFacts = { ignoreFile: null };
const HAS: WorkspaceFacts = { ignoreFile: '.dockerignore' };

const contentFor = (text: string, ws: WorkspaceFacts = NONE) => {
  const fix = findings(text, RULE, ws)[0].fixes![0];
  assert.strictEqual(fix.createFiles?.[0].path, '.dockerignore');
  return fix.createFiles[0].content;
};
const patterns = (content: string) => content.split('\n').filter(l => l && !l.startsWith('#'));

describe(RULE, () => {
  describe('catches', () => {
    it('COPY . . with no .dockerignore: a fix that creates one, verified and idempotent, and re-lint is clean once it exists', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\nCMD ["python", "main.py"]\n';
      assert.deepStrictEqual(lines(text, RULE, NONE), [5]);
      const f = findings(text, RULE, NONE)[0];
      assert.match(f.message, /\.git/);
      assert.match(f.message, /every commit/);
      const model = analyze(text);
      const fix = f.fixes![0];
      assert.deepStrictEqual(fix.edits, []);
      assert.strictEqual(verifyFix(DOCKERFILE, model, fix), text, 'a file-only fix passes verification and leaves the Dockerfile alone');
      const all = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, NONE);
      assert.strictEqual(all.text, text);
      assert.deepStrictEqual(all.createFiles.map(c => c.path), ['.dockerignore']);
      assert.strictEqual(all.applied.filter(a => a.rule === RULE).length, 1, 'created once, not once per pass');
      assert.deepStrictEqual(fixAll(DOCKERFILE, all.text, DEFAULT_SETTINGS, HAS).createFiles, []);
      assert.deepStrictEqual(lines(all.text, RULE, HAS), []);
    });

    it('python defaults: exactly the common and python patterns', () => {
      const content = contentFor('FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n');
      assert.deepStrictEqual(patterns(content), [
        '.git', '.gitignore', '.dockerignore', '**/.DS_Store', '.idea', '.vscode', '**/*.swp', '**/*~', 'Dockerfile*', '*.Dockerfile',
        'docker-compose*.y*ml', 'compose*.y*ml', '**/*.log',
        '**/__pycache__', '**/*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '**/*.egg-info', '.coverage', 'htmlcov',
      ]);
      const ig = ignore().add(patterns(content));
      for (const p of ['.git/HEAD', 'pkg/__pycache__/m.cpython-312.pyc', '.venv/bin/python', 'a/b/c.pyc']) assert.ok(ig.ignores(p), p);
      for (const p of ['main.py', 'requirements.txt', 'pkg/module.py']) assert.ok(!ig.ignores(p), p);
    });

    it('ecosystems from the installs and from the context listing', () => {
      assert.ok(patterns(contentFor('FROM node:20\nCOPY . .\nRUN npm ci\n')).includes('**/node_modules'));
      const ws: WorkspaceFacts = { ignoreFile: null, contextFiles: new Set(['Cargo.toml', 'src/main.rs']), contextDirs: new Set(['src']) };
      assert.ok(patterns(contentFor('FROM rust\nCOPY . .\nRUN make\n', ws)).includes('target'));
      assert.ok(!patterns(contentFor('FROM rust\nCOPY . .\nRUN make\n', ws)).includes('**/node_modules'));
    });

    it('never ignores what the Dockerfile copies by name or needs (checked with the real matcher)', () => {
      const text = 'FROM node:20\nCOPY docker-compose.yml /etc/app/\nCOPY .vscode/settings.json /x/\nCOPY . /app\nRUN git -C /app rev-parse HEAD > /rev\nRUN npm ci\n';
      const p = patterns(contentFor(text));
      for (const gone of ['docker-compose*.y*ml', '.vscode', '.git']) assert.ok(!p.includes(gone), gone);
      assert.ok(p.includes('**/node_modules'));
      const ig = ignore().add(p);
      for (const needed of ['docker-compose.yml', '.vscode/settings.json', '.git/HEAD']) assert.ok(!ig.ignores(needed), needed);
    });

    it('the defaults are made once per context listing and Dockerfile inputs, and again when either changes (same listing object)', () => {
      const listing: WorkspaceFacts = { ignoreFile: null, contextFiles: new Set(['package.json', 'build/out.js', 'build/assets/logo.png']), contextDirs: new Set(['build', 'build/assets']) };
      const node = 'FROM node:20\nCOPY . .\nRUN npm ci\n';
      const plain = contentFor(node, listing);
      assert.strictEqual(contentFor(node, listing), plain);
      // the listing gains a Gradle build: another listing object, another ecosystem
      const gradle = contentFor(node, { ...listing, contextFiles: new Set([...listing.contextFiles!, 'build.gradle']) });
      assert.ok(patterns(gradle).includes('build') && !patterns(plain).includes('build'));
      // the same listing object, a Dockerfile that copies build/ by name: `build` must not be ignored any more
      assert.ok(!patterns(contentFor('FROM node:20\nCOPY build ./build\nCOPY . .\nRUN npm ci\n', { ...listing, contextFiles: new Set([...listing.contextFiles!, 'build.gradle']) })).includes('build'));
      // the same listing object, a Dockerfile that now runs pip and git: python patterns, .git kept
      const changed = contentFor('FROM node:20\nCOPY . .\nRUN npm ci && pip install -r requirements.txt && git rev-parse HEAD > /rev\n', listing);
      assert.ok(patterns(changed).includes('**/__pycache__') && !patterns(changed).includes('.git'));
      assert.ok(!patterns(plain).includes('**/__pycache__') && patterns(plain).includes('.git'));
      assert.strictEqual(contentFor(node, listing), plain, 'and back');
    });

    it('the first whole-context COPY carries the finding, the others are related; ADD . and COPY ./ count; multi-stage', () => {
      const text = 'FROM node AS build\nADD ./ /src\nFROM nginx\nCOPY . /usr/share/nginx/html\n';
      assert.deepStrictEqual(lines(text, RULE, NONE), [2]);
      assert.deepStrictEqual(findings(text, RULE, NONE)[0].related?.map(r => r.range.start.line + 1), [4]);
    });

    it('non-root USER, heredoc RUNs, JSON-form COPY, CRLF and `# escape=` files', () => {
      assert.deepStrictEqual(lines('FROM x\r\nUSER app\r\nCOPY --chown=app [".", "/app"]\r\nRUN <<EOF\r\nmake\r\nEOF\r\n', RULE, NONE), [3]);
      assert.deepStrictEqual(lines('# escape=`\nFROM x\nCOPY . `\n  /app\n', RULE, NONE), [3]);
    });
  });

  describe('catches not', () => {
    it('a .dockerignore or <Dockerfile>.dockerignore exists', () => {
      assert.deepStrictEqual(lines('FROM x\nCOPY . .\n', RULE, HAS), []);
      assert.deepStrictEqual(lines('FROM x\nCOPY . .\n', RULE, { ignoreFile: 'Dockerfile.dockerignore' }), []);
    });

    it('nobody said whether one exists', () => {
      assert.deepStrictEqual(lint(DOCKERFILE, 'FROM x\nCOPY . .\n').findings.filter(f => f.rule === RULE), []);
    });

    it('no whole-context copy: files, directories, COPY --from, heredoc COPY, ADD <url>', () => {
      assert.deepStrictEqual(lines('FROM x\nCOPY requirements.txt src/ /app/\nCOPY --from=build . /app\nADD https://e.com/x.tgz /x\nCOPY <<EOF /a\nhi\nEOF\n', RULE, NONE), []);
    });
  });

  describe('the facts the server and CLI gather', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerignore-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('none, the context .dockerignore, and <Dockerfile name>.dockerignore next to the Dockerfile (which wins)', () => {
      const dockerfile = path.join(dir, 'docker', 'Dockerfile.dev');
      fs.mkdirSync(path.dirname(dockerfile));
      fs.writeFileSync(dockerfile, 'FROM x\nCOPY . .\n');
      assert.strictEqual(ignoreFileFacts(dockerfile, dir).ignoreFile, null);
      fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
      assert.strictEqual(ignoreFileFacts(dockerfile, dir).ignoreFile, '.dockerignore');
      fs.writeFileSync(dockerfile + '.dockerignore', '.git\n');
      assert.strictEqual(ignoreFileFacts(dockerfile, dir).ignoreFile, 'Dockerfile.dev.dockerignore');
    });
  });
});
