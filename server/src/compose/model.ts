/**
 * A Compose file parsed once with `yaml` (source positions kept): the services with the parts the
 * caching rules read — `build` (short or long form), `image`, `build.cache_from`/`cache_to`,
 * `build.args` and `environment` in both their map and list spellings.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseSuppressions } from '../analysis/suppressions';

/** One `KEY: value` or `- KEY=value` entry of `args` / `environment`. */
export interface ComposeEntry {
  readonly name: string;
  /** The value as a string; undefined for `- KEY` or `KEY:` with no value. */
  readonly value: string | undefined;
  /** Document offsets of the whole entry (key and value). */
  readonly start: number;
  readonly end: number;
  readonly range: Range;
  /** The collection holding it and its index there. */
  readonly container: YAMLMap | YAMLSeq;
  readonly index: number;
  /** The `args:` / `environment:` pair the collection is the value of. */
  readonly owner: Pair;
}

export interface ComposeService {
  readonly name: string;
  /** The service's key (`web:`), where service-wide findings go. */
  readonly keyRange: Range;
  readonly node: YAMLMap;
  /** The `build:` pair; its value is a string (context) or a map. */
  readonly build?: Pair;
  readonly buildMap?: YAMLMap;
  readonly image?: { readonly value: string; readonly range: Range };
  readonly cacheFrom?: Pair;
  readonly cacheTo?: Pair;
  readonly args: readonly ComposeEntry[];
  readonly environment: readonly ComposeEntry[];
}

export interface ComposeModel {
  readonly text: string;
  readonly document: TextDocument;
  readonly yaml: Document;
  readonly eol: '\n' | '\r\n';
  readonly services: readonly ComposeService[];
  /** YAML syntax errors, as messages with their offsets. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly offset: number }>;
  readonly ignoredGlobally: ReadonlySet<string>;
  /** Rule ids ignored per line (the line below a `# cache-advisor ignore=` comment). */
  readonly ignoredAt: ReadonlyMap<number, ReadonlySet<string>>;
}

const keyName = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : '');
const pairNamed = (m: YAMLMap | undefined, name: string) => m?.items.find(p => keyName(p) === name);
export const nodeStart = (n: Node | null | undefined) => n?.range?.[0] ?? 0;
export const nodeEnd = (n: Node | null | undefined) => n?.range?.[1] ?? 0;

function entries(owner: Pair | undefined, doc: TextDocument): ComposeEntry[] {
  if (!owner) return [];
  const c = owner.value;
  const range = (s: number, e: number) => ({ start: doc.positionAt(s), end: doc.positionAt(e) });
  if (isMap(c)) {
    return c.items.map((p, index) => {
      const start = nodeStart(p.key as Node);
      const end = p.value ? Math.max(nodeEnd(p.value as Node), nodeEnd(p.key as Node)) : nodeEnd(p.key as Node);
      const v = isScalar(p.value) ? p.value.value : undefined;
      return { name: keyName(p), value: v === null || v === undefined ? undefined : String(v), start, end, range: range(start, end), container: c, index, owner };
    });
  }
  if (isSeq(c)) {
    return c.items.flatMap((item, index) => {
      if (!isScalar(item)) return [];
      const s = String(item.value ?? '');
      const eq = s.indexOf('=');
      const start = nodeStart(item);
      const end = nodeEnd(item);
      return [{ name: eq < 0 ? s : s.slice(0, eq), value: eq < 0 ? undefined : s.slice(eq + 1), start, end, range: range(start, end), container: c, index, owner }];
    });
  }
  return [];
}

/** Parse a Compose file. Never throws: YAML errors are listed and the services found are kept. */
export function parseCompose(text: string): ComposeModel {
  const document = TextDocument.create('file:///compose.yaml', 'yaml', 0, text);
  const yaml = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  const errors = yaml.errors.map(e => ({ message: e.message, offset: e.pos[0] }));
  const services: ComposeService[] = [];
  const root = isMap(yaml.contents) ? yaml.contents : undefined;
  const servicesNode = pairNamed(root, 'services')?.value;
  if (isMap(servicesNode)) {
    for (const p of servicesNode.items) {
      if (!isMap(p.value)) continue;
      const node = p.value;
      const build = pairNamed(node, 'build');
      const buildMap = isMap(build?.value) ? build!.value : undefined;
      const imagePair = pairNamed(node, 'image');
      const image = isScalar(imagePair?.value) && imagePair!.value.value !== null
        ? { value: String(imagePair!.value.value), range: { start: document.positionAt(nodeStart(imagePair!.value as Node)), end: document.positionAt(nodeEnd(imagePair!.value as Node)) } }
        : undefined;
      services.push({
        name: keyName(p),
        keyRange: { start: document.positionAt(nodeStart(p.key as Node)), end: document.positionAt(nodeEnd(p.key as Node)) },
        node,
        build: build && isPair(build) ? build : undefined,
        buildMap,
        image,
        cacheFrom: pairNamed(buildMap, 'cache_from'),
        cacheTo: pairNamed(buildMap, 'cache_to'),
        args: entries(pairNamed(buildMap, 'args'), document),
        environment: entries(pairNamed(node, 'environment'), document),
      });
    }
  }
  const sup = parseSuppressions(text, line => /^\s*(#|$)/.test(line));
  return { text, document, yaml, eol: /\r\n/.test(text) ? '\r\n' : '\n', services, errors, ignoredGlobally: sup.global, ignoredAt: sup.at };
}

/** Names the CLI and the server treat as Compose files. */
export const isComposeFileName = (name: string) =>
  /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i.test(name) || /^.+\.compose\.ya?ml$/i.test(name);
