/**
 * An answer computed for one version of a document: `compute` runs again when the document changed while
 * it ran (its answer is for an older text) or when it was cancelled (VS Code cancels a code-action
 * request whose document changes), at most `attempts` times. Undefined when it never finished for an
 * unchanged document: the caller applies nothing.
 */
export async function forStableVersion<T>(version: () => number, compute: () => Promise<T>, isCancellation: (e: unknown) => boolean, attempts = 3): Promise<{ value: T; version: number } | undefined> {
  for (let i = 0; i < attempts; i++) {
    const before = version();
    try {
      const value = await compute();
      if (version() === before) return { value, version: before };
    } catch (e) {
      if (!isCancellation(e)) throw e;
    }
  }
  return undefined;
}

/** VS Code's cancellation error (`vscode.CancellationError` is named `Canceled`), also when it crossed from the renderer as a plain Error. */
export const isCancellationError = (e: unknown): boolean => e instanceof Error && e.name === 'Canceled';
