/** Helpers for rule specs: lint a snippet, apply a rule's fix, check the fix invariants. */
import * as assert from 'assert';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze } from '../../common/analysis/analyze';
import { applyEdits, fixAll, lint, verifyFix } from '../../server/src/lint/linter';
import { DOCKERFILE } from '../../server/src/lint/fileKinds';
import type { Finding, WorkspaceFacts } from '../../server/src/rules/types';
import { DEFAULT_SETTINGS, type CacheAdvisorSettings } from '../../common/settings';

/** Dockerfile text from a template literal: drops the first newline and the common indentation. */
export function df(strings: TemplateStringsArray, ...values: unknown[]): string {
  // raw strings: a Dockerfile line continuation (backslash-newline) must survive the template literal
  const raw = strings.raw.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter(l => l.trim()).map(l => /^ */.exec(l)![0].length));
  return lines.map(l => l.slice(indent)).join('\n');
}

export function findings(text: string, rule: string, workspace: WorkspaceFacts = {}, settings: CacheAdvisorSettings = DEFAULT_SETTINGS): Finding[] {
  return lint(DOCKERFILE, text, settings, workspace).findings.filter(f => f.rule === rule);
}

/** 1-based start lines of a rule's findings. */
export const lines = (text: string, rule: string, workspace: WorkspaceFacts = {}) => findings(text, rule, workspace).map(f => f.range.start.line + 1);

/** Apply the first (preferred) fix of the first finding of `rule`, checking it is safe. */
export function applyFirstFix(text: string, rule: string, workspace: WorkspaceFacts = {}): string {
  const model = analyze(text);
  const f = lint(DOCKERFILE, text, DEFAULT_SETTINGS, workspace, model).findings.find(x => x.rule === rule);
  assert.ok(f, `expected a ${rule} finding`);
  const fix = f.fixes?.[0];
  assert.ok(fix, `expected a fix for ${rule}: ${f.message}`);
  const verified = verifyFix(DOCKERFILE, model, fix);
  assert.ok(verified !== undefined, `fix "${fix.title}" failed verification`);
  const out = applyEdits(model, fix.edits);
  assert.strictEqual(out, verified);
  return out;
}

/** Fix-all, then check: it parses, fix-all again is a no-op, and the rule has nothing left to say. */
export function fixAllChecked(text: string, rule: string, workspace: WorkspaceFacts = {}): string {
  const out = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, workspace).text;
  assert.doesNotThrow(() => DockerfileParser.parse(out));
  assert.strictEqual(fixAll(DOCKERFILE, out, DEFAULT_SETTINGS, workspace).text, out, 'fix-all is not idempotent');
  assert.deepStrictEqual(lines(out, rule, workspace), [], `${rule} still reports after fix-all:\n${out}`);
  return out;
}

export const contextWith = (...files: string[]): WorkspaceFacts => ({ contextFiles: new Set(files), contextDirs: new Set() });
