/**
 * The per-rule settings package.json contributes (`cacheAdvisor.rules.<id>`), made from the rule
 * modules themselves so the id, default severity, description and docs link live in one place.
 * `npm run gen:rules` writes them into package.json; a spec fails when package.json, docs/rules.md or
 * the README's rule table disagree with the modules.
 */
import { CI_RULES, COMPOSE_RULES, RULES } from './index';
import type { RuleMeta } from './types';

export const SEVERITY_CHOICES = ['default', 'off', 'hint', 'information', 'warning', 'error'] as const;
const CHOICE_DESCRIPTIONS = ["The rule's own default severity", 'Do not report', 'Hint (no squiggle)', 'Information', 'Warning', 'Error'];

/** Every rule's metadata, Dockerfile rules first, in the order the engine runs them. */
export function allRuleMeta(): RuleMeta[] {
  return [...RULES.map(r => r.meta), ...COMPOSE_RULES.map(r => r.meta), ...CI_RULES.map(r => r.meta)];
}

/** The `contributes.configuration.properties` entry of one rule. */
export function ruleSettingEntry(meta: RuleMeta): Record<string, unknown> {
  return {
    type: 'string',
    enum: [...SEVERITY_CHOICES],
    enumDescriptions: CHOICE_DESCRIPTIONS,
    default: 'default',
    scope: 'resource',
    markdownDescription: `Severity of [\`${meta.id}\`](${meta.docs}) (default: ${meta.defaultSeverity}): ${meta.description}`,
  };
}

/** All rule entries keyed by setting name, in rule order. */
export function ruleSettingEntries(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(allRuleMeta().map(m => [`cacheAdvisor.rules.${m.id}`, ruleSettingEntry(m)]));
}
