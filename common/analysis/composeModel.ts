/**
 * A Compose file parsed once with `yaml` (source positions kept): the services with the parts the
 * caching rules read — `build` (short or long form), `image`, `build.cache_from`/`cache_to`,
 * `build.args` and `environment` in both their map and list spellings.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseSuppressions } from './suppressions';

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
  /**
   * Set when the service, its `build:` or its `args`/`environment` come through a YAML alias or a
   * `<<:` merge key: that text is shared with whatever else uses the anchor, so a fix there would change
   * other services too. Findings still count; fixes are withheld (the reason says so).
   */
  readonly shared?: string;
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

export const keyName = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : '');
export const pairNamed = (m: YAMLMap | undefined, name: string) => m?.items.find(p => keyName(p) === name);

/** How far anchors are followed: Compose files nest `<<:` a level or two; more is a bomb, not a file. */
export const MAX_ALIAS_DEPTH = 8;

/** A node with an alias resolved (one step per level, bounded), or undefined. */
export function deref(doc: Document, n: unknown, depth = 0): unknown {
  let cur = n;
  for (let i = 0; isAlias(cur) && i + depth < MAX_ALIAS_DEPTH; i++) cur = cur.resolve(doc);
  return isAlias(cur) ? undefined : cur;
}

/**
 * `name` in a mapping, following YAML merge keys (`<<: *base`, `<<: [*a, *b]`) the way Compose does:
 * the mapping's own key wins, then the merged maps in order. `via` says whether an anchor was crossed.
 */
export function lookup(doc: Document, m: YAMLMap | undefined, name: string, depth = 0): { pair: Pair; via: boolean } | undefined {
  if (!m || depth > MAX_ALIAS_DEPTH) return undefined;
  const own = pairNamed(m, name);
  if (own) return { pair: own, via: false };
  for (const p of m.items) {
    if (keyName(p) !== '<<') continue;
    const v = deref(doc, p.value, depth);
    const sources = isSeq(v) ? v.items.map(x => deref(doc, x, depth)) : [v];
    for (const src of sources) {
      if (!isMap(src)) continue;
      const hit = lookup(doc, src, name, depth + 1);
      if (hit) return { pair: hit.pair, via: true };
    }
  }
  return undefined;
}

/** The value of a pair with an alias resolved: `args: *common-args`. */
function pairValue(doc: Document, p: Pair | undefined): { value: unknown; via: boolean } {
  if (!p) return { value: undefined, via: false };
  return { value: deref(doc, p.value), via: isAlias(p.value) };
}
export const nodeStart = (n: Node | null | undefined) => n?.range?.[0] ?? 0;
export const nodeEnd = (n: Node | null | undefined) => n?.range?.[1] ?? 0;

function entries(owner: Pair | undefined, doc: TextDocument, yaml: Document): ComposeEntry[] {
  if (!owner) return [];
  const c = deref(yaml, owner.value);
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

/** `args` and `environment`, and what makes any of the service's parts shared with other YAML. */
function sharedParts(yaml: Document, node: YAMLMap, buildMap: YAMLMap | undefined, via: string[], document: TextDocument) {
  const argsHit = lookup(yaml, buildMap, 'args');
  const envHit = lookup(yaml, node, 'environment');
  if (argsHit?.via || (argsHit && isAlias(argsHit.pair.value))) via.push('its build args come from an anchor');
  if (envHit?.via || (envHit && isAlias(envHit.pair.value))) via.push('its environment comes from an anchor');
  return {
    args: entries(argsHit?.pair, document, yaml),
    environment: entries(envHit?.pair, document, yaml),
    ...(via.length ? { shared: via[0] } : {}),
  };
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
      if (keyName(p) === '<<') continue;
      const node = deref(yaml, p.value);
      if (!isMap(node)) continue;
      const via: string[] = [];
      if (isAlias(p.value)) via.push('the service is an alias of an anchor');
      const buildHit = lookup(yaml, node, 'build');
      if (buildHit?.via) via.push('its `build:` comes from a `<<:` merge key');
      const build = buildHit?.pair;
      const buildValue = pairValue(yaml, build);
      if (buildValue.via) via.push('its `build:` is an alias');
      const buildMap = isMap(buildValue.value) ? buildValue.value : undefined;
      const imagePair = lookup(yaml, node, 'image')?.pair;
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
        cacheFrom: lookup(yaml, buildMap, 'cache_from')?.pair,
        cacheTo: lookup(yaml, buildMap, 'cache_to')?.pair,
        ...sharedParts(yaml, node, buildMap, via, document),
      });
    }
  }
  const sup = parseSuppressions(text, line => /^\s*(#|$)/.test(line));
  return { text, document, yaml, eol: /\r\n/.test(text) ? '\r\n' : '\n', services, errors, ignoredGlobally: sup.global, ignoredAt: sup.at };
}

