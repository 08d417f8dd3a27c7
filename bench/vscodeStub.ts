/**
 * A stand-in for the `vscode` module, used ONLY by the activation benchmark (bench/activate.ts) so the
 * bundled client's activate() can run in plain Node: it is injected through Module._resolveFilename in
 * that child process and nowhere else. It implements what vscode-languageclient and the extension
 * touch while activating (events, disposables, output channels, diagnostic collections, configuration,
 * commands); any other member resolves to an inert object that returns disposables, so a new command
 * or view registered at activation does not break the measurement.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a stand-in for the whole vscode API, whose members are looked up by name */
import * as path from 'path';

type Listener = (e: unknown) => unknown;

export class Disposable {
  static from(...ds: Array<{ dispose(): unknown }>): Disposable { return new Disposable(() => ds.forEach(d => d?.dispose?.())); }
  constructor(private readonly fn: () => unknown = () => undefined) {}
  dispose(): void { this.fn(); }
}

export class EventEmitter {
  private readonly listeners = new Set<Listener>();
  readonly event = (l: Listener, thisArg?: unknown, ds?: Disposable[]) => {
    const f: Listener = e => l.call(thisArg, e);
    this.listeners.add(f);
    const d = new Disposable(() => this.listeners.delete(f));
    ds?.push(d);
    return d;
  };
  fire(e?: unknown): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners.clear(); }
}

const noEvent = (_l: Listener, _t?: unknown, ds?: Disposable[]) => { const d = new Disposable(); ds?.push(d); return d; };

/** An inert value for anything not modelled: callable, constructible, every property another inert value. */
function inert(name: string): any {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () { /* inert */ } as any;
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(t, prop)) return t[prop];
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => undefined;
      if (prop === Symbol.iterator) return function* () { /* empty */ };
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === 'toString' || prop === 'toJSON') return () => name;
      if (typeof prop === 'string' && prop.startsWith('onDid')) return noEvent;
      if (!cache.has(prop)) cache.set(prop, inert(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

/** A namespace: the listed members, and an inert function returning a disposable for anything else. */
function namespace(name: string, members: Record<string, unknown>): any {
  return new Proxy(members, {
    get(t, prop) {
      if (prop in t) return t[prop as string];
      if (typeof prop !== 'string') return undefined;
      if (prop.startsWith('on')) return noEvent;
      return () => new Disposable();
    },
  });
}

export class Uri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static file(p: string): Uri { return new Uri('file', '', p); }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/([^/]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(s);
    return m ? new Uri(m[1], m[2] ?? '', decodeURIComponent(m[3]), m[4] ?? '', m[5] ?? '') : new Uri('file', '', s);
  }
  static joinPath(u: Uri, ...ps: string[]): Uri { return new Uri(u.scheme, u.authority, path.posix.join(u.path, ...ps)); }
  get fsPath(): string { return this.path; }
  with(c: Partial<Uri>): Uri { return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment); }
  toString(): string { return `${this.scheme}://${this.authority}${this.path}`; }
  toJSON(): unknown { return { scheme: this.scheme, authority: this.authority, path: this.path }; }
}

export class Position { constructor(readonly line: number, readonly character: number) {} }
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: any, b: any, c?: number, d?: number) {
    if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c!, d!); } else { this.start = a; this.end = b; }
  }
}
export class CancellationError extends Error {}
export class CancellationTokenSource {
  private readonly emitter = new EventEmitter();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void { this.token.isCancellationRequested = true; this.emitter.fire(); }
  dispose(): void { this.emitter.dispose(); }
}
export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
  contains(other: CodeActionKind): boolean { return other.value === this.value || other.value.startsWith(`${this.value}.`); }
  intersects(other: CodeActionKind): boolean { return this.contains(other) || other.contains(this); }
}

const outputChannel = (name: string) => ({
  name, logLevel: 2, onDidChangeLogLevel: noEvent,
  append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
  trace() {}, debug() {}, info() {}, warn() {}, error() {},
});

const diagnosticCollection = (name: string) => {
  const m = new Map<string, unknown>();
  return { name, set: (u: any, d: unknown) => { if (Array.isArray(u)) return; m.set(String(u), d); }, delete: (u: unknown) => m.delete(String(u)), clear: () => m.clear(), get: (u: unknown) => m.get(String(u)), has: (u: unknown) => m.has(String(u)), forEach() {}, dispose: () => m.clear(), [Symbol.iterator]: () => m.entries() };
};

