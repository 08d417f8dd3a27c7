/** Where a CLI command writes; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdin is a terminal a person can answer prompts on. */
  readonly interactive: boolean;
  /** Ask a yes/no question (only called when interactive). */
  confirm(question: string): Promise<boolean>;
}

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Text from repositories and from the engine (Dockerfile lines, file names, build-cache
 * descriptions) can carry terminal escape sequences that recolour, hide or rewrite what a person
 * sees, or talk to the terminal itself (OSC 52 clipboard writes). Every control character except tab
 * and line feed (C0, DEL, C1; ESC included, which disarms every escape sequence) is written as a
 * `\u00XX` escape. The same spelling is a valid JSON escape of the same character, so JSON and SARIF
 * output stay valid and mean the same; JSON.stringify already escapes C0 but leaves DEL and C1 raw.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The same IO with every text escaped for a terminal (see escapeControls). */
export function terminalSafeIO(io: CliIO): CliIO {
  return {
    out: t => io.out(escapeControls(t)),
    err: t => io.err(escapeControls(t)),
    get interactive() { return io.interactive; },
    confirm: q => io.confirm(escapeControls(q)),
  };
}
