import * as vscode from 'vscode';
import type { Row } from './rows';

/** Base TreeItem for a Row: label, description, markdown tooltip, contextValue, click command. */
export class CacheTreeItem extends vscode.TreeItem {
  constructor(readonly row: Row, icon?: vscode.ThemeIcon) {
    super(row.label, row.expanded === undefined ? vscode.TreeItemCollapsibleState.None
      : row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.id = row.id;
    this.description = row.description;
    if (row.tooltip) this.tooltip = new vscode.MarkdownString(row.tooltip);
    this.contextValue = row.contextValue;
    if (row.command) this.command = row.command;
    this.iconPath = icon;
  }
}

/** Build cache / Images / Volumes / Host caches. */
export class SectionItem extends CacheTreeItem {
  constructor(row: Row) {
    const icons: Record<string, string> = { bc: 'layers', img: 'file-binary', vol: 'database', host: 'archive' };
    super(row, new vscode.ThemeIcon(icons[row.id] ?? 'folder'));
  }
}

/** A record type (Layers, Cache mounts, Build contexts, …). */
export class TypeGroupItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon(row.contextValue === 'cacheMountGroup' ? 'package' : 'list-tree')); }
}

/** One `RUN --mount=type=cache` record, labelled by its target. */
export class CacheMountItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon('package', row.record?.inUse ? new vscode.ThemeColor('charts.yellow') : undefined)); }
}

export class CacheRecordItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon(row.record?.shared ? 'link' : 'circle-small-filled')); }
}

export class ImageItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon(row.kind === 'danglingImages' ? 'trash' : row.kind === 'imageLayer' ? 'symbol-namespace' : 'file-binary')); }
}

/** A volume; cache-like names get a highlighted icon so they stand out. */
export class VolumeItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon(row.emphasis ? 'package' : 'database', row.emphasis ? new vscode.ThemeColor('charts.blue') : undefined)); }
}

export class HostCacheItem extends CacheTreeItem {
  constructor(row: Row) { super(row, new vscode.ThemeIcon(row.hostCache?.complete === false ? 'warning' : 'folder-library')); }
}

/** Error, empty and action rows ("Docker is not reachable" → Retry / Open settings). */
export class MessageItem extends CacheTreeItem {
  constructor(row: Row) {
    const icon = row.kind === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : row.kind === 'action' ? new vscode.ThemeIcon(row.label === 'Retry' ? 'refresh' : 'settings-gear')
      : new vscode.ThemeIcon('info');
    super(row, icon);
  }
}

/** The TreeItem class for a row. */
export function treeItemFor(row: Row): CacheTreeItem {
  switch (row.kind) {
    case 'section': return new SectionItem(row);
    case 'typeGroup': return new TypeGroupItem(row);
    case 'cacheMount': return new CacheMountItem(row);
    case 'cacheRecord': return new CacheRecordItem(row);
    case 'image': case 'imageLayer': case 'danglingImages': return new ImageItem(row);
    case 'volume': return new VolumeItem(row);
    case 'hostCache': return new HostCacheItem(row);
    default: return new MessageItem(row);
  }
}
