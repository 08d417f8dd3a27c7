import * as assert from 'assert';
import * as path from 'path';
import type { MarkupContent } from 'vscode-languageserver-types';
import { analyze } from '../../../common/analysis/analyze';
import { copyHover } from '../../../server/src/lsp/hover';
import { readIgnoreSpec } from '../../../server/src/buildContext/ignore';
import { buildGraph } from '../../../common/analysis/invalidation';
import { listContext } from '../../../server/src/buildContext/listing';
import { FIXTURES } from './fixtures';
import * as fs from 'fs';

/** Hover text on a 1-based line of a fixture's Dockerfile, or null. */
function hoverText(tree: string, line: number, maxEntries?: number): string | null {
  const dir = path.join(FIXTURES, tree);
  const file = path.join(dir, 'Dockerfile');
  const model = analyze(fs.readFileSync(file, 'utf8'));
  const ignore = readIgnoreSpec(file, dir);
  const h = copyHover({ model, graph: buildGraph(model, 'all'), ignore, contextDir: dir, listing: () => listContext(dir, ignore, { maxEntries, ttlMs: 0 }) }, { line: line - 1, character: 2 });
  return h ? (h.contents as MarkupContent).value : null;
}

describe('hover on COPY/ADD', () => {
  it('names the copied files with sizes and what re-runs, in this and dependent stages', () => {
    const t = hoverText('multistage', 3)!;
    assert.match(t, /copies 1 file, 28 B from the build context \(there is no \.dockerignore\)/);
    assert.match(t, /`requirements\.txt` — 28 B/);
    // the answer comes first, before a file list that can be long
    assert.match(t.split('\n')[0], /^\*\*COPY\*\*: changing what it copies re-runs this step and 1 later step of this stage \(and 6 steps in dependent stages: build, test, final\)\.$/);
  });

  it('a folder copy lists its files; the last copy of a chain has no dependants', () => {
    assert.match(hoverText('multistage', 7)!, /this step and 1 later step of this stage \(and 4 steps in dependent stages: test, final\)[\s\S]*copies 1 file.*\n\n- `src\/app\.py`/);
    assert.match(hoverText('multistage', 17)!, /re-runs this step and 1 later step of this stage \(no other stage depends on it\)/);
  });

  it('applies .dockerignore: only the files that reach the builder are counted', () => {
    const t = hoverText('ignore', 3)!;
    assert.match(t, /copies 7 files, .* \(after `\.dockerignore`\)/);
    assert.match(t, /`secrets\/public\.pem`/);
    assert.doesNotMatch(t, /key\.pem|debug\.log|vendor\/lib/);
    assert.match(t, /- … and 1 more/);
  });

  it('globs: `*.py` copies main.py and util.py, not sub/deep.py', () => {
    const t = hoverText('globs', 3)!;
    assert.match(t, /copies 2 files/);
    assert.match(t, /`main\.py`[\s\S]*`util\.py`/);
    assert.doesNotMatch(t, /deep\.py/);
  });

  it('a partial listing says its counts are lower bounds', () => {
    assert.match(hoverText('ignore', 3, 3)!, /copies at least \d+ files?[\s\S]*counts are lower bounds/);
  });

  it('COPY --from a stage, ADD <url> and heredocs explain where their content comes from', () => {
    assert.match(hoverText('multistage', 16)!, /^\*\*COPY --from=build\*\*: when the files it copies change there, it re-runs this step and 1 later step[\s\S]*copies from stage `build` \(line 6\), not from the build context/);
    assert.match(hoverText('globs', 9)!, /downloads `https:\/\/example\.com\/remote\.txt`/);
    assert.match(hoverText('globs', 10)!, /heredoc/);
  });

  it('no hover outside COPY/ADD', () => {
    assert.strictEqual(hoverText('multistage', 4), null);
    assert.strictEqual(hoverText('multistage', 5), null);
  });
});
