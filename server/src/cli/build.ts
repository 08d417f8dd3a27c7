/** `dockerfile-cache-advisor build`: build with BuildKit and print what each step did. */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { BuildArgsError, defaultTag, validateTag } from '../../../common/docker/buildArgs';
import { detectEngine, EngineError, type EngineChoice } from '../../../common/docker/buildEngine';
import { composeCacheIn, mergeEntries } from '../../../common/docker/composeCache';
import { readWorkspaceText } from '../../../common/boundedRead';
import { runBuild as runEngineBuild } from '../../../common/docker/runBuild';
import { cliSnapshotDir } from '../../../common/docker/snapshotStore';
import { formatTable, timelineJson } from '../../../common/docker/timeline';
import { UsageError, type CliIO } from './io';

export const BUILD_USAGE = `Usage: dockerfile-cache-advisor build [options] [Dockerfile] [-- extra docker args]

Builds the image with BuildKit (docker buildx build, or DOCKER_BUILDKIT=1 docker build) and prints,
per Dockerfile step, whether it was cached and how long it ran, then "12/15 steps cached · 41.3 s".
For every step that ran it says why, compared with the earlier builds of this Dockerfile and target
("ran 4.1s — src/app.py and 3 more changed"); a snapshot of each build (instruction text, build args,
base image ID, hashes of the context files each step copies) is kept under
$XDG_CACHE_HOME/dockerfile-cache-advisor/build-snapshots (default ~/.cache/…), the last 10 per Dockerfile.
The engine's own output goes to stderr as it happens.

Options:
  --tag, -t <name[:tag]>     image tag (default: <context folder name>:latest)
  --context <dir>            build context (default: the Dockerfile's folder)
  --file, -f <Dockerfile>    the Dockerfile (default: <context>/Dockerfile, else ./Dockerfile)
  --target <stage>           build this stage
  --build-arg <NAME=value>   build argument (repeatable)
  --cache-from <source>      cache source, e.g. type=registry,ref=ghcr.io/org/app:cache (repeatable)
  --cache-to <dest>          cache export (buildx), e.g. type=local,dest=.buildcache,mode=max (repeatable);
                             without buildx only type=inline (= --build-arg BUILDKIT_INLINE_CACHE=1) is
                             done, any other is left out with a note and the build still runs
  --compose <file>           also the build.cache_from / cache_to of the services in this Compose file
                             that build the Dockerfile (as \`docker compose build\` would use them)
  --docker-path <path>       the docker (or podman) executable (default: the first docker on PATH with BuildKit)
  --engine docker|podman     default: docker
  --format text|json         default: text; json prints {"steps":[{"line","instruction","cached","seconds","error"}],
                             "cachedSteps","totalSteps","seconds"}; a step's "error" is false or the engine's
                             message; a step the failure cut short has "cancelled": true; a step BuildKit
                             ran once for two identical stages appears on each line, the other one with
                             "sharedWith": <line it ran for>; a failed build has "error" (the engine's
                             message) first, and no steps when it failed before any step; a step that
                             ran has "reason": {"kind", "files"?, "more"?, "arg"?, "old"?, "new"?, "line"?}
                             with kind files | build-arg | instruction | base-image | parent | no-cache |
                             first-build | unknown ("more": changed files beyond the 20 listed)
  --no-history               do not record this build or explain why steps ran
  --quiet, -q                do not echo the engine's output
  -- <args>                  passed to the engine before the context, e.g. -- --network=none --no-cache

DOCKER_HOST and docker contexts apply as they do for docker itself.
Exit status: 0 built, 1 a step failed, 2 usage error, no usable engine, or the daemon is not reachable.
`;

/** Write complete lines only: CliIO adds a newline to every call. */
function lineWriter(write: (t: string) => void): { push(s: string): void; end(): void } {
  let buf = '';
  return {
    push(s) {
      buf += s;
      const i = buf.lastIndexOf('\n');
      if (i >= 0) { write(buf.slice(0, i + 1)); buf = buf.slice(i + 1); }
    },
    end() { if (buf) write(buf); buf = ''; },
  };
}

export async function runBuild(argv: string[], io: CliIO): Promise<number> {
  try {
    return await build(argv, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`dockerfile-cache-advisor build: ${(e as Error).message}\nRun 'dockerfile-cache-advisor build --help' for the options.`);
      return 2;
    }
    throw e;
  }
}

