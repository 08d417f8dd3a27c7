/**
 * Which build arguments the workspace passes a value that changes on every build: a Compose file's
 * `build.args`, a CI workflow's `--build-arg NAME=$(git rev-parse HEAD)` or `build-args: NAME=${{ github.sha }}`.
 * arg-busts-cache uses it to know a per-build ARG by its use, not only by its name.
 */
import * as path from 'path';
import { KeptByFile } from './keptByFile';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { isComposeFileName } from '../../../common/analysis/fileNames';
import { namesIn, readWorkspaceText } from '../../../common/boundedRead';
import type { PerBuildArgUse } from '../rules/types';

const MAX_BYTES = 256 * 1024;
const MAX_FILES = 40;
/**
 * YAML parsed per call, in files not parsed before: the yaml package reads about 1.5 MB a second, and the
 * language server asks again every few seconds on its main thread (40 workflow files of 57 KB took 1.6 s
 * each time). Files past it are parsed by a later call; each file is parsed again only when it changes.
 */
const MAX_PARSED_BYTES = 256 * 1024;

/**
 * The one place this module reads a file: a regular file of at most MAX_BYTES, else undefined
 * (the shared bounded reader: no FIFOs or devices, size-capped).
 */
function readSmallFile(file: string): string | undefined {
  try {
    return readWorkspaceText(file, { maxBytes: MAX_BYTES });
  } catch {
    return undefined;
  }
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Values that differ on every build: command substitutions of git and date, CI variables that name
 * the commit, the run, the job or its token, and GitHub expressions for them.
 */
const PER_BUILD_VALUE = new RegExp([
  String.raw`(\$\(|` + '`' + String.raw`)\s*(git\s+(rev-parse|describe|log|show|rev-list)|date)\b`,
  String.raw`\$\{\{\s*(github\.(sha|run_id|run_number|run_attempt|ref|ref_name|head_ref|token|event\.)|secrets\.GITHUB_TOKEN|steps\.[\w-]+\.outputs\.[\w-]*(sha|commit|date|time|timestamp|build))`,
  String.raw`\$\{?(GITHUB_(SHA|RUN_[A-Z_]+|REF|REF_NAME|HEAD_REF|TOKEN)|CI_(COMMIT_[A-Z_]+|PIPELINE_[A-Z_]+|JOB_[A-Z_]+)|ACTIONS_[A-Z_]+|BUILD_(NUMBER|ID|TAG)|DRONE_[A-Z_]+|BUILDKITE_[A-Z_]+|CIRCLE_(SHA1|BUILD_NUM|WORKFLOW_ID)|TRAVIS_(COMMIT|BUILD_[A-Z_]+|JOB_[A-Z_]+)|BITBUCKET_(COMMIT|BUILD_NUMBER)|CODEBUILD_[A-Z_]+|SOURCE_COMMIT)\b`,
].join('|'));

/** True when a build-arg value changes on every build. */
export const isPerBuildValue = (value: string) => PER_BUILD_VALUE.test(value);

/** Read one shell word from `s` at `i`: quotes, `$( … )` and `${{ … }}` may hold spaces. */
function shellWord(s: string, i: number): string {
  let out = '';
  let quote = '';
  let depth = 0;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) { quote = ''; continue; }
      out += ch;
      continue;
    }
    if (ch === '"' || ch === "'") { quote = ch; continue; }
    if (ch === '$' && s.startsWith('{{', i + 1)) {
      // a GitHub expression (`${{ github.sha }}`) is one piece, spaces and all
      const close = s.indexOf('}}', i + 3);
      const end = close < 0 ? s.length : close + 2;
      out += s.slice(i, end);
      i = end - 1;
      continue;
    }
    if (ch === '$' && s[i + 1] === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (/\s/.test(ch) && depth === 0) break;
    out += ch;
  }
  return out;
}

