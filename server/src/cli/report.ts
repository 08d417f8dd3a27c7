/** Output formats of `dockerfile-cache-advisor lint`: compiler-style text, JSON and SARIF 2.1.0. */
import { CI_RULES, COMPOSE_RULES, RULES } from '../rules';
import type { Finding } from '../rules/types';

export interface FileReport {
  readonly file: string;
  readonly findings: readonly Finding[];
}

export function formatText(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      lines.push(`${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule} ${f.message}`);
    }
  }
  return lines.join('\n');
}

export function formatJson(reports: readonly FileReport[]): string {
  return JSON.stringify(
    reports.map(r => ({
      file: r.file,
      findings: r.findings.map(f => ({
        rule: f.rule,
        severity: f.severity,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        message: f.message,
        fixable: !!f.fixes?.some(x => x.preferred),
      })),
    })),
    null,
    2,
  );
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

export function formatSarif(reports: readonly FileReport[], version: string): string {
  const rules = [...RULES, ...COMPOSE_RULES, ...CI_RULES].map(r => ({
    id: r.meta.id,
    name: r.meta.id,
    shortDescription: { text: r.meta.description },
    helpUri: r.meta.docs,
    help: { text: `${r.meta.description} See ${r.meta.docs}` },
    defaultConfiguration: { level: SARIF_LEVEL[r.meta.defaultSeverity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = reports.flatMap(r =>
    r.findings.map(f => ({
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: r.file.split('\\').join('/') },
          region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
        },
      }],
      ...(f.related?.length ? {
        relatedLocations: f.related.map((rel, id) => ({
          id,
          message: { text: rel.message },
          physicalLocation: { artifactLocation: { uri: r.file.split('\\').join('/') }, region: { startLine: rel.range.start.line + 1, startColumn: rel.range.start.character + 1 } },
        })),
      } : {}),
    })),
  );
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'dockerfile-cache-advisor', version, informationUri: 'https://github.com/cache-advisor/dockerfile-cache-advisor', rules } },
      results,
    }],
  }, null, 2);
}