async function build(argv: string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const extraArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      tag: { type: 'string', short: 't' },
      context: { type: 'string' },
      file: { type: 'string', short: 'f' },
      target: { type: 'string' },
      'build-arg': { type: 'string', multiple: true, default: [] },
      'cache-from': { type: 'string', multiple: true, default: [] },
      'cache-to': { type: 'string', multiple: true, default: [] },
      compose: { type: 'string' },
      'docker-path': { type: 'string' },
      engine: { type: 'string', default: 'docker' },
      format: { type: 'string', default: 'text' },
      quiet: { type: 'boolean', short: 'q', default: false },
      'no-history': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { io.out(BUILD_USAGE); return 0; }
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${format}' (expected text or json)`);
  const engine = values.engine as EngineChoice;
  if (engine !== 'docker' && engine !== 'podman') throw new UsageError(`unknown --engine '${values.engine}' (expected docker or podman)`);
  if (positionals.length > 1) throw new UsageError(`one Dockerfile at a time (got ${positionals.join(', ')}); pass engine arguments after --`);
  if (positionals.length === 1 && values.file) throw new UsageError('give the Dockerfile either as an argument or with --file, not both');

  let dockerfile = positionals[0] ?? values.file;
  if (!dockerfile) {
    const inContext = values.context ? path.join(values.context, 'Dockerfile') : undefined;
    dockerfile = inContext && fs.existsSync(inContext) ? inContext : 'Dockerfile';
  }
  dockerfile = path.resolve(dockerfile);
  if (!fs.existsSync(dockerfile)) throw new UsageError(`no Dockerfile at ${dockerfile} (give its path, or --context <dir> holding one)`);
  if (fs.statSync(dockerfile).isDirectory()) {
    const inside = path.join(dockerfile, 'Dockerfile');
    if (!fs.existsSync(inside)) throw new UsageError(`${dockerfile} is a folder without a Dockerfile`);
    dockerfile = inside;
  }
  const context = path.resolve(values.context ?? path.dirname(dockerfile));
  const tag = values.tag ?? defaultTag(context);
  const bad = validateTag(tag);
  if (bad) throw new UsageError(`--tag: ${bad}`);

  let cacheFrom = values['cache-from'] as string[];
  let cacheTo = values['cache-to'] as string[];
  if (values.compose) {
    const file = path.resolve(values.compose);
    let text: string;
    try { text = readWorkspaceText(file); } catch (e) { throw new UsageError(`--compose: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    const services = composeCacheIn(file, text, dockerfile);
    if (!services.length) throw new UsageError(`--compose: no service in ${file} builds ${dockerfile}`);
    for (const c of services) {
      cacheFrom = mergeEntries(cacheFrom, c.cacheFrom);
      cacheTo = mergeEntries(cacheTo, c.cacheTo);
      const said = [...(c.cacheFrom.length ? [`cache_from ${c.cacheFrom.join(', ')}`] : []), ...(c.cacheTo.length ? [`cache_to ${c.cacheTo.join(', ')}`] : [])];
      io.err(`dockerfile-cache-advisor: Compose service ${c.service}: ${said.length ? said.join('; ') : 'no cache_from or cache_to'}`);
      for (const k of c.skipped) io.err(`dockerfile-cache-advisor: Compose service ${c.service}: left out ${k}`);
    }
  }

  const echo = values.quiet ? undefined : lineWriter(t => io.err(t));
  try {
    const detected = await detectEngine({ dockerPath: values['docker-path'], engine });
    if (detected.note) io.err(`dockerfile-cache-advisor: ${detected.note}`);
    const outcome = await runEngineBuild({
      engine: detected,
      request: {
        dockerfile, context, tag, target: values.target,
        buildArgs: values['build-arg'] as string[],
        cacheFrom,
        cacheTo,
        extraArgs,
      },
      onOutput: echo ? s => echo.push(s) : undefined,
      ...(values['no-history'] ? {} : { history: { dir: cliSnapshotDir() } }),
    });
    echo?.end();
    const t = outcome.timeline;
    // echoed with the engine's output otherwise; the JSON has no place for them
    if (values.quiet) for (const n of t.notes ?? []) io.err(`dockerfile-cache-advisor: note: ${n}`);
    if (t.historyNote) io.err(`dockerfile-cache-advisor: ${t.historyNote}`);
    if (format === 'json') io.out(JSON.stringify(timelineJson(t)));
    else io.out(formatTable(t));
    return t.success ? 0 : 1;
  } catch (e) {
    echo?.end();
    if (e instanceof EngineError || e instanceof BuildArgsError) {
      io.err(`dockerfile-cache-advisor: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
