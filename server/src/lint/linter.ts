/**
 * The one lint engine, shared by the language server, its worker and the CLI, for every file kind:
 * parse once, run the kind's rules, honour suppressions and severities, check a fix before it is
 * offered, and apply every safe fix (fix-all). What differs between Dockerfiles and Compose files —
 * how to parse, which rules, how to verify a fix — is the kind's adapter (fileKind.ts, kinds/).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import type { FileCreation, Finding, Fix, WorkspaceFacts } from '../rules/types';
import { DEFAULT_SETTINGS, type CacheAdvisorSettings } from '../../../common/settings';
import type { FileKind, LintedModel } from './fileKind';

export interface LintResult<M extends LintedModel = LintedModel> {
  /** Undefined only for a file above `maxFileSize`, which is not parsed. */
  readonly model?: M;
  readonly findings: Finding[];
}

/** The id of the pseudo-rule reported for files above `maxFileSize`. */
export const TOO_LARGE = 'file-too-large';

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Run every enabled rule of `kind` over a file's text (`model`: its parse, when the caller has it;
 * `previous`: the model of the document's previous version, which the parse may partly reuse).
 * Never throws: a failing rule is skipped and reported.
 */
export function lint<M extends LintedModel>(kind: FileKind<M>, text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, workspace: WorkspaceFacts = {}, model?: M, previous?: M): LintResult<M> {
  if (text.length > settings.maxFileSize) {
    return {
      findings: [{
        rule: TOO_LARGE,
        severity: 'information',
        range: TOP,
        message: `File too large to analyse (${text.length} characters; the limit is cacheAdvisor.maxFileSize = ${settings.maxFileSize}).`,
      }],
    };
  }
  model ??= kind.parse(text, previous);
  const ctx = { model, settings, workspace };
  const findings: Finding[] = [];
  for (const rule of kind.rules) {
    const configured = settings.rules[rule.meta.id];
    if (configured === 'off' || model.ignoredGlobally.has(rule.meta.id)) continue;
    let found;
    try {
      found = rule.check(ctx);
    } catch (e) {
      findings.push({
        rule: rule.meta.id,
        severity: 'information',
        range: TOP,
        message: `Rule ${rule.meta.id} failed on this file and was skipped: ${(e as Error)?.message ?? e}`,
      });
      continue;
    }
    for (const f of found) {
      if (kind.isSuppressed(model, rule.meta.id, f.range.start.line)) continue;
      findings.push({ ...f, rule: rule.meta.id, severity: configured ?? f.severity ?? rule.meta.defaultSeverity });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  kind.release?.(model);
  return { model, findings };
}

/** Apply LSP text edits to a string. Edits must not overlap; inserts at one place keep their order. */
export function applyEdits(model: Pick<LintedModel, 'document' | 'text'>, edits: readonly TextEdit[]): string {
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
 * Check that a fix is safe: its edits apply (no overlaps), it changes something (text, or files it
 * creates such as a .dockerignore), and the kind accepts the result (it parses; what the fix did not
 * mean to change is unchanged). Returns the new text, or undefined when the fix must not be offered.
 */
export function verifyFix<M extends LintedModel>(kind: FileKind<M>, model: M, fix: Fix): string | undefined {
  let next: string;
  try {
    next = applyEdits(model, fix.edits);
  } catch {
    return undefined;
  }
  if (next === model.text && !fix.createFiles?.length) return undefined;
  return kind.keepsStructure(model, next, fix) ? next : undefined;
}

/** The parts of the file a fix touches; without the kind's footprint every fix touches the whole file (one per pass). */
const footprintOf = <M extends LintedModel>(kind: FileKind<M>, model: M, fix: Fix): Iterable<number> => kind.footprint?.(model, fix) ?? [-1];

export interface FixAllResult {
  readonly text: string;
  /** Findings fixed, in the order they were fixed. */
  readonly applied: Array<{ rule: string; title: string; line: number }>;
  /** Files the applied fixes create (relative to the build context), first fix wins per path. */
  readonly createFiles: FileCreation[];
}

/**
 * Apply every preferred fix, re-analysing between passes so fixes compose (two rules that both add
 * the pip cache mount add it once). Fixes with disjoint footprints share a pass. Stops when nothing
 * is left to fix, at a text seen before (fixes that undo each other), or after `maxPasses`.
 */
export function fixAll<M extends LintedModel>(kind: FileKind<M>, text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, workspace: WorkspaceFacts = {}, maxPasses = 50): FixAllResult {
  const applied: FixAllResult['applied'] = [];
  const created = new Map<string, FileCreation>();
  let current = text;
  const failed = new Set<string>();
  // fixes that undo each other would cycle, a fix that re-creates its own finding would grow the file:
  // stop at a text seen before, or when the file has grown far beyond anything a fix adds
  const seen = new Set<string>([text]);
  const growthLimit = text.length * 2 + 16_384;
  for (let pass = 0; pass < maxPasses; pass++) {
    const { model, findings } = lint(kind, current, settings, workspace);
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
      const foot = [...footprintOf(kind, model, fix)];
      if (foot.some(i => taken.has(i))) continue;
      foot.forEach(i => taken.add(i));
      chosen.push({ f, fix, key });
    }
    if (chosen.length === 0) break;
    // verify the pass as a whole (one parse); only when that fails, find the fixes at fault one by one
    let next = chosen.length > 1 ? verifyFix(kind, model, { title: 'pass', preferred: true, edits: chosen.flatMap(c => c.fix.edits) }) : undefined;
    if (next === undefined) {
      const good = chosen.filter(c => {
        if (verifyFix(kind, model, c.fix) !== undefined) return true;
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
