import type { Property } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { propertiesOf as nodeProperties } from '../../../common/analysis/analyze';
import { unwrapCommand } from '../../../common/analysis/shell';
import { lineNo, snippet } from './describe';
import { instructionText, lineSpan, rangeOf } from './edits';
import { docsFor, type Rule, type RuleFinding } from './types';

const id = 'arg-busts-cache';

/** Prefixes that make REF/REVISION/TAG/DATE names about this build's source, not about something pinned (`MODEL_REVISION`). */
const SOURCE = '(GIT|VCS|SCM|SOURCE|SRC|REPO|CI|BUILD|APP|IMAGE|DOCKER|COMMIT|CREATED?|CURRENT|NOW)';

/** Build-argument names whose value changes on every build: commit ids, refs, dates, build and job numbers, per-job CI values. */
const PER_BUILD_NAMES: readonly RegExp[] = [
  // a framework prefix may come first: VITE_GIT_COMMIT_TIME, NEXT_PUBLIC_BUILD_ID, REACT_APP_GIT_SHA
  /^(\w+_)?COMMIT(_\w+)?$/, // GIT_COMMIT, COMMIT_SHA, CI_COMMIT_SHORT_SHA, QW_COMMIT_TAGS — a pinned upstream commit has a concrete default
  /^(\w+_)?(SHA|HASH)$/, // GIT_SHA, SHORT_SHA, SOURCE_HASH — not NODE_SHA256, a pinned checksum
  new RegExp(`^((\\w+_)?${SOURCE}_)?(REF|REF_NAME|REVISION|REV|TAG)$`), // VCS_REF, GIT_REVISION, IMAGE_TAG — not MODEL_REVISION
  new RegExp(`^((\\w+_)?${SOURCE}_)?(DATE|TIME|TIMESTAMP|DATETIME)$`), /^(\w+_)?BUILD(DATE|TIME)$/, // BUILD_DATE — not SNAPSHOT_DATE
  /^(\w+_)?BUILD_?(NUMBER|NUM|ID)$/,
  /^(\w+_)?(JOB|RUN|PIPELINE|WORKFLOW)_(ID|IID|NUMBER|NUM|ATTEMPT|URL)$/, /^(\w+_)?PIPELINE$/,
  /^(\w+_)?(BUILD_)?METADATA$/,
  /^CACHE_?BUST(ER)?$/, /^(BUILD_)?VERSION$/,
  // per-job CI variables and tokens
  /^\w+_JOB_\w+$/, /^(ACTIONS|DRONE|BUILDKITE|CODEBUILD)_\w+$/, /^GITHUB_(SHA|RUN_\w+|REF\w*|TOKEN)$/, /^CI_(JOB|PIPELINE|COMMIT)_\w+$/,
  /^CIRCLE_(SHA1|BUILD_\w+|WORKFLOW_\w+)$/, /^TRAVIS_(COMMIT|BUILD_\w+|JOB_\w+)$/, /^BITBUCKET_(COMMIT|BUILD_NUMBER)$/,
];

/** Defaults that stand in for "set by the build" rather than pin a value (`{}`: metadata filled in by CI). */
const PLACEHOLDER = /^(|none|null|undefined|n\/a|na|latest|main|master|head|-|\{\}|\[\]|v?0(\.0)*([-+][\w.]+)?|[\w-]*(unknown|unset|dev|local|snapshot)[\w-]*|\$\{?\w+\}?)$/i;

/**
 * Defaults of a `*_VERSION` ARG that say "the build stamps this" (`N8N_VERSION=snapshot`, `APP_VERSION=""`):
 * narrower than PLACEHOLDER, since `latest`, `main` or `$OTHER` there name a tool or base release to fetch.
 */
const VERSION_PLACEHOLDER = /^(|none|null|undefined|unknown|unset|dev|devel|development|local|snapshot|v?0(\.0)*([-+][\w.]+)?|[\w]*[-_.]?(unknown|dev|local|snapshot))$/i;

/** Versions of runtimes, base images and build tools: pins whatever their default (`ARG NODE_VERSION=""` is passed, not stamped). */
const TOOL_VERSION = /^(NODE|NODEJS|PYTHON|GO|GOLANG|RUST|RUSTC|JAVA|JDK|JRE|OPENJDK|RUBY|PHP|DOTNET|ALPINE|DEBIAN|UBUNTU|BUN|DENO|ERLANG|OTP|ELIXIR|CUDA|PYTORCH|TORCH|MAVEN|GRADLE|NPM|YARN|PNPM|PIP|POETRY|UV|BUNDLER|COMPOSER|KOTLIN|SCALA|SBT|ZIG|LLVM|CLANG|GCC|CMAKE)_VERSION$/;

