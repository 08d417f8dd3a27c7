import * as vscode from 'vscode';
import { historyRows, rootRows, type Row, type Snapshot, type CacheStatsSource } from './rows';
import { treeItemFor } from './items';

/**
 * The Build Cache view. Loads one snapshot at a time; refresh() starts a new load and tells the
 * tree. Failures never throw out of getChildren: they are rows (see rows.ts engineErrorRow).
 */
export class CacheStatsProvider implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Row | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<Snapshot>();
  /** Fires after each load (the status bar listens). */
  readonly onDidLoad = this.loaded.event;
  private snapshot: Promise<Snapshot> | undefined;

  constructor(readonly source: CacheStatsSource) {}

  /** Reload everything and redraw; resolves with the new snapshot. */
  refresh(): Promise<Snapshot> {
    this.snapshot = this.load();
    this.changed.fire();
    return this.snapshot;
  }

  /** The current snapshot, loading the first one on demand. */
  current(): Promise<Snapshot> {
    return (this.snapshot ??= this.load());
  }

  private async load(): Promise<Snapshot> {
    const s = await this.source.load();
    this.loaded.fire(s);
    return s;
  }

  async getChildren(element?: Row): Promise<Row[]> {
    if (!element) {
      const s = await this.current();
      return rootRows(s, { loadHistory: id => this.history(id) });
    }
    if (element.children) return element.children;
    if (element.loadChildren) {
      try {
        return await element.loadChildren();
      } catch (e) {
        return [{ id: `${element.id}/error`, kind: 'error', label: 'Could not load', description: (e as Error).message, command: { command: 'cacheAdvisor.refreshCacheStats', title: 'Retry' } }];
      }
    }
    return [];
  }

  getTreeItem(element: Row): vscode.TreeItem {
    return treeItemFor(element);
  }

  private async history(imageId: string): Promise<Row[]> {
    return historyRows(imageId, await this.source.engine().imageHistory(imageId));
  }

  dispose(): void {
    this.changed.dispose();
    this.loaded.dispose();
  }
}
