/** The one folder walk and its skip list, as the Dockerfile search, the CLI and the build-context facts use it. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repositoryRoot, walkFolders } from '../../../server/src/buildContext/folders';
import { findDockerfiles } from '../../../server/src/buildContext/locate';
import { gatherWorkspaceFacts } from '../../../server/src/buildContext/workspaceFacts';
import { expandPaths } from '../../../server/src/cli/files';

function tree(files: readonly string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-folders-'));
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), 'FROM alpine:3.20\n');
  }
  return root;
}

describe('folders: one bounded walk, one skip list, one repository root', () => {
  let root: string;
  before(() => {
    root = tree([
      'Dockerfile', 'build/package/Dockerfile', 'dist/Dockerfile', 'services/api/api.Dockerfile', 'Dockerfile.dockerignore',
      'node_modules/pkg/Dockerfile', 'target/docker/Dockerfile', '.git/Dockerfile', '.venv/Dockerfile', '.gradle/Dockerfile',
    ]);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const found = ['Dockerfile', 'build/package/Dockerfile', 'dist/Dockerfile', 'services/api/api.Dockerfile'];
  const rel = (files: readonly string[]) => files.map(f => path.relative(root, f).split(path.sep).join('/')).sort();

  it('catches: the Dockerfile search and the CLI find Dockerfiles under build/ and dist/; catches-not: skipped folders and ignore files', () => {
    assert.deepStrictEqual(rel(findDockerfiles([root]).files), found);
    assert.deepStrictEqual(rel(expandPaths([root]).files.map(f => f.path)), found);
  });

  it('the build-context facts list build/ but do not enter the skipped folders (which still count as folders)', () => {
    const facts = gatherWorkspaceFacts(root, 0);
    assert.ok(facts.contextFiles?.has('build/package/Dockerfile'));
    assert.ok(facts.contextDirs?.has('node_modules'));
    assert.ok(!facts.contextFiles?.has('node_modules/pkg/Dockerfile'));
  });

  it('the bound: a walk that runs out of entries says it is incomplete; the Dockerfile search shares one bound across roots', () => {
    const all: string[] = [];
    const whole = walkFolders(root, e => all.push(e.rel));
    assert.strictEqual(whole.complete, true);
    const seen: string[] = [];
    const cut = walkFolders(root, e => seen.push(e.rel), { maxEntries: 3 });
    assert.deepStrictEqual({ complete: cut.complete, seen }, { complete: false, seen: all.slice(0, 3) });
    assert.strictEqual(findDockerfiles([root, root], whole.entries).complete, false);
    assert.strictEqual(findDockerfiles([root], whole.entries).complete, true);
  });

  it('catches: a re-read past the cache keeps each unchanged fact as the same object; catches-not: a value that changed', () => {
    const dir = tree(['package.json', 'src/index.js']);
    try {
      const first = gatherWorkspaceFacts(dir, 1_000_000);
      const same = gatherWorkspaceFacts(dir, 2_000_000);
      assert.strictEqual(same.contextFiles, first.contextFiles);
      assert.strictEqual(same.installFiles, first.installFiles);
      fs.writeFileSync(path.join(dir, 'src', 'util.js'), 'x');
      const added = gatherWorkspaceFacts(dir, 3_000_000);
      assert.notStrictEqual(added.contextFiles, first.contextFiles);
      assert.ok(added.contextFiles?.has('src/util.js'));
      assert.strictEqual(added.installFiles, first.installFiles, 'the manifests did not change');
      fs.writeFileSync(path.join(dir, 'package.json'), '{"workspaces":["src"]}');
      const edited = gatherWorkspaceFacts(dir, 4_000_000);
      assert.notStrictEqual(edited.installFiles, first.installFiles);
      assert.strictEqual(edited.installFiles?.['package.json'], '{"workspaces":["src"]}');
      assert.strictEqual(edited.contextFiles, added.contextFiles);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maxDepth: a folder below the deepest level makes the walk incomplete; descend overrides the skip list', () => {
    assert.strictEqual(walkFolders(root, () => undefined, { maxDepth: 1 }).complete, false);
    const seen: string[] = [];
    walkFolders(root, e => seen.push(e.rel), { descend: () => true });
    assert.ok(seen.includes('node_modules/pkg/Dockerfile'));
  });

  it('catches: the nearest folder with .git (a worktree has a .git file); catches-not: none within the levels', () => {
    const repo = tree(['.git', 'a/b/c/Dockerfile']);
    try {
      assert.strictEqual(repositoryRoot(path.join(repo, 'a/b/c')), repo);
      assert.strictEqual(repositoryRoot(repo), repo);
      assert.strictEqual(repositoryRoot(path.join(repo, 'a/b/c'), 2), undefined);
      assert.strictEqual(repositoryRoot(path.join(repo, 'a/b/c'), 3), repo);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
