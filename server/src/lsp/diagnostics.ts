import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Finding, Fix } from '../rules/types';
import { ruleById } from '../rules/index';
import type { Severity } from '../../../common/settings';

export const SOURCE = 'cache-advisor';

/** What travels in `Diagnostic.data`: the fixes, stamped with the document version they were made for. */
export interface DiagnosticData {
  readonly version: number;
  readonly fixes: readonly Fix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, uri: string, version: number): Diagnostic {
  const rule = ruleById(f.rule);
  const related: DiagnosticRelatedInformation[] | undefined = f.related?.length
    ? f.related.map(r => ({ location: { uri, range: r.range }, message: r.message }))
    : undefined;
  const data: DiagnosticData = { version, fixes: f.fixes ?? [] };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: rule ? { href: rule.meta.docs } : undefined,
    source: SOURCE,
    message: f.message,
    relatedInformation: related,
    data,
  };
}