/** A class for the API classes the code only constructs or extends: keeps its arguments; statics are inert. */
function plainClass(name: string): any {
  const C = class {
    [k: string]: unknown;
    constructor(...args: unknown[]) {
      if (name === 'TreeItem') { this.label = args[0]; this.collapsibleState = args[1] ?? 0; } else this.args = args;
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return new Proxy(C, { get: (t, prop) => (prop in t ? (t as any)[prop] : typeof prop === 'string' ? inert(`${name}.${prop}`) : undefined) });
}

const CLASSES = ['TreeItem', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'CodeAction', 'CodeLens', 'Diagnostic', 'DiagnosticRelatedInformation',
  'Location', 'Hover', 'TextEdit', 'WorkspaceEdit', 'Task', 'ShellExecution', 'ProcessExecution', 'CustomExecution', 'TaskGroup', 'RelativePattern',
  'Selection', 'SnippetString', 'DocumentLink', 'FoldingRange', 'SemanticTokensLegend', 'SemanticTokensBuilder', 'CompletionItem', 'CompletionList',
  'SignatureHelp', 'InlayHint', 'CallHierarchyItem', 'TypeHierarchyItem', 'SymbolInformation', 'DocumentSymbol', 'Color', 'ColorInformation',
  'ColorPresentation', 'LinkedEditingRanges', 'InlineValueText', 'InlineCompletionItem', 'SelectionRange', 'DocumentDropEdit',
  'TabInputText', 'TabInputTextDiff', 'TabInputCustom', 'TabInputNotebook', 'TabInputNotebookDiff', 'NotebookCellData', 'NotebookData',
  'NotebookRange', 'FileSystemError', 'DataTransfer', 'DataTransferItem', 'TestMessage', 'EvaluatableExpression', 'InlineValueVariableLookup'];
const ENUMS = ['TaskRevealKind', 'TaskScope', 'TaskPanelKind', 'OverviewRulerLane', 'TextEditorRevealType', 'DiagnosticTag', 'FileType',
  'ConfigurationTarget', 'CodeActionTriggerKind', 'EndOfLine', 'UIKind', 'SymbolKind', 'CompletionItemKind', 'DecorationRangeBehavior',
  'IndentAction', 'TextDocumentSaveReason', 'FoldingRangeKind', 'InlayHintKind', 'DocumentHighlightKind', 'SignatureHelpTriggerKind',
  'CompletionTriggerKind', 'NotebookCellKind', 'ColorThemeKind', 'QuickPickItemKind', 'TextEditorCursorStyle', 'TextEditorLineNumbersStyle',
  'TextDocumentChangeReason', 'TreeItemCheckboxState', 'LanguageStatusSeverity', 'InlineCompletionTriggerKind', 'SymbolTag', 'CompletionItemTag'];

export function createVscodeStub(): Record<string, unknown> {
  const members: Record<string, unknown> = {
    version: '1.91.0',
    Disposable, EventEmitter, Uri, Position, Range, CancellationError, CancellationTokenSource, CodeActionKind,
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    env: { appName: 'bench', appRoot: '', language: 'en', machineId: 'bench', sessionId: 'bench', uriScheme: 'vscode', shell: '/bin/sh', uiKind: 1, openExternal: async () => true, clipboard: { readText: async () => '', writeText: async () => undefined } },
    workspace: namespace('workspace', {
      workspaceFolders: undefined, textDocuments: [], notebookDocuments: [], isTrusted: true, name: undefined,
      getConfiguration: () => ({ get: (_k: string, d?: unknown) => d, has: () => false, inspect: () => undefined, update: async () => undefined }),
      createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
      getWorkspaceFolder: () => undefined,
      asRelativePath: (p: unknown) => String(p),
      findFiles: async () => [],
      applyEdit: async () => true,
      fs: inert('workspace.fs'),
    }),
    window: namespace('window', {
      activeTextEditor: undefined, visibleTextEditors: [],
      tabGroups: { all: [], activeTabGroup: { tabs: [] }, onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
      createOutputChannel: (name: string) => outputChannel(name),
      createStatusBarItem: () => ({ text: '', tooltip: '', command: undefined, show() {}, hide() {}, dispose() {} }),
      createTreeView: () => ({ visible: false, onDidChangeVisibility: noEvent, onDidChangeSelection: noEvent, onDidExpandElement: noEvent, onDidCollapseElement: noEvent, reveal: async () => undefined, dispose() {} }),
      registerTreeDataProvider: () => new Disposable(),
      createTextEditorDecorationType: () => ({ key: 'bench', dispose() {} }),
      showErrorMessage: async () => undefined, showWarningMessage: async () => undefined, showInformationMessage: async () => undefined,
      setStatusBarMessage: () => new Disposable(),
      withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => unknown) => task({ report() {} }, new CancellationTokenSource().token),
    }),
    languages: namespace('languages', {
      createDiagnosticCollection: (name: string) => diagnosticCollection(name),
      match: () => 0,
      getDiagnostics: () => [],
    }),
    commands: namespace('commands', {
      registerCommand: () => new Disposable(),
      registerTextEditorCommand: () => new Disposable(),
      executeCommand: async () => undefined,
      getCommands: async () => [],
    }),
    tasks: namespace('tasks', { registerTaskProvider: () => new Disposable(), executeTask: async () => undefined, onDidEndTaskProcess: noEvent }),
    extensions: namespace('extensions', { getExtension: () => undefined, all: [] }),
  };
  for (const c of CLASSES) members[c] ??= plainClass(c);
  for (const e of ENUMS) members[e] ??= inert(`vscode.${e}`);
  return new Proxy(members, {
    get(t, prop) {
      if (prop in t) return t[prop as string];
      if (prop === '__esModule' || prop === 'default' || typeof prop !== 'string') return undefined;
      t[prop] = inert(`vscode.${prop}`);
      return t[prop];
    },
  });
}

/** An ExtensionContext rooted at the extension folder. */
export function createExtensionContext(root: string): Record<string, unknown> {
  const memento = () => { const m = new Map<string, unknown>(); return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => { m.set(k, v); }, keys: () => [...m.keys()], setKeysForSync() {} }; };
  const storage = path.join(root, '.bench-storage');
  return {
    subscriptions: [] as Array<{ dispose(): unknown }>,
    extensionPath: root,
    extensionUri: Uri.file(root),
    asAbsolutePath: (p: string) => path.join(root, p),
    globalState: memento(), workspaceState: memento(),
    globalStorageUri: Uri.file(storage), storageUri: Uri.file(storage), logUri: Uri.file(storage),
    globalStoragePath: storage, storagePath: storage, logPath: storage,
    extensionMode: 1,
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: noEvent },
    environmentVariableCollection: inert('environmentVariableCollection'),
    extension: { id: 'cache-advisor.dockerfile-cache-advisor', extensionPath: root, packageJSON: {} },
  };
}
