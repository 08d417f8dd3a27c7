/**
 * The analysis engine shared by the language server and the CLI: parse once, run the rules, honour
 * suppressions and severities, and apply fixes safely.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import { analyze } from '../../../common/analysis/analyze';
import { forgetKept } from '../../../common/analysis/astMemo';
import type { DockerfileModel } from '../../../common/analysis/model';
import { RULES } from '../rules/index';
import type { FileCreation, Finding, Fix, RuleContext, WorkspaceFacts } from '../rules/types';
import { DEFAULT_SETTINGS, type CacheAdvisorSettings } from '../../../common/settings';

export interface LintResult {
  readonly model?: DockerfileModel;
  readonly findings: Finding[];
}

/** The id of the pseudo-rule reported for files above `maxFileSize`. */
export const TOO_LARGE = 'file-too-large';

/** Run every enabled rule over a Dockerfile's text. Never throws: a failing rule is skipped and reported. */
export function lint(text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, workspace: WorkspaceFacts = {}, model?: DockerfileModel): LintResult {
  if (text.length > settings.maxFileSize) {
    return {
      findings: [{
        rule: TOO_LARGE,
        severity: 'information',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `File too large to analyse (${text.length} characters; the limit is cacheAdvisor.maxFileSize = ${settings.maxFileSize}).`,
      }],
    };
  }
  model ??= analyze(text);
  const ctx: RuleContext = { model, settings, workspace };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const configured = settings.rules[rule.meta.id];
    if (configured === 'off' || model.ignoredGlobally.has(rule.meta.id)) continue;
    let found;
    try {
      found = rule.check(ctx);
    } catch (e) {
      findings.push({
        rule: rule.meta.id,
        severity: 'information',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `Rule ${rule.meta.id} failed on this file and was skipped: ${(e as Error)?.message ?? e}`,
      });
      continue;
    }
    for (const f of found) {
      if (isSuppressed(model, rule.meta.id, f.range.start.line)) continue;
      findings.push({ ...f, rule: rule.meta.id, severity: configured ?? f.severity ?? rule.meta.defaultSeverity });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  forgetKept(model.instructions.map(i => i.node));
  return { model, findings };
}

/** The instruction whose lines contain `line` (binary search: instructions are in document order). */
export function instructionAtLine(model: DockerfileModel, line: number): DockerfileModel['instructions'][number] | undefined {
  const list = model.instructions;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid].range;
    if (line < r.start.line) hi = mid - 1;
    else if (line > r.end.line) lo = mid + 1;
    else {
      // ONBUILD triggers share their ONBUILD's lines: prefer the outer instruction
      let k = mid;
      while (k > 0 && list[k - 1].range.start.line <= line && line <= list[k - 1].range.end.line) k--;
      return list[k];
    }
  }
  return undefined;
}

function isSuppressed(model: DockerfileModel, id: string, line: number): boolean {
  if (model.ignoredAt.size === 0) return false;
  const inst = instructionAtLine(model, line);
  if (!inst) return false;
  return model.ignoredAt.get(inst.range.start.line)?.has(id) ?? false;
}

/** Apply LSP text edits to a string. Edits must not overlap; inserts at one place keep their order. */
export function applyEdits(model: Pick<DockerfileModel, 'document' | 'text'>, edits: readonly TextEdit[]): string {
  const resolved = edits
    .map((e, order) => ({ s: model.document.offsetAt(e.range.start), e: model.document.offsetAt(e.range.end), t: e.newText, order }))
    .sort((a, b) => a.s - b.s || a.e - b.e || a.order - b.order);
  for (let i = 1; i < resolved.length; i++) {
    if (resolved[i].s < resolved[i - 1].e) throw new Error('overlapping edits');
  }
  let out = '';
  let pos = 0;
  for (const r of resolved) {
    out += model.text.slice(pos, r.s) + r.t;
    pos = r.e;
  }
  return out + model.text.slice(pos);
}

/**
 * Check that a fix is safe: the result parses, and every instruction the fix did not touch is still
 * there byte for byte. Returns the new text, or undefined when the fix must not be offered.
 */
