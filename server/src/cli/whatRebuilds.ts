/** `dockerfile-cache-advisor what-rebuilds <file>` (formerly `why-rebuild`, still accepted): which build steps re-run when a file changes. */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { answerFor, contextDirOf, findDockerfiles, type DockerfileAnswer } from '../buildContext/locate';
import { UnknownTargetError } from '../../../common/analysis/invalidation';
import { parseBuildArgs } from '../../../common/analysis/sources';
import { isBuildArgSpec } from '../../../common/docker/buildArgs';
import { contextRelative, summarise, toJson } from '../buildContext/whatRebuilds';
import type { RebuildJson } from '../../../common/protocol';
import { UsageError, type CliIO } from './io';

/** Folder entries the Dockerfile search looks at before it gives up. */
export const SEARCH_LIMIT = 50_000;

export const WHAT_REBUILDS_USAGE = `Usage: dockerfile-cache-advisor what-rebuilds <file> [options]

Which build steps re-run when <file> changes, for every Dockerfile whose build context holds it
(.dockerignore and <Dockerfile>.dockerignore applied, multi-stage builds followed).

Options:
  --dockerfile <path>      ask about this Dockerfile (repeatable); default: every Dockerfile under
                           the current folder whose build context contains the file
  --context <dir>          the build context, a path relative to the current folder as in
                           \`build --context\` and \`docker build <dir>\` (default: each Dockerfile's
                           folder); --build-context is the same option under its older name
  --target <stage>         the stage you build (default: the last stage, as docker build does)
  --build-arg <NAME=value> a build argument of the build (repeatable): decides sources such as
                           COPY \${SRC}/ ./; NAME alone takes the value of the environment variable
  --format text|json       output format (default: text)

JSON: {"file", "complete", "dockerfiles": [{"dockerfile", "inContext", "firstInvalidatedLine", "rerunLines",
"conditionalLines": [{"line", "reason"}], "totalSteps"}]} with 1-based instruction lines; rerunLines is
every step that may re-run, conditionalLines the subset that re-runs only under the condition in
"reason" (the others re-run for certain); "complete" is false when the search for Dockerfiles stopped at its
bound of ${SEARCH_LIMIT.toLocaleString('en-US')} folder entries (name the Dockerfile with --dockerfile instead).
Exit status: 0 answered, 1 answered but the Dockerfile search stopped early, 2 usage error or
unreadable Dockerfile.
`;

/** A path for output: relative to the working folder when inside it, posix separators. */
function shown(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
}

function firstLine(a: DockerfileAnswer, line: number): string {
  const text = a.answer.graph.model.text.split(/\r?\n/)[line - 1] ?? '';
  const t = text.trim();
  return t.length > 72 ? t.slice(0, 71) + '…' : t;
}

