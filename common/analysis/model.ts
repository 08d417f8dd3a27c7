import type { ParserDirective, Flag, Instruction, JSONArgument } from 'dockerfile-ast';
import type { DockerfileParse } from './dockerfileParse';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import type { MountFact } from './mounts';
import type { PackageInvocation } from './packageManagers';
import type { ShellScript } from './shell';
import type { UserFact } from './users';
import type { EnvScope } from './cacheTargets';

/** What a COPY/ADD source is, as far as caching goes. */
export type SourceKind =
  /** `.`, `./`, `*`: the whole build context */
  | 'context'
  /** a directory such as `src/` or `app` */
  | 'directory'
  /** a glob over code such as `*.py` */
  | 'glob'
  /** a single source-code file such as `main.py` */
  | 'source-file'
  /** a dependency manifest or lockfile such as `requirements.txt`, `package*.json` */
  | 'manifest'
  /** any other single file (configuration, scripts) */
  | 'file';

export interface CopySource {
  readonly value: string;
  readonly range: Range;
  readonly kind: SourceKind;
}

/** Facts about a COPY or ADD. */
export interface CopyFact {
  readonly sources: readonly CopySource[];
  readonly dest?: { readonly value: string; readonly range: Range };
  /** Absolute destination, resolved against WORKDIR (a trailing slash kept when written). */
  readonly destAbs?: string;
  /** `--from=<stage|image>`: sources do not come from the build context. */
  readonly from?: string;
  /** The stage index `--from` names, when it names a stage of this file. */
  readonly fromStage?: number;
  readonly heredoc: boolean;
  readonly flags: readonly Flag[];
  /** True when any source is the context, a directory, a glob over code or a source file. */
  readonly broad: boolean;
}

/**
 * Facts about a RUN. Made from the RUN's own text only, so a RUN an edit did not touch keeps this object
 * (and its commands, words and invocations) from one version of the document to the next (analyze.ts):
 * anything cached by one of these objects must not depend on the instructions around the RUN (ENV, ARG,
 * USER, WORKDIR, stage); key such things by the InstructionFact, which is new in every version.
 */
export interface RunFact {
  readonly form: 'shell' | 'exec';
  readonly flags: readonly Flag[];
  readonly mounts: readonly MountFact[];
  readonly script: ShellScript;
  readonly invocations: readonly PackageInvocation[];
  /** Document offset where the command text starts (after the flags): where text can be prepended. */
  readonly commandStart: number;
  /** Exec form: the JSON strings. */
  readonly execStrings?: readonly JSONArgument[];
}

/** One instruction with the build state in effect when it runs. */
export interface InstructionFact {
  /** Position among all instructions of the file. */
  readonly index: number;
  readonly keyword: string;
  readonly node: Instruction;
  readonly range: Range;
  /** The stage it belongs to; undefined for ARGs before the first FROM. */
  readonly stage?: StageFact;
  /** ENV and ARG values in scope before this instruction runs (undefined value: declared, not known). */
  readonly env: EnvScope;
  readonly user: UserFact;
  readonly workdir: string;
  readonly run?: RunFact;
  readonly copy?: CopyFact;
  /** True for an instruction inside `ONBUILD`. */
  readonly onbuild: boolean;
}

export interface StageFact {
  readonly index: number;
  readonly name?: string;
  /** The image of the FROM line, with variables expanded when known. */
  readonly image: string;
  /** The stage this one builds on (`FROM <stage>`). */
  readonly parent?: number;
  readonly from: InstructionFact;
  /** Instructions after FROM, in order. */
  readonly instructions: InstructionFact[];
}

/** A parsed Dockerfile with the facts every rule reads; built once per document version. */
export interface DockerfileModel {
  readonly text: string;
  readonly document: TextDocument;
  /** The dockerfile-ast parse (kept, so that the next version's parse can reuse what an edit did not touch). */
  readonly parse: DockerfileParse;
  /** The parser directives (`# syntax=`, `# escape=`) at the top of the file. */
  readonly directives: readonly ParserDirective[];
  readonly escapeChar: string;
  readonly eol: '\n' | '\r\n';
  readonly instructions: readonly InstructionFact[];
  readonly stages: readonly StageFact[];
  /** Rule ids ignored for the whole file. */
  readonly ignoredGlobally: ReadonlySet<string>;
  /** Rule ids ignored per instruction start line. */
  readonly ignoredAt: ReadonlyMap<number, ReadonlySet<string>>;
}
