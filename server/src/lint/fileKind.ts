/**
 * A file kind: what the one lint engine (linter.ts) must know about a kind of file to lint it, fix it
 * and check a fix before it is offered. The engine does everything else the same way for every kind:
 * the size limit, settings and severities, suppression comments, a failing rule reported instead of
 * thrown, applying edits, fix-all's passes and cycle guards, and the language server's code actions.
 *
 * Dockerfiles (kinds/dockerfile.ts), Compose files (kinds/compose.ts) and CI workflows (kinds/ci.ts)
 * are the adapters today. A new kind is:
 *  1. a model in common/analysis/ that parses the text once and never throws (it carries the text, a
 *     TextDocument for offsets, its line ending and its suppression comments: {@link LintedModel});
 *  2. its rules in server/src/rules/<kind>/, one per file named after the rule id, typed `RuleOf<Model>`;
 *  3. an adapter in kinds/<kind>.ts implementing {@link FileKind};
 *  4. one entry in FILE_KINDS (fileKinds.ts), which decides which documents and files are that kind.
 * Nothing in the CLI, the language server or the worker changes: they only ever hold a FileKind.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';
import type { Fix, RuleOf } from '../rules/types';

/** What the engine reads of every kind's model. */
export interface LintedModel {
  readonly text: string;
  /** Offsets ↔ positions of `text`. */
  readonly document: TextDocument;
  readonly eol: '\n' | '\r\n';
  /** Rule ids a `# cache-advisor global ignore=` comment turns off for the whole file. */
  readonly ignoredGlobally: ReadonlySet<string>;
}

/** One kind of file the engine lints; `M` is the kind's parsed model. */
export interface FileKind<M extends LintedModel = LintedModel> {
  /** Stable id (`dockerfile`, `compose`): worker messages name the kind by it. */
  readonly id: string;
  /** How a title names a file of this kind: "Fix all caching problems in this <noun>". */
  readonly noun: string;
  /** Editor language ids that are always this kind, whatever the file is called. */
  readonly languageIds: readonly string[];
  /** Whether a file path (`/`-separated, decoded) is this kind by its name or place. */
  claimsPath(path: string): boolean;
  /**
   * Whether the rules read the build context (its listing, its .dockerignore): the CLI and the server
   * gather workspace facts only for such kinds; the others get `{}`.
   */
  readonly readsBuildContext: boolean;
  /**
   * Other files of the repository whose facts the rules read — the Dockerfiles a CI workflow builds —
   * as paths relative to `root`, the repository a file of this kind at `file` belongs to. The CLI and
   * the server read them (bounded, inside `root`) into `WorkspaceFacts.dockerfiles`; the rules never do.
   */
  referencedDockerfiles?(model: M, file: string): { readonly root: string; readonly paths: readonly string[] };
  /** The kind's rules, in the order their findings and fixes are considered. */
  readonly rules: readonly RuleOf<M>[];
  /**
   * Parse once; never throws (a syntax error is the rules' business, or nobody's). `previous` is the
   * model of an earlier version of the same document: a kind may reuse what the edit did not touch.
   */
  parse(text: string, previous?: M): M;
  /** A `# cache-advisor ignore=<id>` comment covers a finding of rule `id` starting on `line`. */
  isSuppressed(model: M, id: string, line: number): boolean;
  /**
   * The kind's half of checking a fix: `next` (the text with the fix applied; the engine has already
   * refused overlapping edits and fixes that change nothing) still parses, and everything the fix did
   * not mean to change is still there. False: the fix is not offered and fix-all skips it.
   */
  keepsStructure(model: M, next: string, fix: Fix): boolean;
  /**
   * The parts of the file a fix touches (instruction indexes, say). Fix-all applies fixes with disjoint
   * footprints in one pass; without a footprint it applies one fix per pass and re-parses in between.
   */
  footprint?(model: M, fix: Fix): Iterable<number>;
  /**
   * Let go of what the parse kept only to make the rules fast (the Dockerfile kind drops dockerfile-ast's
   * kept arguments, about 40% of a kept model's heap, from every model but this one, whose next version
   * re-uses them). The engine calls it once the rules have run.
   */
  release?(model: M): void;
  /** The quick fix that silences rule `id` for the finding on `line`, or undefined when there is no place for one. */
  ignoreAction(model: M, id: string, line: number): { readonly title: string; readonly edit: TextEdit } | undefined;
}
