/** `dockerfile-cache-advisor lint`: the same engine as the editor, for CI. */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { fixAll, lint } from '../lint/linter';
import { ruleById } from '../rules';
import { DEFAULT_SETTINGS, parseSeverity, type CacheAdvisorSettings, type Severity } from '../../../common/settings';
import { contextDirFor, gatherWorkspaceFacts, ignoreFileFacts } from '../buildContext/workspaceFacts';
import { fixAllCompose, lintCompose } from '../lint/composeLinter';
import { isComposeFileName, isDockerfileName } from '../../../common/analysis/fileNames';
import { keepLineEndings, writeFileAtomic } from '../../../common/atomicWrite';
import { readWorkspaceText, resolveInside } from '../../../common/boundedRead';
import { expandPaths, type CliFile } from './files';
import { formatJson, formatSarif, formatText, type FileReport } from './report';
import { packageVersion } from './version';
import { UsageError, type CliIO } from './io';

export const LINT_USAGE = `Usage: dockerfile-cache-advisor [lint] [options] <files or dirs…>

Lints Dockerfiles and Compose files (docker-compose.yml, compose.yaml, *.compose.yaml; any .yml/.yaml given by name).

Options:
  --format text|json|sarif   output format (default: text)
  --fix                      apply every safe fix in place and print what changed
  --rule <id>=<severity>     override a rule: off|hint|information|warning|error (repeatable)
  --fail-on error|warning|information
                             exit 1 when a finding has at least this severity (default: warning)
  --context <dir>            the build context, a path relative to the current folder as in
                             \`build --context\` and \`docker build <dir>\` (default: each Dockerfile's
                             build context: its Compose service's, else the folder its copied paths
                             come from, else its own folder); --build-context is its older name
`;

const RANK: Record<Severity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

/**
 * Write a fix-all result back and report each fix on stderr; false when the file cannot be written.
 * The write is atomic (the old text survives a full disk), keeps the file's line endings, and goes
 * to the symlink's target only when that is inside the linted tree (expandPaths checked the same).
 */
function writeFixed(file: CliFile, before: string, result: { text: string; applied: ReadonlyArray<{ line: number; rule: string; title: string }> }, io: CliIO): string | undefined {
  const text = keepLineEndings(before, result.text);
  if (text === before) return text;
  try {
    writeFileAtomic(resolveInside(file.path, file.root), text);
  } catch (e) {
    io.err(`dockerfile-cache-advisor: cannot write ${file.path}: ${(e as Error).message}`);
    return undefined;
  }
  for (const a of result.applied) io.err(`fixed ${file.path}:${a.line}: ${a.rule}: ${a.title}`);
  return text;
}

export function runLint(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      fix: { type: 'boolean', default: false },
      rule: { type: 'string', multiple: true, default: [] },
      'fail-on': { type: 'string', default: 'warning' },
      context: { type: 'string' },
      'build-context': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { io.out(LINT_USAGE); return 0; }
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown --format '${format}' (expected text, json or sarif)`);
  const failOn = parseSeverity(values['fail-on']);
  if (!failOn || failOn === 'off' || failOn === 'hint') throw new UsageError(`unknown --fail-on '${values['fail-on']}' (expected error, warning or information)`);
  if (values.context !== undefined && values['build-context'] !== undefined) throw new UsageError('give the build context once: --context (or its older name --build-context)');
  const contextOpt = values.context ?? values['build-context'];
  // one convention across the CLI: an ordinary path from the current folder (an absolute setting value)
  const buildContext = contextOpt !== undefined ? path.resolve(contextOpt) : undefined;
  if (buildContext !== undefined && !fs.statSync(buildContext, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--context ${contextOpt}: no such folder`);
  const settings: CacheAdvisorSettings = { ...DEFAULT_SETTINGS, rules: {}, buildContext };
  for (const r of values.rule as string[]) {
    const m = /^([\w-]+)=(\w+)$/.exec(r);
    const sev = m ? parseSeverity(m[2]) : undefined;
    if (!m || !sev) throw new UsageError(`--rule expects <id>=<off|hint|information|warning|error>, got '${r}'`);
    if (!ruleById(m[1])) throw new UsageError(`unknown rule '${m[1]}'`);
    settings.rules[m[1]] = sev;
  }
  if (positionals.length === 0) throw new UsageError('no files or directories given');

  const { files: found, errors, skipped } = expandPaths(positionals, name => isDockerfileName(name) || isComposeFileName(name));
  let status = errors.length ? 2 : 0;
  for (const e of errors) io.err(`dockerfile-cache-advisor: ${e}`);
  for (const s of skipped) io.err(`dockerfile-cache-advisor: skipped ${s}`);
  const reports: FileReport[] = [];
  for (const entry of found) {
    const file = entry.path;
    let text: string;
    try {
      text = readWorkspaceText(file, { root: entry.root });
    } catch (e) {
      io.err(`dockerfile-cache-advisor: ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      status = 2;
      continue;
    }
    if (/\.ya?ml$/i.test(file) && !isDockerfileName(path.basename(file))) {
      // a Compose file: same report shape, compose rules
      if (values.fix) {
        const written = writeFixed(entry, text, fixAllCompose(text, settings), io);
        if (written !== undefined) text = written;
        else status = 2;
      }
      reports.push({ file, findings: lintCompose(text, settings).findings });
      continue;
    }
    const contextDir = contextDirFor(file, settings.buildContext);
    let workspace = { ...gatherWorkspaceFacts(contextDir), ...ignoreFileFacts(file, contextDir) };
    if (values.fix) {
      const result = fixAll(text, settings, workspace);
      const written = writeFixed(entry, text, result, io);
      if (written !== undefined) text = written;
      else status = 2;
      // files a fix creates (a .dockerignore); never overwrite one that appeared meanwhile
      for (const c of result.createFiles) {
        const target = path.join(contextDir, c.path);
        try {
          writeFileAtomic(target, c.content, { exclusive: true });
          io.err(`created ${target}`);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') { io.err(`dockerfile-cache-advisor: cannot create ${target}: ${(e as Error).message}`); status = 2; }
        }
      }
      if (result.createFiles.length) workspace = { ...workspace, ...ignoreFileFacts(file, contextDir) };
    }
    reports.push({ file, findings: lint(text, settings, workspace).findings });
  }
  if (format === 'json') io.out(formatJson(reports));
  else if (format === 'sarif') io.out(formatSarif(reports, packageVersion()));
  else {
    const text = formatText(reports);
    if (text) io.out(text);
  }
  const failing = reports.some(r => r.findings.some(f => RANK[f.severity] >= RANK[failOn]));
  if (status === 0 && failing) status = 1;
  return status;
}
