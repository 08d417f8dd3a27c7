/**
 * Recognises large downloads in RUN commands — model downloads (Hugging Face, torch.hub, spaCy, NLTK,
 * sentence-transformers, open_clip …), `curl`/`wget` of remote files, `git clone` of remote
 * repositories — and the local paths a RUN reads. Works on the shell commands the analysis already
 * parsed; nothing here re-parses shell text.
 */
import type { DockerfileModel, InstructionFact, RunFact } from './model';
import { resolvePath } from './mounts';
import { recogniseInvocation } from './packageManagers';
import { unwrapCommand, type ShellCommand, type ShellWord } from './shell';
import { cutAtFirst, lastSegment, shortOptionsWith, trimTrailingSlashes } from './text';

export type DownloadKind = 'model' | 'http' | 'git';

/** A command (or `ADD <url>`) that fetches something from the network that the build context does not hold. */
export interface DownloadFact {
  readonly kind: DownloadKind;
  /** What it is, for messages: `huggingface-cli download`, `curl`, `from_pretrained` … */
  readonly what: string;
  /** The command, or undefined for `ADD <url>`. */
  readonly command?: ShellCommand;
  /** Paths it writes, as written (resolve against the RUN's WORKDIR). */
  readonly outputs: readonly string[];
  /** Local files the command itself reads (a config file, a URL list), as written. */
  readonly reads: readonly string[];
}