/** `NAME=value` pairs handed to builds in a script line: `--build-arg NAME=…`, `--build-arg NAME` (from the environment), `--set t.args.NAME=…`. */
function buildArgsInScript(s: string): Array<{ name: string; value: string; at: number }> {
  const out: Array<{ name: string; value: string; at: number }> = [];
  for (const m of s.matchAll(/--build-arg(?:=|\s+)/g)) {
    const word = shellWord(s, m.index! + m[0].length);
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    // `--build-arg GITHUB_SHA` passes the variable of the same name from the environment
    out.push({ name, value: eq < 0 ? `$${name}` : word.slice(eq + 1), at: m.index! });
  }
  for (const m of s.matchAll(/\.args\.([A-Za-z_][A-Za-z0-9_]*)=/g)) out.push({ name: m[1], value: shellWord(s, m.index! + m[0].length), at: m.index! });
  return out;
}

/** `NAME=value` lines (build-push-action's `build-args`), or one such item. */
function assignments(s: string): Array<{ name: string; value: string; at: number }> {
  const out: Array<{ name: string; value: string; at: number }> = [];
  let at = 0;
  for (const line of s.split('\n')) {
    const m = /^\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.push({ name: m[1], value: m[2].trim(), at });
    at += line.length + 1;
  }
  return out;
}

const ARG_KEYS = new Set(['args', 'build-args', 'build_args', 'buildArgs', 'build-arg']);

/** Per-build arguments in one YAML file (Compose, GitHub Actions, GitLab CI). */
function scanYaml(text: string, file: string, out: Map<string, PerBuildArgUse[]>): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const record = (name: string, value: string, offset: number) => {
    if (!isPerBuildValue(value)) return;
    const list = out.get(name) ?? [];
    list.push({ file, line: lineAt(offset), value });
    out.set(name, list);
  };
  const fromString = (node: Node, s: string, split: (s: string) => Array<{ name: string; value: string; at: number }>) => {
    for (const a of split(s)) {
      // offsets in a block scalar's value are not source offsets: find the text in the source instead
      const found = text.indexOf(a.name, node.range?.[0] ?? 0);
      record(a.name, a.value, found >= 0 ? found : node.range?.[0] ?? 0);
    }
  };
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || !ARG_KEYS.has(key)) return;
      const v = pair.value;
      if (isMap(v)) {
        for (const p of v.items) {
          if (isScalar(p.key) && isScalar(p.value) && p.value.value !== null) record(String(p.key.value), String(p.value.value), p.key.range?.[0] ?? 0);
        }
      } else if (isSeq(v)) {
        for (const item of v.items) if (isScalar(item) && typeof item.value === 'string') fromString(item, item.value, assignments);
      } else if (isScalar(v) && typeof v.value === 'string') fromString(v, v.value, assignments);
    },
    Scalar(_, node) {
      if (typeof node.value === 'string' && node.value.includes('-')) fromString(node, node.value, buildArgsInScript);
    },
  });
}

/**
 * Build arguments given per-build values by the Compose files and CI workflows of the workspace
 * (`root`, and the extra folders given, such as the build context), by name, with where they are passed.
 */
export function perBuildArgs(root: string, extraDirs: readonly string[] = []): Record<string, PerBuildArgUse[]> {
  const files: string[] = [];
  for (const dir of new Set([root, ...extraDirs].map(d => path.resolve(d)))) {
    for (const name of namesIn(dir, n => isComposeFileName(n) || n === '.gitlab-ci.yml')) files.push(path.join(dir, name));
  }
  const workflows = path.join(root, '.github', 'workflows');
  for (const name of namesIn(workflows, n => YAML_FILE.test(n))) files.push(path.join(workflows, name));
  const out = new Map<string, PerBuildArgUse[]>();
  let parsed = 0;
  for (const file of files.slice(0, MAX_FILES)) {
    // by root too: the uses name the file relative to it
    const uses = scanned.get(file, () => {
      if (parsed >= MAX_PARSED_BYTES) return undefined;
      const text = readSmallFile(file);
      if (text === undefined) return undefined;
      parsed += text.length;
      const found = new Map<string, PerBuildArgUse[]>();
      try {
        scanYaml(text, path.relative(root, file).split(path.sep).join('/'), found);
      } catch {
        // a YAML file this parser cannot read tells us nothing
      }
      return [...found];
    }, `${root}\0${file}`);
    for (const [name, list] of uses ?? []) out.set(name, [...(out.get(name) ?? []), ...list]);
  }
  return Object.fromEntries(out);
}

/** What each file said, by root and path, while its size and mtime stay the same. */
const scanned = new KeptByFile<Array<[string, PerBuildArgUse[]]>>(400);
