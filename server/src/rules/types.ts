import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel } from '../../../common/analysis/model';
import type { CacheAdvisorSettings, Severity } from '../../../common/settings';
import type { WorkspaceFacts } from '../../../common/analysis/workspace';

export type { DockerfileShape, PerBuildArgUse, WorkspaceFacts } from '../../../common/analysis/workspace';

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


/** What a rule of any file kind reads: the parsed file, the settings, and the workspace facts. */
export interface RuleContextOf<M> {
  readonly model: M;
  readonly settings: CacheAdvisorSettings;
  /** Facts about the build context; empty for kinds that do not read it (lint/fileKind.ts). */
  readonly workspace: WorkspaceFacts;
}

/** A rule over one file kind: metadata and a pure check over that kind's model. */
export interface RuleOf<M> {
  readonly meta: RuleMeta;
  check(ctx: RuleContextOf<M>): RuleFinding[];
}

export type RuleContext = RuleContextOf<DockerfileModel>;

/** A Dockerfile rule: metadata and a pure check over the analysed Dockerfile. */
export type Rule = RuleOf<DockerfileModel>;

export const docsFor = (id: string) => `${DOCS_BASE}#${id}`;
