import type { TextEdit } from 'vscode-languageserver-types';
import { heredocBodies } from '../../../common/analysis/downloads';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { modelCallsOf, modelStoreOf, type ModelCalls, type ModelStore } from '../../../common/analysis/modelCaches';
import { covers, resolvePath, type MountFact } from '../../../common/analysis/mounts';
import type { ShellCommand, ShellWord } from '../../../common/analysis/shell';
import { contextSourceOf } from './contextSource';
import { insertFlags, rangeOf } from './edits';
import { cacheMountsOf } from '../../../common/analysis/cacheMountFacts';
import { docsFor, type Fix, type Rule, type RuleFinding, type WorkspaceFacts } from './types';

const id = 'model-download-without-cache';

/** Where the fix mounts the download cache: a build-only folder, outside every store it copies into. */
const MOUNT_ROOT = '/tmp/model-cache';
/** Paths that can be written into a --mount flag and a shell command without quoting. */
const PLAIN_PATH = /^\/[\w.@+~:/-]*$/;
/** Wrappers that reset the environment or change the user: an inline variable would not reach the tool. */
const ENV_RESETTING = new Set(['sudo', 'doas', 'su', 'runuser', 'gosu', 'su-exec', 'chroot', 'setpriv']);

const TOOL_NAME: Readonly<Record<ModelStore['tool'], string>> = {
  huggingface: 'Hugging Face',
  torch: 'torch hub',
  nltk: 'NLTK',
  'sentence-transformers': 'sentence-transformers',
};
const SHORT: Readonly<Record<ModelStore['tool'], string>> = { huggingface: 'hf', torch: 'torch', nltk: 'nltk', 'sentence-transformers': 'st' };

/** FNV-1a, 32 bits, as 8 hex digits: a stable, short name for one command's cache. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** Why nothing can be appended after the command (`&& cp …`) without changing what the RUN does; undefined when it can. */
function appendBlocker(model: DockerfileModel, fact: InstructionFact, c: ShellCommand): string | undefined {
  const t = model.text;
  const end = model.document.offsetAt(fact.range.end);
  let j = c.end;
  for (;;) {
    while (isSpace(t[j])) j++;
    if (t[j] !== model.escapeChar) break;
    let k = j + 1;
    while (isSpace(t[k])) k++;
    if (t[k] === '\r' && t[k + 1] === '\n') k++;
    if (t[k] !== '\n') break;
    j = k + 1;
  }
  if (j >= end || t.startsWith('&&', j) || (t[j] === ';' && t[j + 1] !== ';') || t[j] === '\n' || t[j] === '\r' || t[j] === ')') return undefined;
  if (c.nested && (t[j] === "'" || t[j] === '"')) return undefined;
  return `\`${t.slice(j, j + 2)}\` follows the command (a pipe, \`||\`, a redirection or a heredoc), so a copy cannot simply be appended after it`;
}

