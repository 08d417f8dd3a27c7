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