/** Calls in Python code that download model weights or data sets. */
export const PY_DOWNLOADS: ReadonlyArray<[RegExp, string]> = [
  [/\bsnapshot_download\s*\(/, 'snapshot_download'],
  [/\bhf_hub_download\s*\(/, 'hf_hub_download'],
  [/\.from_pretrained\s*\(/, 'from_pretrained'],
  [/\bcreate_model_and_transforms\s*\(/, 'open_clip.create_model_and_transforms'],
  [/\btorch\.hub\.load(_state_dict_from_url)?\s*\(/, 'torch.hub.load'],
  [/\bSentenceTransformer\s*\(/, 'SentenceTransformer'],
  [/\bnltk\.download\s*\(/, 'nltk.download'],
  [/\bspacy\.cli\.download\s*\(/, 'spacy.cli.download'],
  [/\bload_dataset\s*\(/, 'datasets.load_dataset'],
  [/\bwhisper\.load_model\s*\(/, 'whisper.load_model'],
  [/\bpipeline\s*\(\s*(task\s*=\s*)?["'][\w-]+["']\s*,\s*(model\s*=\s*)?["'][\w.-]+\/[\w.-]+["']/, 'transformers.pipeline'],
];

const URL_RE = /^(https?|ftps?):\/\//i;
const isUrlWord = (w: ShellWord) => URL_RE.test(w.value ?? w.text.replace(/^["']/, ''));
const base = (w: ShellWord | undefined) => (w?.value ?? '').replace(/^.*\//, '');
const urlBasename = (w: ShellWord) => lastSegment(trimTrailingSlashes(cutAtFirst(w.value ?? '', '?#')));

/** Value of an option: `-o x`, `-ox` (short only), `--output x`, `--output=x`. */
function optionValue(ws: readonly ShellWord[], short: string[], long: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const v = ws[i].value;
    if (v === undefined) continue;
    if ((short.includes(v) || long.includes(v)) && ws[i + 1]?.value !== undefined) out.push(ws[i + 1].value!);
    for (const l of long) if (v.startsWith(l + '=')) out.push(v.slice(l.length + 1));
    for (const s of short) if (v.startsWith(s) && v.length > s.length && !v.startsWith('--')) out.push(v.slice(s.length));
  }
  return out;
}

/** Strip runners that start Python in an environment: `uv run`, `poetry run`, `pipenv run`, `conda run -n x`. */
export function unwrapRunner(words: ShellWord[]): ShellWord[] {
  const tool = base(words[0]);
  if (['uv', 'poetry', 'pipenv', 'conda', 'mamba', 'micromamba', 'pdm', 'hatch'].includes(tool) && words[1]?.value === 'run') {
    let i = 2;
    while (words[i]?.value?.startsWith('-')) i += ['-n', '--name', '-p', '--prefix', '--with', '--python', '-e', '--env'].includes(words[i].value!) ? 2 : 1;
    return words.slice(i);
  }
  return words;
}

/** Python code run by this command: the `-c` string, or the heredoc bodies of the RUN it feeds. */
export function pythonCode(words: readonly ShellWord[], heredocs: readonly string[]): string | undefined {
  const c = words.findIndex((w, i) => i > 0 && w.value === '-c');
  if (c > 0 && words[c + 1]) return words[c + 1].value ?? words[c + 1].text;
  const script = words.slice(1).find(w => !(w.value ?? '').startsWith('-'));
  if (!script || script.value === '-') return heredocs.join('\n') || undefined;
  return undefined;
}

/** Recognise a download in one simple command. `heredocs` are the RUN's heredoc bodies (for `python <<EOF`). */
export function recogniseDownload(command: ShellCommand, heredocs: readonly string[] = []): DownloadFact | undefined {
  const words = unwrapRunner(unwrapCommand(command.words));
  const tool = base(words[0]);
  const v = words.map(w => w.value ?? '');
  if (tool === 'huggingface-cli' || tool === 'hf') {
    if (v[1] !== 'download') return undefined;
    return { kind: 'model', what: `${tool} download`, command, outputs: optionValue(words, [], ['--local-dir', '--cache-dir']), reads: [] };
  }
  if (/^python(\d+(\.\d+)?)?$/.test(tool)) {
    const m = v.indexOf('-m');
    if (m > 0) {
      const mod = v[m + 1];
      if (mod === 'spacy' && v[m + 2] === 'download') return { kind: 'model', what: 'python -m spacy download', command, outputs: [], reads: [] };
      if (mod === 'nltk.downloader') return { kind: 'model', what: 'python -m nltk.downloader', command, outputs: optionValue(words, ['-d'], ['--dir']), reads: [] };
      if (mod === 'huggingface_hub.commands.huggingface_cli' && v.includes('download')) return { kind: 'model', what: 'huggingface-cli download', command, outputs: [], reads: [] };
      return undefined;
    }
    const code = pythonCode(words, heredocs);
    if (code === undefined) return undefined;
    const hit = PY_DOWNLOADS.find(([re]) => re.test(code));
    if (!hit) return undefined;
    // a local path handed to from_pretrained & co. is a read, not a download
    const reads = [...code.matchAll(/["'](\.{1,2}\/[^"'\n]*|\/[^"'\n]+)["']/g)].map(x => x[1]);
    return { kind: 'model', what: hit[1], command, outputs: [], reads };
  }
  if (tool === 'curl') {
    const urls = words.slice(1).filter(isUrlWord);
    if (urls.length === 0) return undefined;
    const outputs = optionValue(words, ['-o'], ['--output']);
    if (v.includes('-O') || v.includes('--remote-name') || v.some(x => shortOptionsWith(x, 'O'))) outputs.push(...urls.map(urlBasename).filter(Boolean));
    outputs.push(...optionValue(words, [], ['--output-dir']));
    const reads = [...optionValue(words, ['-K', '-T'], ['--config', '--upload-file']), ...optionValue(words, ['-d'], ['--data', '--data-binary']).filter(d => d.startsWith('@')).map(d => d.slice(1))];
    return { kind: 'http', what: 'curl', command, outputs, reads };
  }
  if (tool === 'wget') {
    const urls = words.slice(1).filter(isUrlWord);
    if (urls.length === 0) return undefined;
    const named = optionValue(words, ['-O'], ['--output-document']);
    const prefix = optionValue(words, ['-P'], ['--directory-prefix']);
    const outputs = [...named, ...prefix, ...(named.length ? [] : urls.map(urlBasename).filter(Boolean))];
    return { kind: 'http', what: 'wget', command, outputs, reads: optionValue(words, ['-i'], ['--input-file']) };
  }
  if (tool === 'git' && (v[1] === 'clone' || (v[1] === 'lfs' && v[2] === 'clone'))) {
    const i = words.findIndex(w => isUrlWord(w) || /^(git@|ssh:\/\/|git:\/\/)/.test(w.value ?? ''));
    if (i < 0) return undefined;
    const dir = words[i + 1]?.value;
    return { kind: 'git', what: 'git clone', command, outputs: [dir ?? urlBasename(words[i]).replace(/\.git$/, '')].filter(Boolean), reads: [] };
  }
  return undefined;
}

/** Text of the heredoc bodies of a RUN (for `python <<EOF` and the like). */
export function heredocBodies(model: DockerfileModel, fact: InstructionFact): string[] {
  const heredocs = (fact.node as unknown as { getHeredocs?: () => Array<{ getContentRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null }> }).getHeredocs?.() ?? [];
  return heredocs.map(h => h.getContentRange()).filter(r => r !== null).map(r => model.text.slice(model.document.offsetAt(r!.start), model.document.offsetAt(r!.end)));
}

/** The downloads an instruction performs: the RUN's download commands, or `ADD <url>`. */
export function downloadsOf(model: DockerfileModel, fact: InstructionFact): readonly DownloadFact[] {
  if (fact.copy && fact.keyword === 'ADD' && !fact.copy.from) {
    const urls = fact.copy.sources.filter(s => URL_RE.test(s.value) || /^(git@|ssh:\/\/|git:\/\/)/.test(s.value));
    if (urls.length && urls.length === fact.copy.sources.length) {
      return [{ kind: urls.some(u => URL_RE.test(u.value) && !(u.value.endsWith('.git') || u.value.includes('.git#'))) ? 'http' : 'git', what: 'ADD <url>', outputs: fact.copy.dest ? [fact.copy.dest.value] : [], reads: [] }];
    }
    return [];
  }
  if (!fact.run) return [];
  let found = downloadsByRun.get(fact.run);
  if (!found) {
    const bodies = heredocBodies(model, fact);
    found = Object.freeze(fact.run.script.commands.map(c => recogniseDownload(c, bodies)).filter((d): d is DownloadFact => d !== undefined));
    downloadsByRun.set(fact.run, found);
  }
  return found;
}

/**
 * The downloads of a RUN, by its facts: several rules ask, and a RUN an edit did not touch keeps its facts
 * from one version to the next (analyze.ts), its heredoc bodies with them.
 */
const downloadsByRun = new WeakMap<RunFact, readonly DownloadFact[]>();

/** Commands whose arguments never read project files. */
const NON_READING = new Set(['cd', 'mkdir', 'echo', 'printf', 'useradd', 'groupadd', 'adduser', 'addgroup', 'export', 'true', 'false', 'set', 'ln', 'apt-get', 'apt', 'apk', 'yum', 'dnf']);

/**
 * Absolute container paths a RUN may read, as far as its commands show: script files, option values,
 * path-like arguments, the manifests of recognised installs (and the working directory for installs
 * that need the source). Paths a download of the same RUN writes are left out.
 */
export function pathsRead(model: DockerfileModel, fact: InstructionFact): string[] {
  const run = fact.run;
  if (!run) return [];
  const out = new Set<string>();
  const add = (p: string | undefined) => {
    if (!p || URL_RE.test(p) || /^[a-z+]+:\/\//i.test(p) || p.includes('$')) return;
    const noStar = p.replace(/^~(?=\/|$)/, fact.user.home).replace(/\/\*+$/, '');
    const clean = cutAtFirst(noStar, '*') || '.';
    out.add(resolvePath(fact.workdir, clean));
  };
  const downloads = downloadsOf(model, fact);
  const written = downloads.flatMap(d => d.outputs).map(o => resolvePath(fact.workdir, o));
  for (const d of downloads) d.reads.forEach(add);
  for (const c of run.script.commands) {
    if (downloads.some(d => d.command === c)) continue;
    const inv = recogniseInvocation(c);
    if (inv) {
      inv.manifests.forEach(add);
      if (inv.needsSource) add('.');
      continue;
    }
    const words = unwrapCommand(c.words);
    const tool = base(words[0]);
    if (NON_READING.has(tool)) continue;
    words.forEach((w, i) => {
      let v = w.value;
      if (v === undefined) return;
      if (v.startsWith('-')) {
        const eq = v.indexOf('=');
        if (eq < 0) return;
        v = v.slice(eq + 1);
      }
      // the tool itself only counts when it is a path (`./download.sh`)
      if (i === 0 && !v.includes('/')) return;
      if (v === '.' || v === '..' || v.includes('/') || /^[\w@+-][\w.@+-]*\.[A-Za-z][\w]{0,9}$/.test(v)) add(v);
    });
  }
  return [...out].filter(p => !written.some(w => p === w || p.startsWith(w + '/')));
}
