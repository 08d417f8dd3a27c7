import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel } from '../analysis/model';
import type { CacheAdvisorSettings, Severity } from '../settings';

/** Where the rules' documentation lives; each rule links to its own section. */
export const DOCS_BASE = 'https://github.com/cache-advisor/dockerfile-cache-advisor/blob/main/docs/rules.md';

export interface RuleMeta {
  /** Stable kebab-case id, used as `Diagnostic.code` and in settings and suppressions. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  readonly description: string;
  /** Link to the rule's documentation section. */
  readonly docs: string;
}

/** A file to create next to the Dockerfile (for example a .dockerignore). */
export interface FileCreation {
  /** Path relative to the build context folder. */
  readonly path: string;
  readonly content: string;
}

/** One way to fix a finding: text edits to the Dockerfile, and files to create. */
export interface Fix {
  readonly title: string;
  /** Safe to apply without looking: used by fix-all and `--fix`. */
  readonly preferred: boolean;
  readonly edits: readonly TextEdit[];
  readonly createFiles?: readonly FileCreation[];
}

export interface RelatedInfo {
  readonly range: Range;
  readonly message: string;
}

/** What a rule reports; the engine adds the rule id and the effective severity. */
export interface RuleFinding {
  readonly range: Range;
  readonly message: string;
  /** Overrides the rule's default severity for this finding (e.g. OS package managers). */
  readonly severity?: Severity;
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly Fix[];
}

export interface Finding extends RuleFinding {
  readonly rule: string;
  readonly severity: Severity;
}

/** Facts about the files around the Dockerfile, gathered by the caller (the rules never touch the disk). */
export interface WorkspaceFacts {
  /** Relative posix paths of files in the build context, when known. */
  readonly contextFiles?: ReadonlySet<string>;
  /** Relative posix paths of directories in the build context, when known. */
  readonly contextDirs?: ReadonlySet<string>;
  /**
   * The ignore file that applies to the build (`.dockerignore` at the context root, or
   * `<Dockerfile name>.dockerignore` next to the Dockerfile), as a display name; null when neither
   * exists; undefined when not known.
   */
  readonly ignoreFile?: string | null;
  /**
   * Build arguments that a Compose file or CI workflow of the workspace passes a per-build value
   * (`$(git rev-parse HEAD)`, `${GITHUB_SHA}`, `$(date …)`), by name; undefined when not known.
   */
  readonly perBuildArgs?: Readonly<Record<string, readonly PerBuildArgUse[]>>;
  /**
   * Texts of the context's files that say what an install reads besides its manifests (package.json,
   * pnpm-workspace.yaml, requirements files, go.mod, Cargo.toml …; lockfiles reduced to their lines
   * naming local paths), keyed by context-relative path. A listed file missing here could not be read.
   */
  readonly installFiles?: Readonly<Record<string, string>>;
  /**
   * How the build context was found: named by a Compose file or the `buildContext` setting, inferred
   * from the paths the Dockerfile copies, or only assumed to be the Dockerfile's folder (a guess when the
   * folder sits inside a repository and the Dockerfile copies nothing by name that would confirm it).
   */
  readonly contextOrigin?: 'compose' | 'setting' | 'inferred' | 'dockerfile-folder' | 'guessed';
}

/** Where a build argument gets a value that changes on every build. */
export interface PerBuildArgUse {
  /** Path relative to the workspace root, with `/`. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** The value as written there. */
  readonly value: string;
}

export interface RuleContext {
  readonly model: DockerfileModel;
  readonly settings: CacheAdvisorSettings;
  readonly workspace: WorkspaceFacts;
}

/** A rule: metadata and a pure check over the analysed Dockerfile. */
export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): RuleFinding[];
}

export const docsFor = (id: string) => `${DOCS_BASE}#${id}`;