/** Why no automatic fix can be built for this command, when it cannot. */
function blockerOf(model: DockerfileModel, fact: InstructionFact, c: ShellCommand, stores: readonly ModelStore[]): string | undefined {
  if (fact.run!.form === 'exec') return 'the RUN is in exec form (JSON), where no variable or copy can be added';
  if (fact.onbuild) return 'it is an ONBUILD trigger';
  if (!fact.user.root && fact.user.uid === undefined) return `the uid of USER ${fact.user.name} is not known from this Dockerfile, and a cache mount is owned by root unless uid= is given`;
  if (c.runAs !== undefined || c.words.some(w => ENV_RESETTING.has((w.value ?? '').replace(/^.*\//, '')))) return 'the command runs through sudo/su or a similar wrapper, which does not pass an inline variable on';
  const unknown = stores.find(s => s.unknown);
  if (unknown) return `where ${TOOL_NAME[unknown.tool]} keeps its files (${unknown.unknown}) is not known from this Dockerfile`;
  const odd = stores.find(s => !PLAIN_PATH.test(s.dir));
  if (odd) return `the directory ${JSON.stringify(odd.dir)} cannot be written into a --mount flag`;
  // offsets inside `sh -c "…"` with escapes may be off: only edit where the words are where they say
  const first = c.words[0];
  const last = c.words[c.words.length - 1];
  if (model.text.slice(first.start, first.end) !== first.text || model.text.slice(last.start, last.end) !== last.text) return 'the command sits in a quoted script whose text could not be placed exactly';
  return appendBlocker(model, fact, c);
}

const uidOpts = (fact: InstructionFact) =>
  fact.user.root || fact.user.uid === undefined ? '' : `,uid=${fact.user.uid}${fact.user.gid !== undefined ? `,gid=${fact.user.gid}` : ''}`;

interface Plan {
  readonly mounts: ReadonlyArray<{ store: ModelStore; target: string }>;
  readonly fix?: Fix;
  readonly cacheOnly?: Fix;
  readonly blocker?: string;
}

function plan(model: DockerfileModel, fact: InstructionFact, c: ShellCommand, stores: readonly ModelStore[]): Plan {
  // the same command twice in one RUN gets a cache each: two mounts on one target are an error
  const text = (x: ShellCommand) => x.words.map(w => w.text).join(' ');
  const key = text(c);
  const occurrence = fact.run!.script.commands.filter(x => x.start < c.start && text(x) === key).length;
  const mounts = stores.map(store => ({ store, target: `${MOUNT_ROOT}/${SHORT[store.tool]}-${shortHash(`${store.variable}\0${key}${occurrence ? `\0${occurrence}` : ''}`)}` }));
  const blocker = blockerOf(model, fact, c, stores);
  if (blocker) return { mounts, blocker };
  const at = (o: number) => rangeOf(model, o, o);
  const flagEdit = insertFlags(model, fact, mounts.map(m => `--mount=type=cache,target=${m.target}${uidOpts(fact)}`));
  const edits: TextEdit[] = [
    flagEdit,
    { range: at(c.start), newText: mounts.map(m => `${m.store.variable}=${m.target} `).join('') },
    { range: at(c.end), newText: mounts.map(m => ` && mkdir -p ${m.store.dir} && cp -a ${m.target}/. ${m.store.dir}/`).join('') },
  ];
  const dirs = [...new Set(stores.map(s => s.dir))];
  return {
    mounts,
    fix: { title: `Download into a cache mount, then copy the model to ${dirs.join(', ')}`, preferred: true, edits },
    cacheOnly: {
      title: `Cache mount on ${dirs.join(', ')} only (the image will not contain the model)`,
      preferred: false,
      edits: [insertFlags(model, fact, dirs.map(d => `--mount=type=cache,target=${d}${uidOpts(fact)}`))],
    },
  };
}

/** The text of the script a command runs, when a COPY or bind mount brought it from the context and the facts hold it. */
function scriptReader(model: DockerfileModel, fact: InstructionFact, ws: WorkspaceFacts) {
  return (w: ShellWord) => {
    if (!ws.modelScripts || w.value === undefined || w.value.includes('$')) return undefined;
    const rel = contextSourceOf(model, fact, resolvePath(fact.workdir, w.value));
    const text = rel !== undefined ? ws.modelScripts[rel] : undefined;
    return text !== undefined ? { path: rel!, text } : undefined;
  };
}

/** The environment the command sees: ENV/ARG in scope and its own `VAR=value` prefixes. */
function envOf(fact: InstructionFact, c: ShellCommand): ReadonlyMap<string, string | undefined> {
  if (c.assigns.length === 0) return fact.env;
  const m = new Map(fact.env);
  for (const a of c.assigns) m.set(a.name, a.value);
  return m;
}

const covered = (mounts: readonly MountFact[], s: ModelStore) => !s.unknown && mounts.some(m => covers(m.target!, s.dir));

function spacyFinding(model: DockerfileModel, c: ShellCommand, calls: ModelCalls): RuleFinding {
  const words = c.words.map(w => w.value ?? '');
  const d = words.indexOf('download');
  const name = (d >= 0 && /^[\w.-]+$/.test(words[d + 1] ?? '') ? words[d + 1] : undefined) ?? '<model>';
  return {
    range: rangeOf(model, c.start, c.end),
    severity: 'information',
    message:
      `\`${calls.what}\` installs the model with \`pip install --no-cache-dir\`, so no cache mount can keep it: every rebuild of this step downloads it again. ` +
      `To cache it, install the model's wheel as an ordinary pip requirement (\`${name} @ https://github.com/explosion/spacy-models/releases/download/${name}-<version>/${name}-<version>-py3-none-any.whl\`) ` +
      'in a pip install that has a cache mount (missing-cache-mount offers one). No automatic fix: the model version to pin is not known here.',
  };
}

/** A RUN that downloads models (Hugging Face, torch hub, NLTK, sentence-transformers, spaCy) with no cache mount over their store. */
export const modelDownloadWithoutCache: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'A RUN downloads models (huggingface-cli download, from_pretrained, snapshot_download, torch.hub.load, nltk.download, SentenceTransformer, spacy download) with no cache mount over their store, so every rebuild of the step downloads them again.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    const findings: RuleFinding[] = [];
    for (const fact of model.instructions) {
      const run = fact.run;
      if (!run || run.script.commands.length === 0) continue;
      // cheap test first: most RUNs mention no downloader at all
      const text = model.text.slice(model.document.offsetAt(fact.range.start), model.document.offsetAt(fact.range.end));
      if (!/download|from_pretrained|hub\.load|SentenceTransformer|pipeline\s*\(|\.py\b/.test(text)) continue;
      const { mounts, unresolved } = cacheMountsOf(fact);
      if (unresolved) continue;
      let bodies: string[] | undefined;
      const heredocs = () => (bodies ??= heredocBodies(model, fact));
      const readScript = scriptReader(model, fact, workspace);
      for (const c of run.script.commands) {
        const calls = modelCallsOf(c, heredocs, readScript);
        if (!calls || calls.explicitDir) continue;
        if (calls.calls.some(k => k.tool === 'spacy')) findings.push(spacyFinding(model, c, calls));
        const env = envOf(fact, c);
        const stores = new Map<string, ModelStore>();
        for (const call of calls.calls) {
          if (call.tool === 'spacy') continue;
          const s = modelStoreOf({ what: call.what, tool: call.tool }, env, fact.user);
          if (!stores.has(s.variable)) stores.set(s.variable, s);
        }
        // a mount that may be the right one while the store is not known: claim nothing
        const open = [...stores.values()].filter(s => !covered(mounts, s) && !(s.unknown && mounts.length > 0));
        if (open.length === 0) continue;
        const p = plan(model, fact, c, open);
        const via = calls.script ? ` (from ${calls.script})` : '';
        const who = fact.user.root ? '' : ` of USER ${fact.user.name}`;
        const where = open.map(s => `${TOOL_NAME[s.tool]}'s ${s.unknown ? s.unknown : s.dir}${s.fromEnv ? ` (${s.fromEnv})` : ''}`).join(' and ');
        const example = p.mounts.map(m => m.store.unknown ? '' : `--mount=type=cache,target=${m.target} with ${m.store.variable}=${m.target} on the command, then \`cp -a ${m.target}/. ${m.store.dir}/\``).filter(Boolean).join('; ');
        findings.push({
          range: rangeOf(model, c.start, c.end),
          message:
            `\`${calls.what}\`${via} downloads into ${where}${who} with no cache mount: every rebuild of this step downloads the model again. ` +
            'Download into a cache mount and copy the files out, so the image still holds the model where it is looked for at run time' +
            (example ? ` (${example})` : '') + '. ' +
            'Trade-off: the image stays as large as before and the builder keeps a second copy in its cache, but a rebuild of this step copies from that cache instead of downloading (only small metadata requests remain); ' +
            'the cache is per command, and files of an older revision stay in it and get copied too, so pin a revision. ' +
            'If the model is only used during the build, a cache mount on the store alone keeps it out of the image.' +
            (p.blocker ? ` No automatic fix: ${p.blocker}.` : ''),
          fixes: p.blocker ? [] : [p.fix!, p.cacheOnly!],
        });
      }
    }
    return findings;
  },
};
