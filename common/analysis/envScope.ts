/**
 * ENV/ARG values in scope, as a persistent map: each instruction that sets a variable makes a small
 * child scope instead of copying every variable, so a file with thousands of ENV lines stays linear
 * in memory. Chains are flattened every FLATTEN_EVERY levels so lookups stay short.
 */
const FLATTEN_EVERY = 32;

/**
 * How far `$VAR` expansion may grow text. Values are stored expanded, so `ENV B=$A$A…` lines chained
 * a few times grow tenfold per line and would reach gigabytes; past a budget the value is unknown,
 * which the rules already treat conservatively (no finding that depends on it, no fix).
 */
export const EXPANSION_LIMITS = {
  /** Characters one expanded value may gain over its source text (a long PATH is a few hundred). */
  perValue: 32 * 1024,
  /** Characters all expansions of one analysis may gain together: bounds memory whatever the file. */
  total: 4 * 1024 * 1024,
} as const;

/** The expansion growth one analysis may still spend (see EXPANSION_LIMITS). */
export class ExpansionBudget {
  constructor(private remaining: number = EXPANSION_LIMITS.total) {}

  /** Spend `chars`; false (and nothing spent) when they are not left. */
  take(chars: number): boolean {
    if (chars > this.remaining) return false;
    this.remaining -= chars;
    return true;
  }
}

export class EnvScope implements ReadonlyMap<string, string | undefined> {
  private constructor(
    private readonly own: Map<string, string | undefined>,
    private readonly parent: EnvScope | undefined,
    private readonly depth: number,
  ) {}

  static empty(): EnvScope {
    return new EnvScope(new Map(), undefined, 0);
  }

  static from(entries: Iterable<[string, string | undefined]>): EnvScope {
    return new EnvScope(new Map(entries), undefined, 0);
  }

  /** A scope with one more variable set. */
  with(name: string, value: string | undefined): EnvScope {
    if (this.depth + 1 >= FLATTEN_EVERY) {
      const flat = new Map(this.entries());
      flat.set(name, value);
      return new EnvScope(flat, undefined, 0);
    }
    return new EnvScope(new Map([[name, value]]), this, this.depth + 1);
  }

  get(name: string): string | undefined {
    for (let s: EnvScope | undefined = this; s; s = s.parent) if (s.own.has(name)) return s.own.get(name);
    return undefined;
  }

  has(name: string): boolean {
    for (let s: EnvScope | undefined = this; s; s = s.parent) if (s.own.has(name)) return true;
    return false;
  }

  get size(): number {
    return [...this.keys()].length;
  }

  *entries(): IterableIterator<[string, string | undefined]> {
    const seen = new Set<string>();
    for (let s: EnvScope | undefined = this; s; s = s.parent) {
      for (const [k, v] of s.own) {
        if (seen.has(k)) continue;
        seen.add(k);
        yield [k, v];
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<string | undefined> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string | undefined]> {
    return this.entries();
  }

  forEach(cb: (value: string | undefined, key: string, map: ReadonlyMap<string, string | undefined>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }
}
