/**
 * Where model downloaders keep what they fetch (Hugging Face, torch hub, NLTK, sentence-transformers,
 * spaCy), for a given user and environment, and which model downloads a command or a Python script
 * makes. Pure: the texts of scripts come from the workspace facts.
 */
import type { EnvScope } from './cacheTargets';
import { PY_DOWNLOADS, pythonCode, unwrapRunner } from './downloads';
import { normalisePath } from './mounts';
import { unwrapCommand, type ShellCommand, type ShellWord } from './shell';
import type { UserFact } from './users';

/** A downloader whose store a cache mount can keep. spaCy is listed apart: it installs a wheel with pip. */
export type ModelTool = 'huggingface' | 'torch' | 'nltk' | 'sentence-transformers' | 'spacy';

/** The download calls of PY_DOWNLOADS (and the CLIs) by the store they fill; the others are not handled. */
const TOOL_OF: Readonly<Record<string, ModelTool>> = {
  'huggingface-cli download': 'huggingface',
  'hf download': 'huggingface',
  snapshot_download: 'huggingface',
  hf_hub_download: 'huggingface',
  from_pretrained: 'huggingface',
  'transformers.pipeline': 'huggingface',
  'torch.hub.load': 'torch',
  SentenceTransformer: 'sentence-transformers',
  'nltk.download': 'nltk',
  'python -m nltk.downloader': 'nltk',
  'python -m spacy download': 'spacy',
  'spacy.cli.download': 'spacy',
};

/** Calls whose store only transformers reads TRANSFORMERS_CACHE & co. for. */
const TRANSFORMERS_CALLS = new Set(['from_pretrained', 'transformers.pipeline']);

/**
 * Code that picks its own download directory (`cache_dir=`, `local_dir=`, `torch.hub.set_dir`,
 * `os.environ[…]`): where the files go is not known from the Dockerfile, so no advice is given.
 */
