/**
 * Runs one build: detects the engine, spawns it with an argument vector (no shell), streams its
 * output to the caller while parsing the progress, and returns the per-step timeline.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readWorkspaceText } from '../boundedRead';
import { buildCommand, BuildArgsError, type BuildCommand, type BuildRequest } from './buildArgs';
import { daemonProblem, describeEngine, detectEngine, type BuildEngine, type DetectOptions } from './buildEngine';
import { mapToDockerfile, PlainProgressParser, PodmanProgressParser } from './progress';
import { makeTimeline, type BuildTimeline } from './timeline';
import { cacheImportsOf, markImported } from './cacheImport';
import { parseBuildArgs } from '../analysis/sources';
import { BuildRecorder, type HistoryOptions } from './buildRecorder';
import { EngineClient } from './engineApi';

export interface RunBuildOptions {
  readonly request: BuildRequest;
  /** The engine; detected from `detect` when absent. */
  readonly engine?: BuildEngine;
  readonly detect?: DetectOptions;
  /** Every chunk of the engine's output (stdout and stderr), as it arrives. */
  readonly onOutput?: (text: string) => void;
  /** Abort to stop the build (the engine gets SIGINT, then SIGKILL if it does not stop). */
  readonly signal?: AbortSignal;
  /** Environment of the build (default: process.env, passed through so DOCKER_HOST and contexts apply). */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder relative paths in the request resolve against. */
  readonly cwd?: string;
  /** Record a snapshot of the build there and give every step that ran its reason (see buildRecorder). */
  readonly history?: HistoryOptions;
}

export interface BuildOutcome {
  readonly timeline: BuildTimeline;
  readonly exitCode: number | null;
  readonly canceled: boolean;
  readonly engine: BuildEngine;
  readonly command: BuildCommand;
}

/** Check the request's paths before anything runs, with messages a person can act on. */
function checkPaths(dockerfile: string, context: string): string {
  let text: string;
  try {
    text = readWorkspaceText(dockerfile);
  } catch (e) {
    throw new BuildArgsError(`cannot read the Dockerfile ${dockerfile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(context);
  } catch {
    throw new BuildArgsError(`the build context ${context} does not exist`);
  }
  if (!st.isDirectory()) throw new BuildArgsError(`the build context ${context} is not a folder`);
  return text;
}

/**
 * Build and return the timeline. Throws EngineError when no engine can build or the daemon cannot be
 * reached, BuildArgsError for a request the engine cannot carry out; a build that fails in a step
 * returns normally with `timeline.success === false`.
 */
export async function runBuild(options: RunBuildOptions): Promise<BuildOutcome> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const dockerfile = path.resolve(cwd, options.request.dockerfile);
  const context = path.resolve(cwd, options.request.context);
  const text = checkPaths(dockerfile, context);
  const engine = options.engine ?? (await detectEngine({ env, ...options.detect }));
  const command = buildCommand(engine, { ...options.request, dockerfile, context }, cwd);
  if (options.signal?.aborted) throw new Error('cancelled');
  for (const n of command.notes ?? []) options.onOutput?.(`note: ${n}\n`);

  const plain = engine.kind === 'podman' ? undefined : new PlainProgressParser();
  const podman = engine.kind === 'podman' ? new PodmanProgressParser() : undefined;
  let transcript = '';
  const started = Date.now();
  const child = spawn(command.command, [...command.args], {
    cwd: context,
    env: { ...env, ...command.env },
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (d: Buffer) => {
    const s = d.toString('utf8');
    if (transcript.length < 1 << 20) transcript += s;
    plain?.push(s);
    podman?.push(s);
    options.onOutput?.(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // the context is read while the engine starts: the files are what it is about to send
  const recorder = options.history ? startRecorder(options, { dockerfile, context, text, env: { ...env, ...command.env } }) : undefined;

  let canceled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    canceled = true;
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', code => resolve(code));
  }).finally(() => {
    options.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  });
  const seconds = (Date.now() - started) / 1000;
  plain?.end();
  podman?.end(canceled ? 'canceled' : exitCode !== 0);

  const success = exitCode === 0 && !canceled;
  const buildArgs = parseBuildArgs(options.request.buildArgs ?? [], { ...env, ...command.env });
  const vertices = plain ? plain.steps : podman!.steps;
  // only when no step started: a step's own output may well mention refused connections
  if (!success && !canceled && vertices.length === 0) {
    const down = daemonProblem(transcript, engine, env);
    if (down) throw down;
  }
  const cacheImports = plain ? cacheImportsOf(plain.vertices) : [];
  const mapped = markImported(mapToDockerfile(vertices, text, { countsAllInstructions: engine.kind === 'podman', target: options.request.target }), cacheImports);
  const finishedAt = new Date().toISOString();
  const recorded = recorder ? await recorder.finish(mapped, finishedAt) : undefined;
  const steps = recorded?.steps ?? mapped;
  const trailer = (plain ?? podman)!.trailer;
  let error: string | undefined;
  if (canceled) error = 'cancelled';
  else if (!success) {
    const failed = steps.find(s => s.error);
    const said = trailer.filter(l => !/^(DEPRECATED|WARNING|See ')/i.test(l));
    error = failed?.errorMessage ?? said.filter(l => /error|invalid|failed|denied|not found|unknown/i.test(l)).pop() ?? said.pop() ??
      `${command.command} exited with code ${exitCode}`;
  }
  const timeline = makeTimeline({
    dockerfile,
    steps,
    seconds,
    success,
    ...(error ? { error } : {}),
    finishedAt,
    engine: describeEngine(engine),
    ...(options.request.tag ? { tag: options.request.tag } : {}),
    ...(options.request.target ? { target: options.request.target } : {}),
    ...(buildArgs.size ? { buildArgs: Object.fromEntries(buildArgs) } : {}),
    ...(cacheImports.length ? { cacheImports } : {}),
    ...(command.notes ? { notes: command.notes } : {}),
    context,
    ...(recorded?.note ? { historyNote: recorded.note } : {}),
  });
  return { timeline, exitCode, canceled, engine, command };
}

/** Start hashing the context for the snapshot; base image IDs come from the Engine API unless the caller says how. */
function startRecorder(options: RunBuildOptions, at: { dockerfile: string; context: string; text: string; env: NodeJS.ProcessEnv }): BuildRecorder {
  const history = options.history!;
  let imageId = history.imageId;
  if (!imageId) {
    let client: EngineClient | undefined;
    imageId = async ref => {
      client ??= EngineClient.fromEnvironment({ env: at.env, timeoutMs: 5000 });
      return (await client.imageInspect(ref)).Id;
    };
  }
  return new BuildRecorder({
    dockerfile: at.dockerfile, context: at.context, text: at.text,
    target: options.request.target,
    buildArgs: parseBuildArgs(options.request.buildArgs ?? [], at.env),
    extraArgs: options.request.extraArgs,
  }, { ...history, imageId });
}