export function verifyFix(model: DockerfileModel, fix: Fix): string | undefined {
  let next: string;
  try {
    next = applyEdits(model, fix.edits);
  } catch {
    return undefined;
  }
  // a fix that only creates files (a .dockerignore) leaves the text as it is
  if (next === model.text && !fix.createFiles?.length) return undefined;
  const spans = fix.edits.map(e => [model.document.offsetAt(e.range.start), model.document.offsetAt(e.range.end)]);
  const untouched = model.instructions.filter(i => {
    if (i.onbuild) return false;
    const s = model.document.offsetAt(i.range.start);
    const e = model.document.offsetAt(i.range.end);
    // an edit touches an instruction when it overlaps it or inserts strictly inside it
    return !spans.some(([es, ee]) => (es < e && ee > s) || (es === ee && es > s && es < e));
  });
  const after = DockerfileParser.parse(next);
  const counts = new Map<string, number>();
  for (const inst of after.getInstructions()) {
    const t = inst.toString();
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  for (const inst of untouched) {
    const t = inst.node.toString();
    const c = counts.get(t) ?? 0;
    if (c === 0) return undefined;
    counts.set(t, c - 1);
  }
  if (after.getEscapeCharacter() !== model.escapeChar) return undefined;
  return next;
}

/** Lines of instructions a fix edits; fixes on disjoint instructions can be applied in one pass. */
function fixFootprint(model: DockerfileModel, fix: Fix): Set<number> {
  const list = model.instructions;
  // first instruction ending at or after `line` (instructions are in document order)
  const firstEndingFrom = (line: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].range.end.line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out = new Set<number>();
  for (const e of fix.edits) {
    // the instructions on the edited lines and their neighbours (an insertion between two touches both)
    for (let k = firstEndingFrom(e.range.start.line - 1); k < list.length && list[k].range.start.line <= e.range.end.line + 1; k++) out.add(list[k].index);
  }
  return out;
}

export interface FixAllResult {
  readonly text: string;
  /** Findings fixed, in the order they were fixed. */
  readonly applied: Array<{ rule: string; title: string; line: number }>;
  /** Files the applied fixes create (relative to the build context), first fix wins per path. */
  readonly createFiles: FileCreation[];
}

/**
 * Apply every preferred fix, re-analysing between passes so fixes compose (two rules that both add
 * the pip cache mount add it once). Stops when nothing is left to fix or after `maxPasses`.
 */
export function fixAll(text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, workspace: WorkspaceFacts = {}, maxPasses = 50): FixAllResult {
  const applied: FixAllResult['applied'] = [];
  const created = new Map<string, FileCreation>();
  let current = text;
  const failed = new Set<string>();
  // fixes that undo each other would cycle, a fix that re-creates its own finding would grow the file:
  // stop at a text seen before, or when the file has grown far beyond anything a fix adds
  const seen = new Set<string>([text]);
  const growthLimit = text.length * 2 + 16_384;
  for (let pass = 0; pass < maxPasses; pass++) {
    const { model, findings } = lint(current, settings, workspace);
    if (!model) break;
    const taken = new Set<number>();
    const chosen: Array<{ f: Finding; fix: Fix; key: string }> = [];
    for (const f of findings) {
      const fix = f.fixes?.find(x => x.preferred);
      if (!fix) continue;
      const key = `${f.rule}\0${fix.title}\0${f.message}\0${f.range.start.line}`;
      if (failed.has(key)) continue;
      // files already created by an earlier pass: the finding only goes once the caller writes them
      if (fix.edits.length === 0 && fix.createFiles?.every(file => created.has(file.path))) continue;
      const foot = fixFootprint(model, fix);
      if ([...foot].some(i => taken.has(i))) continue;
      foot.forEach(i => taken.add(i));
      chosen.push({ f, fix, key });
    }
    if (chosen.length === 0) break;
    // verify the pass as a whole (one parse); only when that fails, find the fixes at fault one by one
    let next = chosen.length > 1 ? verifyFix(model, { title: 'pass', preferred: true, edits: chosen.flatMap(c => c.fix.edits) }) : undefined;
    if (next === undefined) {
      const good = chosen.filter(c => {
        if (verifyFix(model, c.fix) !== undefined) return true;
        failed.add(c.key);
        return false;
      });
      chosen.splice(0, chosen.length, ...good);
      if (chosen.length === 0) continue;
      try {
        next = applyEdits(model, chosen.flatMap(c => c.fix.edits));
      } catch {
        // fixes that conflict after all: apply the first alone this pass
        chosen.splice(1);
        next = applyEdits(model, chosen[0].fix.edits);
      }
    }
    if (next !== current && (seen.has(next) || next.length > growthLimit)) break;
    for (const c of chosen) applied.push({ rule: c.f.rule, title: c.fix.title, line: c.f.range.start.line + 1 });
    for (const c of chosen) for (const file of c.fix.createFiles ?? []) if (!created.has(file.path)) created.set(file.path, file);
    if (next === current) break;
    seen.add(next);
    current = next;
  }
  return { text: current, applied, createFiles: [...created.values()] };
}