export function runWhatRebuilds(argv: string[], io: CliIO, cwd = process.cwd(), searchLimit = SEARCH_LIMIT): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dockerfile: { type: 'string', multiple: true, default: [] },
      context: { type: 'string' },
      'build-context': { type: 'string' },
      target: { type: 'string' },
      'build-arg': { type: 'string', multiple: true, default: [] },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { io.out(WHAT_REBUILDS_USAGE); return 0; }
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${format}' (expected text or json)`);
  if (positionals.length === 0) throw new UsageError('what-rebuilds needs the file you mean to change');
  if (positionals.length > 1) throw new UsageError(`what-rebuilds takes one file, got ${positionals.length}: ${positionals.join(' ')}`);
  const file = path.resolve(cwd, positionals[0]);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    // a file about to be created is a fair question: answer by its path
  }
  if (st?.isDirectory()) throw new UsageError(`${positionals[0]} is a directory; name a file inside it`);

  if (values.context !== undefined && values['build-context'] !== undefined) throw new UsageError('give the build context once: --context (or its older name --build-context)');
  const contextOpt = values.context ?? values['build-context'];
  const buildContext = contextOpt !== undefined ? path.resolve(cwd, contextOpt) : undefined;
  if (buildContext !== undefined && !fs.statSync(buildContext, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--context ${contextOpt}: no such folder`);
  for (const a of values['build-arg'] as string[]) {
    if (!isBuildArgSpec(a)) throw new UsageError(`--build-arg '${a}' must be NAME=value`);
  }
  const buildArgs = parseBuildArgs(values['build-arg'] as string[], process.env);
  const given = (values.dockerfile as string[]).map(d => path.resolve(cwd, d));
  let status = 0;
  for (const d of given) {
    if (!fs.existsSync(d)) throw new UsageError(`--dockerfile ${d}: no such file`);
  }
  const search = given.length ? { files: given, complete: true } : findDockerfiles([cwd], searchLimit);
  const candidates = given.length ? given : search.files.filter(d => contextRelative(buildContext ?? contextDirOf(d), file) !== undefined);
  // a partial search can miss the very Dockerfile that copies the file: never a confident "no"
  const incomplete = `the search for Dockerfiles stopped after ${searchLimit.toLocaleString('en-US')} folder entries, so Dockerfiles may be missing from this answer; name them with --dockerfile`;
  if (!search.complete) {
    io.err(`dockerfile-cache-advisor: ${incomplete}`);
    if (status === 0) status = 1;
  }

  const answers: DockerfileAnswer[] = [];
  for (const dockerfile of candidates) {
    try {
      answers.push(answerFor({ dockerfile, file, buildContext, target: values.target, buildArgs }));
    } catch (e) {
      const why = e instanceof UnknownTargetError ? e.message : (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      io.err(`dockerfile-cache-advisor: ${shown(dockerfile, cwd)}: ${why}`);
      status = 2;
    }
  }

  const fileLabel = shown(file, cwd);
  if (format === 'json') {
    const out: { file: string; complete: boolean; dockerfiles: RebuildJson[] } = { file: fileLabel, complete: search.complete, dockerfiles: answers.map(a => toJson(shown(a.dockerfile, cwd), a.answer)) };
    io.out(JSON.stringify(out, null, 2));
    return status;
  }

  if (!answers.some(a => a.answer.inContext || a.answer.rerun.length > 0 || a.answer.reason === 'build-definition')) {
    for (const a of answers) io.out(`${shown(a.dockerfile, cwd)}: ${summarise(fileLabel, a.answer, a.ignore.describe(cwd))}`);
    if (!search.complete) io.out(`${fileLabel}: not in the build context of any Dockerfile found, but the search was incomplete (${incomplete})`);
    else io.out(`${fileLabel}: not in any build context${answers.length === 0 && !given.length ? ' (no Dockerfile under this folder has it in its context)' : ''}`);
    return status;
  }
  for (const a of answers) {
    const name = shown(a.dockerfile, cwd);
    io.out(`${name}: ${summarise(fileLabel, a.answer, a.ignore.describe(cwd))}`);
    const multiStage = a.answer.graph.model.stages.length > 1;
    const firstReads = new Map(a.answer.readers.map(r => [r.step, r.reads]));
    for (const step of a.answer.rerun) {
      const stage = a.answer.graph.model.stages[step.stage];
      const reads = firstReads.get(step);
      const why = reads
        ? `  ← ${reads[0].via === 'bind mount' ? 'mounts' : 'copies'} ${a.answer.reason === 'new-folder' ? `its new folder ${a.answer.newFolders?.[0]}/` : 'it'} (${reads.map(r => r.display).join(', ')})`
        : a.answer.conditional.has(step) ? `  (${a.answer.conditional.get(step)})` : '';
      io.out(`  ${String(step.line).padStart(4)}  ${firstLine(a, step.line)}${multiStage ? `  [stage ${stage.name ?? stage.index}]` : ''}${why}`);
    }
  }
  if (!search.complete) io.out(`(incomplete: ${incomplete})`);
  return status;
}
