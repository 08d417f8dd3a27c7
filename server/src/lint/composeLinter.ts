/**
 * The Compose counterpart of linter.ts: lint a Compose file with the compose rules, verify fixes by
 * re-parsing, and apply every preferred fix. Findings have the same shape as for Dockerfiles.
 */
import { parseDocument } from 'yaml';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { applyEdits, TOO_LARGE } from './linter';
import { COMPOSE_RULES } from '../rules/index';
import type { Finding, Fix } from '../rules/types';
import { DEFAULT_SETTINGS, type CacheAdvisorSettings } from '../../../common/settings';
import { parseCompose, type ComposeModel } from '../../../common/analysis/composeModel';

export interface ComposeLintResult {
  readonly model?: ComposeModel;
  readonly findings: Finding[];
}

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Lint a Compose file. Never throws; a YAML syntax error is one finding and the rules still see what parsed. */
export function lintCompose(text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, model?: ComposeModel): ComposeLintResult {
  if (text.length > settings.maxFileSize) {
    return { findings: [{ rule: TOO_LARGE, severity: 'information', range: TOP, message: `File too large to analyse (${text.length} characters; the limit is cacheAdvisor.maxFileSize = ${settings.maxFileSize}).` }] };
  }
  model ??= parseCompose(text);
  const findings: Finding[] = [];
  for (const rule of COMPOSE_RULES) {
    const configured = settings.rules[rule.meta.id];
    if (configured === 'off' || model.ignoredGlobally.has(rule.meta.id)) continue;
    let found;
    try {
      found = rule.check({ model, settings });
    } catch (e) {
      findings.push({ rule: rule.meta.id, severity: 'information', range: TOP, message: `Rule ${rule.meta.id} failed on this file and was skipped: ${(e as Error)?.message ?? e}` });
      continue;
    }
    for (const f of found) {
      if (model.ignoredAt.get(f.range.start.line)?.has(rule.meta.id)) continue;
      findings.push({ ...f, rule: rule.meta.id, severity: configured ?? f.severity ?? rule.meta.defaultSeverity });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { model, findings };
}

/** Apply a fix and check the result: it must still parse as YAML without errors, with the same services. */
export function verifyComposeFix(model: ComposeModel, fix: Fix): string | undefined {
  let next: string;
  try {
    next = applyEdits(model, fix.edits);
  } catch {
    return undefined;
  }
  if (next === model.text) return undefined;
  const doc = parseDocument(next);
  if (doc.errors.length > 0) return undefined;
  const after = parseCompose(next);
  const names = (m: ComposeModel) => m.services.map(s => s.name).join('\n');
  if (names(after) !== names(model)) return undefined;
  return next;
}

export interface ComposeFixAllResult {
  readonly text: string;
  readonly applied: Array<{ rule: string; title: string; line: number }>;
}

/** Apply every preferred fix, one pass per round so edits never collide, until nothing is left. */
export function fixAllCompose(text: string, settings: CacheAdvisorSettings = DEFAULT_SETTINGS, maxPasses = 50): ComposeFixAllResult {
  const applied: ComposeFixAllResult['applied'] = [];
  let current = text;
  const failed = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass++) {
    const { model, findings } = lintCompose(current, settings);
    if (!model) break;
    let done = false;
    for (const f of findings) {
      const fix = f.fixes?.find(x => x.preferred);
      const key = `${f.rule}:${fix?.title}`;
      if (!fix || failed.has(key)) continue;
      const next = verifyComposeFix(model, fix);
      if (next === undefined) { failed.add(key); continue; }
      applied.push({ rule: f.rule, title: fix.title, line: f.range.start.line + 1 });
      current = next;
      done = true;
      break;
    }
    if (!done) break;
  }
  return { text: current, applied };
}

/** An edit inserting a `# cache-advisor ignore=<id>` comment above a finding's line, indented like it. */
export function composeIgnoreEdit(model: ComposeModel, line: number, id: string): TextEdit {
  const text = model.document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# cache-advisor ignore=${id}${model.eol}` };
}
