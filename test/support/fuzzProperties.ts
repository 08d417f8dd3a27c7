/**
 * The invariants every input must keep, shared by the bounded fuzz spec (npm test) and the long run
 * (`npm run fuzz -- --runs 100000`).
 */
import * as assert from 'assert';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/analysis/analyze';
import { applyEdits, fixAll, lint, verifyFix } from '../../server/src/engine';
import type { WorkspaceFacts } from '../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

function assertInside(doc: TextDocument, range: { start: { line: number; character: number }; end: { line: number; character: number } }, what: string) {
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < Math.max(1, doc.lineCount), `${what}: line ${p.line} outside the document (${doc.lineCount} lines)`);
    const lineText = doc.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$/, '');
    assert.ok(p.character >= 0 && p.character <= lineText.length + 1, `${what}: column ${p.character} outside line ${p.line}`);
  }
  assert.ok(doc.offsetAt(range.start) <= doc.offsetAt(range.end), `${what}: range ends before it starts`);
}

/** Instructions of `before` that `edits` do not touch, as text. */
function untouchedInstructionTexts(text: string, edits: ReadonlyArray<{ range: { start: { line: number; character: number }; end: { line: number; character: number } } }>): string[] {
  const doc = TextDocument.create('file:///x', 'dockerfile', 0, text);
  const spans = edits.map(e => [doc.offsetAt(e.range.start), doc.offsetAt(e.range.end)]);
  return DockerfileParser.parse(text).getInstructions().filter(i => {
    const s = doc.offsetAt(i.getRange().start);
    const e = doc.offsetAt(i.getRange().end);
    return !spans.some(([es, ee]) => (es < e && ee > s) || (es === ee && es > s && es < e));
  }).map(i => i.toString());
}

/**
 * Lint, every quick fix and fix-all on one input, with all the invariants. Returns the number of fixes
 * checked. `workspace`: the build context's facts (fixes that need a context on disk only show with one).
 */
export function checkDockerfile(text: string, workspace: WorkspaceFacts = {}): number {
  const doc = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const model = analyze(text);
  const { findings } = lint(text, DEFAULT_SETTINGS, workspace, model);
  let fixes = 0;
  for (const f of findings) {
    assertInside(doc, f.range, `${f.rule} range`);
    for (const r of f.related ?? []) assertInside(doc, r.range, `${f.rule} related range`);
    for (const fix of f.fixes ?? []) {
      for (const e of fix.edits) assertInside(doc, e.range, `${f.rule} fix edit`);
      const verified = verifyFix(model, fix);
      if (verified === undefined) continue; // refused fixes are never offered
      fixes++;
      const out = applyEdits(model, fix.edits);
      assert.strictEqual(out, verified);
      assert.doesNotThrow(() => DockerfileParser.parse(out));
      // instructions the fix did not touch are still there, byte for byte (independent of verifyFix)
      const after = DockerfileParser.parse(out).getInstructions().map(i => i.toString());
      for (const t of untouchedInstructionTexts(text, fix.edits)) {
        const k = after.indexOf(t);
        assert.ok(k >= 0, `fix "${fix.title}" changed an instruction it does not own: ${JSON.stringify(t)}`);
        after.splice(k, 1);
      }
      // the fixed finding is gone: nothing of that rule with its message stays on its line
      // (a neighbour may now be reported instead, e.g. the next of two stacked `COPY . .`)
      const again = lint(out, DEFAULT_SETTINGS, workspace).findings.filter(x => x.rule === f.rule);
      assert.ok(!again.some(x => x.message === f.message && x.range.start.line === f.range.start.line),
        `fix "${fix.title}" left its finding in place:\n${JSON.stringify(text)}`);
    }
  }
  const all = fixAll(text, DEFAULT_SETTINGS, workspace);
  assert.doesNotThrow(() => DockerfileParser.parse(all.text));
  assert.strictEqual(fixAll(all.text, DEFAULT_SETTINGS, workspace).text, all.text, `fix-all is not idempotent on ${JSON.stringify(text)}`);
  // nothing fixable is left behind: every remaining preferred fix is one the safety check refuses
  const finalModel = analyze(all.text);
  for (const f of lint(all.text, DEFAULT_SETTINGS, workspace, finalModel).findings) {
    for (const fix of f.fixes ?? []) {
      if (fix.preferred && !fix.createFiles?.length) assert.strictEqual(verifyFix(finalModel, fix), undefined, `fix-all left a fixable ${f.rule} behind in ${JSON.stringify(all.text)}`);
    }
  }
  return fixes;
}
