import type { TextEdit } from 'vscode-languageserver-types';
import { expandVars } from '../../../common/analysis/analyze';
import { downloadsOf } from '../../../common/analysis/downloads';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { covers, resolvePath } from '../../../common/analysis/mounts';
import { unwrapCommand, type ShellCommand, type ShellWord } from '../../../common/analysis/shell';
import { insertBefore, rangeOf } from './edits';
import { cacheMountsOf } from '../../../common/analysis/cacheMountFacts';
import { docsFor, type Fix, type Rule, type RuleFinding } from './types';
import { frontendAtLeast } from '../../../common/analysis/syntaxDirective';

const id = 'download-without-checksum';

const URL_RE = /^(https?|ftps?):\/\//i;
/** Commands that check what was downloaded: a RUN with one of them is verified already. */
const CHECKERS = new Set(['sha256sum', 'sha512sum', 'sha384sum', 'sha224sum', 'sha1sum', 'md5sum', 'b2sum', 'shasum', 'cksum', 'gpg', 'gpgv', 'cosign', 'minisign', 'openssl', 'slsa-verifier', 'signify']);
/** A release path, a version number or a commit id: the file behind the URL is not meant to change. */
const VERSIONED = /\/releases\/download\/|\d+\.\d+|\/[0-9a-f]{40}(\/|$)/i;
const UNVERSIONED = /(^|[/=_.-])(latest|nightly|master|main|snapshot|current|stable)([/?#_.-]|$)/i;
const ARCHIVE_TOOLS = new Set(['tar', 'bsdtar', 'unzip', 'gunzip', 'gzip', 'xz', 'unxz', 'zstd', 'bzip2', 'funzip']);
const PLAIN_PATH = /^\/[\w.@+~:/-]*$/;

/** curl/wget options that change nothing about what is fetched (output, quietness, retries, redirects). */
const CURL_FLAGS = new Set(['-f', '-s', '-S', '-L', '-O', '-#', '--fail', '--silent', '--show-error', '--location', '--remote-name', '--retry-connrefused', '--retry-all-errors', '--progress-bar', '--create-dirs', '--tlsv1.2', '--tlsv1.3', '--http1.1', '--no-progress-meter', '--fail-with-body']);
const CURL_VALUED = new Set(['-o', '--output', '--retry', '--retry-delay', '--retry-max-time', '--connect-timeout', '--max-time', '-m', '--proto', '--proto-redir']);
const WGET_FLAGS = new Set(['-q', '-nv', '--quiet', '--no-verbose', '--https-only', '--show-progress']);
const WGET_VALUED = new Set(['-O', '--output-document', '-t', '--tries', '-T', '--timeout', '--progress']);

const toolOf = (c: ShellCommand) => (unwrapCommand(c.words)[0]?.value ?? '').replace(/^.*\//, '');

/** An option of the download that may change what is fetched (headers, auth, proxies, config files), if any. */
function unsafeOption(tool: string, words: readonly ShellWord[]): string | undefined {
  const flags = tool === 'curl' ? CURL_FLAGS : WGET_FLAGS;
  const valued = tool === 'curl' ? CURL_VALUED : WGET_VALUED;
  for (let i = 1; i < words.length; i++) {
    const v = words[i].value;
    if (v === undefined) {
      if (words[i].text.startsWith('-')) return words[i].text;
      continue;
    }
    if (!v.startsWith('-')) continue;
    if (flags.has(v)) continue;
    if (valued.has(v)) { i++; continue; }
    const eq = v.indexOf('=');
    if (eq > 0 && valued.has(v.slice(0, eq))) continue;
    // clusters of safe short flags: -fsSL, -fsSLO, -qO (the value follows)
    const cluster = tool === 'curl' ? /^-[fsSLO#]+$/ : /^-q+$/;
    if (cluster.test(v)) continue;
    if (tool === 'curl' && /^-[fsSL#]*o$/.test(v)) { i++; continue; }
    if (tool === 'wget' && /^-q*O$/.test(v)) { i++; continue; }
    return v;
  }
  return undefined;
}

/** The URL of a download as written for an ADD line, and its value; undefined when it uses shell-only values. */
function urlOf(fact: InstructionFact, w: ShellWord, runAssigns: ReadonlySet<string>): { text: string; value: string } | undefined {
  if (w.value !== undefined) return /[\s"'\\$]/.test(w.value) ? undefined : { text: w.value, value: w.value };
  const raw = /^"[^"]*"$/.test(w.text) ? w.text.slice(1, -1) : w.text;
  if (/[`'"\\]|\$\(/.test(raw)) return undefined;
  const names = [...raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]);
  // ADD expands ARG and ENV the way the shell would, but not variables the RUN itself sets
  if (names.some(n => runAssigns.has(n) || fact.env.get(n) === undefined)) return undefined;
  const value = expandVars(raw, fact.env);
  return value !== undefined && !/\s/.test(value) ? { text: raw, value } : undefined;
}

const SPACE_OR_CONT = (esc: string) => new RegExp(`^(?:[ \\t]|${esc === '\\' ? '\\\\' : '`'}[ \\t]*\\r?\\n)*`);

/** The operator between two commands (`&&`, `;`, `|`), or undefined when anything else stands between them. */
function between(model: DockerfileModel, a: ShellCommand, b: ShellCommand): string | undefined {
  if (b.start < a.end) return undefined;
  const strip = (s: string) => s.replace(SPACE_OR_CONT(model.escapeChar), '');
  let mid = strip(model.text.slice(a.end, b.start));
  const op = ['&&', ';', '|'].find(o => mid.startsWith(o) && !mid.startsWith('||') && !mid.startsWith(';;'));
  if (!op) return undefined;
  mid = strip(mid.slice(op.length));
  return mid === '' ? op : undefined;
}

/** What the `# syntax=` line allows: 'yes' for Dockerfile 1.6 or later (or `1`, latest, labs), 'no' for older, 'unknown' otherwise. */
export const syntaxAllowsChecksum = (value: string) => frontendAtLeast(value, 6);

interface Verification {
  /** The checking commands (`echo … | sha256sum -c -`), when the hash is written inline. */
  readonly echo?: ShellCommand;
  readonly checker?: ShellCommand;
  readonly hash?: string;
}

/** The inline SHA-256 that `echo "<hash>  <file>" | sha256sum -c` checks the output against, if that is how the RUN verifies. */
function inlineHash(model: DockerfileModel, fact: InstructionFact, cmds: readonly ShellCommand[], output: string): Verification | undefined {
  for (let k = 1; k < cmds.length; k++) {
    const c = cmds[k];
    const words = unwrapCommand(c.words).map(w => w.value);
    const tool = toolOf(c);
    const checks = words.some(w => w === '-c' || w === '--check' || (w !== undefined && /^-[a-z]*c[a-z]*$/.test(w) && tool !== 'shasum'));
    const sha256 = tool === 'sha256sum' || (tool === 'shasum' && words.join(' ').match(/(-a|--algorithm)[ =]256/) !== null && words.includes('-c'));
    if (!checks || !sha256) continue;
    const echo = cmds[k - 1];
    if (!['echo', 'printf'].includes(toolOf(echo)) || between(model, echo, c) !== '|') continue;
    const text = echo.words.slice(1).map(w => w.value ?? expandVars(/^"[^"]*"$/.test(w.text) ? w.text.slice(1, -1) : w.text, fact.env) ?? '').join(' ');
    const m = /\b([0-9a-fA-F]{64})\s+\*?(\S+)/.exec(text);
    if (!m) continue;
    const named = resolvePath(fact.workdir, m[2]);
    if (named !== output && m[2] !== output.replace(/^.*\//, '')) continue;
    return { echo, checker: c, hash: m[1].toLowerCase() };
  }
  return undefined;
}

/** A mode for `ADD --chmod` from a lone `chmod <mode> <file>` after the download, when it is that simple. */
function chmodMode(fact: InstructionFact, c: ShellCommand, dest: string): string | undefined {
  const w = unwrapCommand(c.words).map(x => x.value);
  if (w[0] !== 'chmod' || w.length !== 3 || w[2] === undefined || resolvePath(fact.workdir, w[2]) !== dest) return undefined;
  if (/^0?[0-7]{3}$/.test(w[1] ?? '')) return w[1]!.replace(/^0(?=\d{3}$)/, '');
  return ['+x', 'a+x', 'ugo+x'].includes(w[1] ?? '') ? '755' : undefined;
}

interface FixPlan { readonly fix?: Fix; readonly blocker?: string; readonly keptRun: boolean; readonly addsSyntax: boolean }

function planFix(model: DockerfileModel, fact: InstructionFact, dl: ShellCommand, url: { text: string }, dest: string, v: Verification): FixPlan {
  const run = fact.run!;
  const no = (blocker: string): FixPlan => ({ blocker, keptRun: false, addsSyntax: false });
  if (run.form === 'exec' || model.text.startsWith('<<', run.commandStart)) return no('the RUN is in exec or heredoc form');
  if (fact.onbuild) return no('it is an ONBUILD trigger');
  if (run.flags.length) return no(`the RUN has flags (${run.flags.map(f => `--${f.getName()}`).join(', ')}) that an ADD cannot take over`);
  if (!fact.user.root) return no(`ADD writes the file as root, while this RUN runs as USER ${fact.user.name}`);
  const words = unwrapCommand(dl.words);
  const option = unsafeOption(toolOf(dl), words);
  if (option !== undefined) return no(`the ${toolOf(dl)} option ${option} may change what is fetched (headers, credentials, proxies), which an ADD cannot repeat`);
  if (!PLAIN_PATH.test(dest)) return no(`the destination ${JSON.stringify(dest)} would need quoting`);
  const cmds = run.script.commands;
  if (cmds.some(c => c.nested) || cmds.some((c, i) => i > 0 && c.start < cmds[i - 1].end)) return no('the RUN runs commands inside other commands (sh -c, $(…))');
  const i = cmds.indexOf(dl);
  if (cmds.slice(0, i).some(c => toolOf(c) !== 'set')) return no('commands before the download would then run after it');
  if (cmds[i + 1] !== v.echo || cmds[i + 2] !== v.checker) return no('the checksum check does not directly follow the download');
  for (let k = 1; k <= i; k++) if (!['&&', ';'].includes(between(model, cmds[k - 1], cmds[k]) ?? '')) return no('the commands before the download are not joined by && or ;');
  if (between(model, dl, v.echo!) !== '&&' && between(model, dl, v.echo!) !== ';') return no('the download and its check are not joined by && or ;');
  const rest = cmds.slice(i + 3);
  if (rest.length && !['&&', ';'].includes(between(model, v.checker!, rest[0]) ?? '')) return no('the commands after the check are not joined to it by && or ;');
  if (rest.some(c => ['rm', 'shred', 'unlink'].includes(toolOf(c)) && c.words.some(w => w.value !== undefined && resolvePath(fact.workdir, w.value) === dest))) {
    return no(`the RUN deletes ${dest} after using it; with ADD the file would stay in the ADD layer and grow the image by its size`);
  }
  const directive = model.directives.find(d => d.getName().toLowerCase() === 'syntax');
  const verdict = directive ? syntaxAllowsChecksum(directive.getValue()) : 'absent';
  if (verdict === 'no' || verdict === 'unknown') return no(`the \`# syntax=${directive!.getValue()}\` line ${verdict === 'no' ? 'names a Dockerfile frontend older than 1.6, which does not know' : 'names a frontend not known to support'} ADD --checksum`);
  const folded = rest.length === 1 ? chmodMode(fact, rest[0], dest) : undefined;
  const mode = folded ?? '644';
  const add = `ADD --checksum=sha256:${v.hash} --chmod=${mode} ${url.text} ${dest}`;
  const edits: TextEdit[] = [];
  const keptRun = rest.length > 0 && folded === undefined;
  if (!keptRun) {
    const s = model.document.offsetAt(fact.range.start);
    edits.push({ range: rangeOf(model, s, model.document.offsetAt(fact.range.end)), newText: add });
  } else {
    edits.push(insertBefore(model, fact, add + model.eol));
    edits.push({ range: rangeOf(model, dl.start, rest[0].start), newText: '' });
  }
  if (verdict === 'absent') {
    const at = model.text.startsWith('\uFEFF') ? 1 : 0;
    edits.push({ range: rangeOf(model, at, at), newText: `# syntax=docker/dockerfile:1${model.eol}` });
  }
  return {
    keptRun,
    addsSyntax: verdict === 'absent',
    fix: { title: `Replace the download and its check with ADD --checksum${verdict === 'absent' ? ' (adds # syntax=docker/dockerfile:1)' : ''}`, preferred: false, edits },
  };
}

/** A RUN that curls/wgets a versioned file: without a checksum (information), or checked by hand where ADD --checksum would also cache it. */
export const downloadWithoutChecksum: Rule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: 'A RUN downloads a versioned file with curl/wget: unverified (pin its SHA-256), or verified by hand where `ADD --checksum=sha256:…` would verify and cache it.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const fact of model.instructions) {
      if (!fact.run) continue;
      // cheap test first: most RUNs fetch nothing
      if (!/curl|wget/.test(model.text.slice(model.document.offsetAt(fact.range.start), model.document.offsetAt(fact.range.end)))) continue;
      const downloads = downloadsOf(model, fact).filter(d => d.kind === 'http' && d.command);
      if (downloads.length === 0) continue;
      const cmds = fact.run.script.commands;
      const runAssigns = new Set(cmds.flatMap(c => c.assigns.map(a => a.name)));
      const verified = cmds.some(c => CHECKERS.has(toolOf(c)));
      const { mounts, unresolved } = cacheMountsOf(fact);
      for (const d of downloads) {
        const dl = d.command!;
        const tool = toolOf(dl);
        const urlWords = dl.words.filter(w => URL_RE.test(w.value ?? w.text.replace(/^["']/, '')));
        if (urlWords.length !== 1) continue;
        const url = urlOf(fact, urlWords[0], runAssigns);
        const shown = url?.value ?? urlWords[0].text;
        if (!VERSIONED.test(shown.replace(/^[a-z]+:\/\/[^/]*/i, '')) || UNVERSIONED.test(shown.replace(/^[a-z]+:\/\/[^/]*/i, ''))) continue;
        const k = cmds.indexOf(dl);
        const piped = k >= 0 && k + 1 < cmds.length && between(model, dl, cmds[k + 1]) === '|' && ARCHIVE_TOOLS.has(toolOf(cmds[k + 1]));
        if (d.outputs.length !== 1 && !piped) continue;
        const dest = d.outputs.length === 1 && !d.outputs[0].includes('$') ? resolvePath(fact.workdir, d.outputs[0].replace(/^~(?=\/|$)/, fact.user.home)) : undefined;
        // a download kept in a cache mount is cached already; an unknown mount may be one
        if (unresolved || (dest && mounts.some(m => covers(m.target!, dest)))) continue;
        const range = rangeOf(model, dl.start, dl.end);
        if (!verified) {
          findings.push({
            range,
            message:
              `\`${tool}\` downloads ${shown} with no checksum: nothing checks that it is the file you expect, and every rebuild of this step downloads it again. ` +
              'Pin it: download it once, run `sha256sum` on it, then either check it after the download (`echo "<sha256>  <file>" | sha256sum -c -`) or, better, replace the download with ' +
              `\`ADD --checksum=sha256:<sha256> ${url?.text ?? '<url>'} ${dest ?? '<dest>'}\`, which BuildKit verifies and caches by that checksum (Dockerfile syntax 1.6 or later). ` +
              'No automatic fix: the checksum is not known here, and a made-up one would fail the build.',
          });
          continue;
        }
        const v = dest ? inlineHash(model, fact, cmds, dest) : undefined;
        if (!v || !dest) continue; // verified against a downloaded checksum file or a signature: fine as it is
        const p = url ? planFix(model, fact, dl, url, dest, v) : { blocker: 'the URL uses values the shell sets, which an ADD line cannot see', keptRun: false, addsSyntax: false };
        findings.push({
          range,
          message:
            `\`${tool}\` downloads ${shown} and checks it against an inline SHA-256, but every rebuild of this step downloads it again. ` +
            `\`ADD --checksum=sha256:${v.hash} ${url?.text ?? '<url>'} ${dest}\` does both: BuildKit verifies the file and caches it by its checksum. ` +
            'It needs Dockerfile syntax 1.6 or later (`# syntax=docker/dockerfile:1`, which makes the builder fetch that frontend image) and a builder that knows ADD --checksum (not the classic builder). ' +
            (p.keptRun ? 'The rest of the RUN stays, byte for byte, in a RUN after the ADD; what it extracts or changes is stored next to the downloaded file, which the ADD layer keeps. ' : '') +
            (p.blocker ? `No automatic fix: ${p.blocker}.` : ''),
          fixes: p.fix ? [p.fix] : [],
        });
      }
    }
    return findings;
  },
};
