/** Helpers for CI workflow specs: lint a workflow snippet, apply a rule's fix, check the fix invariants. */
import * as assert from 'assert';
import { parseDocument } from 'yaml';
import { parseCiWorkflow } from '../../common/analysis/ciWorkflow';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { CI } from '../../server/src/lint/fileKinds';
import { fixAll, lint, verifyFix } from '../../server/src/lint/linter';
import type { Finding, WorkspaceFacts } from '../../server/src/rules/types';

/** YAML from a template literal: drops the first newline and the common indentation; raw, so `\` line continuations survive. */
export function yml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.raw.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter(l => l.trim()).map(l => /^ */.exec(l)![0].length));
  return lines.map(l => l.slice(indent)).join('\n');
}

export const ciFindings = (text: string, rule: string, workspace: WorkspaceFacts = {}): Finding[] =>
  lint(CI, text, DEFAULT_SETTINGS, workspace).findings.filter(f => f.rule === rule);

/** 1-based start lines of a rule's findings. */
export const ciLines = (text: string, rule: string, workspace: WorkspaceFacts = {}) => ciFindings(text, rule, workspace).map(f => f.range.start.line + 1);

/** Apply the first fix of the first finding of `rule`: it passes the kind's verification and the result is YAML without errors. */
export function applyCiFix(text: string, rule: string): string {
  const model = parseCiWorkflow(text);
  const f = ciFindings(text, rule)[0];
  assert.ok(f, `expected a ${rule} finding`);
  const fix = f.fixes?.[0];
  assert.ok(fix, `expected a fix: ${f.message}`);
  const verified = verifyFix(CI, model, fix);
  assert.ok(verified !== undefined, `fix "${fix.title}" failed verification`);
  assert.deepStrictEqual(parseDocument(verified).errors, []);
  return verified;
}

/** Fix-all: valid YAML, idempotent, and the rule has nothing left to say. */
export function ciFixAll(text: string, rule: string): string {
  const out = fixAll(CI, text).text;
  assert.deepStrictEqual(parseDocument(out).errors, []);
  assert.strictEqual(fixAll(CI, out).text, out, 'fix-all is not idempotent');
  assert.deepStrictEqual(ciLines(out, rule), [], `${rule} still reports:\n${out}`);
  return out;
}
