/** What the analysis may know about a Dockerfile's surroundings: the build context's files, its ignore file, per-build arguments. */

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
   * Texts of the context's small Python scripts that download models (`from_pretrained`,
   * `snapshot_download`, `torch.hub.load`, `nltk.download` …), keyed by context-relative path: what a
   * `RUN python download.py` fetches. A script missing here downloads nothing known, or could not be read.
   */
  readonly modelScripts?: Readonly<Record<string, string>>;
  /**
   * How the build context was found: named by a Compose file or the `buildContext` setting, inferred
   * from the paths the Dockerfile copies, or only assumed to be the Dockerfile's folder (a guess when the
   * folder sits inside a repository and the Dockerfile copies nothing by name that would confirm it).
   */
  readonly contextOrigin?: 'compose' | 'setting' | 'inferred' | 'dockerfile-folder' | 'guessed';
  /**
   * The Dockerfiles a CI workflow builds, keyed by path relative to the repository root, with their
   * stages; a Dockerfile that could not be read (missing, too large, outside the workspace) is absent.
   */
  readonly dockerfiles?: Readonly<Record<string, DockerfileShape>>;
}

/** What the CI rules need to know of a Dockerfile: its stages, in order. */
export interface DockerfileShape {
  readonly stages: ReadonlyArray<{ readonly name?: string; /** The index of the stage it builds on (`FROM <stage>`). */ readonly parent?: number }>;
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