const EXPLICIT_DIR = /\b(cache_dir|local_dir|cache_folder|download_dir|model_dir|data_home)\s*=|\bhub\.set_dir\s*\(|\bos\.(environ|putenv)\b|\bsetdefault\s*\(\s*["'](HF_|TRANSFORMERS|TORCH|NLTK|SENTENCE)/;

/** The model downloads one command makes. */
export interface ModelCalls {
  /** What it is, for messages: `huggingface-cli download`, `from_pretrained` … */
  readonly what: string;
  /** Each call by its label, with its tool. */
  readonly calls: ReadonlyArray<{ readonly what: string; readonly tool: ModelTool }>;
  /** The command or script names its own directory: its store is not known. */
  readonly explicitDir: boolean;
  /** The context-relative path of the script the command runs, when the code came from one. */
  readonly script?: string;
}

const base = (w: ShellWord | undefined) => (w?.value ?? '').replace(/^.*\//, '');
const isPython = (tool: string) => /^python(\d+(\.\d+)?)?$/.test(tool);

/** Every download call a piece of Python code makes. */
export function pythonModelCalls(code: string): Array<{ what: string; tool: ModelTool }> {
  const out: Array<{ what: string; tool: ModelTool }> = [];
  for (const [re, what] of PY_DOWNLOADS) if (TOOL_OF[what] && re.test(code)) out.push({ what, tool: TOOL_OF[what] });
  return out;
}

/** The script a `python [options] script.py …` (or `./script.py`) command runs, as written. */
export function pythonScriptOf(command: ShellCommand): ShellWord | undefined {
  const words = unwrapRunner(unwrapCommand(command.words));
  if (/\.py$/.test(words[0]?.value ?? '') && words[0].value!.includes('/')) return words[0];
  if (!isPython(base(words[0]))) return undefined;
  for (let i = 1; i < words.length; i++) {
    const v = words[i].value;
    if (v === undefined) return undefined;
    if (v === '-c' || v === '-m' || v === '-') return undefined;
    if (v === '-W' || v === '-X' || v === '--check-hash-based-pycs') { i++; continue; }
    if (v.startsWith('-')) continue;
    return /\.py$/.test(v) ? words[i] : undefined;
  }
  return undefined;
}

/**
 * The model downloads of one command: a CLI (`huggingface-cli download`, `python -m spacy download`,
 * `python -m nltk.downloader`), `python -c '…'` / `python <<EOF` code (`heredocs`: the RUN's heredoc bodies,
 * asked for only then), or a script whose text `scriptText` returns (undefined when it is not known).
 */
export function modelCallsOf(command: ShellCommand, heredocs: () => readonly string[], scriptText: (script: ShellWord) => { path: string; text: string } | undefined): ModelCalls | undefined {
  const words = unwrapRunner(unwrapCommand(command.words));
  const tool = base(words[0]);
  const v = words.map(w => w.value ?? '');
  if (tool === 'huggingface-cli' || tool === 'hf') {
    if (v[1] !== 'download') return undefined;
    const what = `${tool} download`;
    const explicitDir = v.some(x => /^--(local-dir|cache-dir)(=|$)/.test(x));
    return { what, calls: [{ what, tool: 'huggingface' }], explicitDir };
  }
  if (isPython(tool)) {
    const m = v.indexOf('-m');
    if (m > 0) {
      if (v[m + 1] === 'spacy' && v[m + 2] === 'download') return { what: 'python -m spacy download', calls: [{ what: 'python -m spacy download', tool: 'spacy' }], explicitDir: false };
      if (v[m + 1] === 'nltk.downloader') {
        const explicitDir = v.some(x => x === '-d' || /^--dir(=|$)/.test(x) || (x.startsWith('-d') && !x.startsWith('--')));
        return { what: 'python -m nltk.downloader', calls: [{ what: 'python -m nltk.downloader', tool: 'nltk' }], explicitDir };
      }
      return undefined;
    }
  }
  let code: string | undefined;
  let script: string | undefined;
  const scriptWord = pythonScriptOf(command);
  if (scriptWord) {
    const found = scriptText(scriptWord);
    if (!found) return undefined;
    code = found.text;
    script = found.path;
  } else if (isPython(tool)) code = pythonCode(words, heredocs());
  if (code === undefined) return undefined;
  const calls = pythonModelCalls(code);
  if (calls.length === 0) return undefined;
  return { what: calls[0].what, calls, explicitDir: EXPLICIT_DIR.test(code), ...(script !== undefined ? { script } : {}) };
}

/** Where one download tool keeps its files for a user and environment. */
export interface ModelStore {
  readonly tool: Exclude<ModelTool, 'spacy'>;
  /** The variable that moves the store when set on the command (the one that wins over the others). */
  readonly variable: string;
  /** Absolute directory; empty when `unknown`. */
  readonly dir: string;
  /** The variable of the Dockerfile that decided `dir`, when one did. */
  readonly fromEnv?: string;
  /** The directory depends on a value this Dockerfile does not give (`ENV HF_HOME=$X`, a numeric USER's home). */
  readonly unknown?: string;
}

const HUB_VARS = ['HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE'];
const TRANSFORMERS_VARS = ['TRANSFORMERS_CACHE', 'PYTORCH_TRANSFORMERS_CACHE', 'PYTORCH_PRETRAINED_BERT_CACHE'];

/** `$VAR` in a store path: a variable declared with a value this Dockerfile does not know. */
function declaredUnknown(env: EnvScope, names: readonly string[]): string | undefined {
  return names.find(n => env.has(n) && env.get(n) === undefined);
}

type Fallback = { readonly dir: string; readonly usesHome: boolean; readonly via?: string } | { readonly unknown: string; readonly via: string };

function store(tool: ModelStore['tool'], variable: string, env: EnvScope, user: UserFact, names: readonly string[], fallback: () => Fallback): ModelStore {
  const unknownVar = declaredUnknown(env, names);
  if (unknownVar) return { tool, variable, dir: '', fromEnv: unknownVar, unknown: `$${unknownVar}` };
  for (const n of names) {
    const v = env.get(n);
    // the inline variable must be one that wins over the one that decided (TRANSFORMERS_CACHE over HF_HUB_CACHE)
    if (v) return { tool, variable: names.indexOf(n) <= names.indexOf(variable) ? n : variable, dir: normalisePath(v.split(':')[0]), fromEnv: n };
  }
  const f = fallback();
  if ('unknown' in f) return { tool, variable, dir: '', fromEnv: f.via, unknown: f.unknown };
  if (f.usesHome && user.homeUnknown) return { tool, variable, dir: '', unknown: `${f.dir.replace(user.home, '~')} of USER ${user.name}` };
  return { tool, variable, dir: normalisePath(f.dir), ...(f.via ? { fromEnv: f.via } : {}) };
}

/** The first of `names` declared with a value this Dockerfile does not know, as a fallback. */
const unknownOf = (env: EnvScope, names: readonly string[]): Fallback | undefined => {
  const n = declaredUnknown(env, names);
  return n ? { unknown: `$${n}`, via: n } : undefined;
};

/**
 * The store of one call. Hugging Face: HF_HUB_CACHE (transformers: TRANSFORMERS_CACHE first), else
 * $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. torch hub:
 * $TORCH_HOME, else $XDG_CACHE_HOME/torch, else ~/.cache/torch. NLTK: the first entry of NLTK_DATA,
 * else ~/nltk_data. sentence-transformers (2.3 and later): SENTENCE_TRANSFORMERS_HOME, else the
 * Hugging Face hub cache.
 */
export function modelStoreOf(call: { what: string; tool: Exclude<ModelTool, 'spacy'> }, env: EnvScope, user: UserFact): ModelStore {
  const home = user.home;
  const xdg = env.get('XDG_CACHE_HOME');
  const hf = (): ModelStore => {
    const names = TRANSFORMERS_CALLS.has(call.what) ? [...TRANSFORMERS_VARS, ...HUB_VARS] : HUB_VARS;
    const hfHome = env.get('HF_HOME');
    return store('huggingface', 'HF_HUB_CACHE', env, user, names, () => unknownOf(env, ['HF_HOME', 'XDG_CACHE_HOME'])
      ?? (hfHome ? { dir: `${hfHome}/hub`, usesHome: false, via: 'HF_HOME' }
        : xdg ? { dir: `${xdg}/huggingface/hub`, usesHome: false, via: 'XDG_CACHE_HOME' }
          : { dir: `${home}/.cache/huggingface/hub`, usesHome: true }));
  };
  switch (call.tool) {
    case 'huggingface':
      return hf();
    case 'sentence-transformers':
      if (env.has('SENTENCE_TRANSFORMERS_HOME')) return store('sentence-transformers', 'SENTENCE_TRANSFORMERS_HOME', env, user, ['SENTENCE_TRANSFORMERS_HOME'], () => ({ unknown: '$SENTENCE_TRANSFORMERS_HOME', via: 'SENTENCE_TRANSFORMERS_HOME' }));
      return { ...hf(), tool: 'sentence-transformers' };
    case 'torch':
      return store('torch', 'TORCH_HOME', env, user, ['TORCH_HOME'], () => unknownOf(env, ['XDG_CACHE_HOME'])
        ?? (xdg ? { dir: `${xdg}/torch`, usesHome: false, via: 'XDG_CACHE_HOME' } : { dir: `${home}/.cache/torch`, usesHome: true }));
    case 'nltk':
      return store('nltk', 'NLTK_DATA', env, user, ['NLTK_DATA'], () => ({ dir: `${home}/nltk_data`, usesHome: true }));
  }
}
