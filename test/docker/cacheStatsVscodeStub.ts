/**
 * The few `vscode` API pieces the Build Cache provider uses, for running it under mocha. Loaded
 * through requireWithVscodeStub() (Module._resolveFilename), only by the specs that need it.
 */
import Module = require('module');

export class EventEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  readonly event = (l: (e: T) => void) => { this.listeners.push(l); return { dispose: () => { this.listeners = this.listeners.filter(x => x !== l); } }; };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners = []; }
}
export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export class ThemeColor { constructor(readonly id: string) {} }
export class ThemeIcon { constructor(readonly id: string, readonly color?: ThemeColor) {} }
export class MarkdownString { constructor(readonly value: string) {} }
export class TreeItem {
  id?: string; description?: string; tooltip?: MarkdownString | string; contextValue?: string;
  iconPath?: ThemeIcon; command?: { command: string; title: string; arguments?: unknown[] };
  constructor(readonly label: string, readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

/**
 * Load `modulePath` with `require('vscode')` resolving to this stub, then put the resolver back so
 * no other spec sees the stub.
 */
export function requireWithVscodeStub<T>(modulePath: string): T {
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? __filename : original.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded while the vscode hook is in place, by path
    return require(modulePath) as T;
  } finally {
    M._resolveFilename = original;
  }
}