const unquote = (v: string) => v.trim().replace(/^["']|["']$/g, '');

/**
 * True for an ARG whose name says its value changes on every build, unless its default pins a
 * concrete value (`ARG LLAMA_COMMIT=8f1d81a`, `ARG VERSION=1.4.2`): that is an upstream pin.
 * `*_VERSION` names (`PYTHON_VERSION`, `ALPINE_VERSION`) are pins, except with a default that only
 * stands in for the version CI stamps on each build (`ARG APP_VERSION=snapshot`).
 */
export function isPerBuildName(name: string, defaultValue?: string | null): boolean {
  const n = name.toUpperCase();
  const given = defaultValue !== undefined && defaultValue !== null;
  if (/_VERSION$/.test(n) && n !== 'BUILD_VERSION') return given && !TOOL_VERSION.test(n) && VERSION_PLACEHOLDER.test(unquote(defaultValue));
  if (given && !PLACEHOLDER.test(unquote(defaultValue))) return false;
  return PER_BUILD_NAMES.some(re => re.test(n));
}

/** CI job tokens: per-job values, and secrets that belong in a secret mount rather than an ARG. */
const isToken = (name: string) => /(^|_)TOKEN$/i.test(name);

/** Commands that are cheap to re-run: a RUN made only of these is not worth protecting. */
const CHEAP = new Set(['echo', 'printf', 'mkdir', 'ln', 'chmod', 'chown', 'chgrp', 'touch', 'rm', 'cp', 'mv', 'true', 'false', 'set', 'export', 'cd',
  'useradd', 'groupadd', 'adduser', 'addgroup', 'usermod', 'test', '[', 'sed', 'cat', 'tee', 'date', 'id', 'whoami', 'ls', 'env', 'printenv']);

const propertiesOf = (f: InstructionFact): Property[] => nodeProperties(f.node);
const textOf = (model: DockerfileModel, f: InstructionFact) => model.text.slice(model.document.offsetAt(f.range.start), model.document.offsetAt(f.range.end));
const refersTo = (text: string, names: ReadonlySet<string>) =>
  [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some(m => names.has(m[1]));

/** A RUN that does real work: anything but a handful of cheap file and echo commands. */
export function isExpensive(f: InstructionFact): boolean {
  if (!f.run) return false;
  if (f.run.invocations.length > 0) return true;
  // `sh -c '…'` and heredoc carriers are judged by the commands they run
  const tools = f.run.script.commands.map(c => unwrapCommand(c.words)[0]?.value?.replace(/^.*\//, ''));
  const work = tools.filter(t => t === undefined || !SHELLS.has(t));
  if (work.length === 0) return tools.length === 0;
  return work.some(t => t === undefined || !CHEAP.has(t));
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** Instructions that close a stage; a moved ARG goes just above them. */
const TAIL = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'STOPSIGNAL', 'EXPOSE', 'USER']);

/** A per-build ARG (commit, date, build number) declared before expensive RUNs: a new value re-runs them all. */
export const argBustsCache: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'An ARG whose value changes on every build (commit, date, build number) declared above expensive RUNs: every RUN after it sees the new value and re-runs.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    const findings: RuleFinding[] = [];
    const passed = (name: string) => (Object.prototype.hasOwnProperty.call(workspace.perBuildArgs ?? {}, name) ? workspace.perBuildArgs![name] : []);
    // `ARG A B` declares two names (dockerfile-ast reads B as A's value): only `A=…` is a default
    const ownDefault = (p: Property) => (model.text.slice(model.document.offsetAt(p.getRange().start), model.document.offsetAt(p.getRange().end)).includes('=') ? p.getValue() : undefined);
    // a bare `ARG NAME` in a stage takes the default of the global ARG of that name
    const globalDefaults = new Map<string, string | null | undefined>();
    for (const f of model.instructions) {
      if (f.stage || f.keyword !== 'ARG') continue;
      for (const p of propertiesOf(f)) globalDefaults.set(p.getName(), ownDefault(p));
    }
    const defaultOf = (p: Property) => ownDefault(p) ?? globalDefaults.get(p.getName());
    const isVolatile = (p: Property) => isPerBuildName(p.getName(), defaultOf(p)) || passed(p.getName()).length > 0;
    // names of the per-build ARGs a stage declares
    const stageVolatile = (list: readonly InstructionFact[]) => list.filter(f => f.keyword === 'ARG').flatMap(f => propertiesOf(f).filter(isVolatile).map(p => p.getName()));
    for (const stage of model.stages) {
      const list = stage.instructions;
      list.forEach((arg, i) => {
        if (arg.keyword !== 'ARG') return;
        const props = propertiesOf(arg);
        const volatile = props.filter(isVolatile);
        if (volatile.length === 0) return;
        // walk down: ENV/LABEL lines that only pass the value on move with the ARG; the first other use anchors it
        const tainted = new Set(props.map(p => p.getName()));
        const carried: InstructionFact[] = [];
        let anchor: InstructionFact | undefined;
        let firstUse: InstructionFact | undefined;
        for (const f of list.slice(i + 1)) {
          const text = textOf(model, f);
          const uses = refersTo(text.slice(f.keyword.length), tainted);
          if (uses && !firstUse) firstUse = f;
          if (f.keyword === 'LABEL' && uses) { carried.push(f); continue; }
          if (f.keyword === 'ENV' && uses) {
            const envProps = propertiesOf(f);
            if (envProps.every(p => refersTo(p.getValue() ?? '', tainted))) {
              carried.push(f);
              envProps.forEach(p => tainted.add(p.getName()));
              continue;
            }
          }
          if (uses || (f.keyword === 'ARG' && propertiesOf(f).some(p => tainted.has(p.getName())))) { anchor = f; break; }
        }
        const stop = anchor ? list.indexOf(anchor) : list.length;
        const before = list.slice(i + 1, stop).filter(f => !carried.includes(f) && isExpensive(f));
        // an ENV that passes the value on beside other variables puts it in every later RUN's environment
        // too: those RUNs re-run as well, up to the first one that uses the value. One that only passes on
        // per-build values (`ENV VERGEN_GIT_SHA=$COMMIT_SHA VERGEN_GIT_DESCRIBE=$GIT_TAG`) is a use.
        const perBuild = new Set([...tainted, ...stageVolatile(list)]);
        const mixedEnv = anchor?.keyword === 'ENV' && propertiesOf(anchor).some(p => !refersTo(p.getValue() ?? '', perBuild)) ? anchor : undefined;
        const passedOn: InstructionFact[] = [];
        if (mixedEnv) {
          const envNames = new Set([...tainted, ...propertiesOf(mixedEnv).filter(p => refersTo(p.getValue() ?? '', tainted)).map(p => p.getName())]);
          for (const f of list.slice(stop + 1)) {
            if (f.keyword !== 'ENV' && f.keyword !== 'LABEL' && refersTo(textOf(model, f).slice(f.keyword.length), envNames)) break;
            if (isExpensive(f)) passedOn.push(f);
          }
        }
        const busted = [...before, ...passedOn];
        if (busted.length === 0) return;
        // where the ARG goes: above its first real use, else above the stage's closing CMD/ENTRYPOINT/…
        let dest: InstructionFact | undefined = anchor;
        let after: InstructionFact | undefined;
        if (!dest) {
          let k = list.length;
          while (k > i + 1 && TAIL.has(list[k - 1].keyword) && !carried.includes(list[k - 1])) k--;
          if (k < list.length) dest = list[k];
          else after = list[list.length - 1];
        }
        const movedFacts = [arg, ...carried];
        const block = movedFacts.map(f => instructionText(model, f)).join('');
        const edits: TextEdit[] = [];
        if (dest) {
          const at = lineSpan(model, dest).start;
          edits.push({ range: rangeOf(model, at, at), newText: block });
        } else {
          const end = lineSpan(model, after!, false).end;
          const atEof = end === model.text.length && !/\n$/.test(model.text);
          edits.push({ range: rangeOf(model, end, end), newText: atEof ? model.eol + block.replace(/\r?\n$/, '') : block });
        }
        for (const f of movedFacts) {
          const span = lineSpan(model, f);
          edits.push({ range: rangeOf(model, span.start, span.end), newText: '' });
        }
        const names = volatile.map(p => p.getName()).join(', ');
        const envCarrier = passedOn.length > 0 && mixedEnv
          ? ` The ENV on line ${lineNo(mixedEnv)} passes it on beside other variables, so the RUNs after it re-run too: move the entries that take its value into an ENV of their own below the expensive steps${before.length ? ' (the quick fix does not split the ENV)' : ''}.`
          : '';
        const use = volatile.map(p => passed(p.getName())[0]).find(u => u !== undefined);
        const why = use ? ` (${use.file} line ${use.line} passes it \`${use.value.length > 40 ? use.value.slice(0, 39) + '…' : use.value}\`)` : '';
        const related = [];
        if (firstUse) related.push({ range: firstUse.range, message: `${names} is first used here` });
        related.push({ range: busted[0].range, message: `re-runs whenever ${names} changes` });
        findings.push({
          range: volatile[0].getNameRange(),
          message:
            `ARG ${names} changes on every build${why}, and every RUN after it sees the value (Docker passes build args to RUN as environment variables): ` +
            `a new value re-runs \`${snippet(busted[0], 40)}\` (line ${lineNo(busted[0])})${busted.length > 1 ? ` and ${busted.length - 1} more expensive step${busted.length > 2 ? 's' : ''}` : ''}. ` +
            `Declare it ${anchor ? `just above its first use (line ${lineNo(anchor)})` : 'at the end of the stage'}, with the ENV/LABEL lines that only pass it on.` + envCarrier +
            (envCarrier && before.length === 0 ? ' (No automatic fix: that ENV sets other variables as well.)' : '') +
            (volatile.some(p => isToken(p.getName()))
              ? ' A token is a secret: better pass it with `RUN --mount=type=secret`, which neither busts the cache nor stays in the image history.'
              : ''),
          related,
          // moving the ARG down to a mixed ENV still spares the steps above it
          fixes: before.length === 0 ? [] : [{ title: `Move ARG ${names} ${anchor ? `down to line ${lineNo(anchor)}` : 'to the end of the stage'}`, preferred: true, edits }],
        });
      });
    }
    return findings;
  },
};
