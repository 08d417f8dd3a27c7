/**
 * When diagnostics are computed and sent: edits are coalesced, at most one analysis runs per document,
 * older versions are skipped (never analysed), and the analysis comes from the one per-document cache
 * (documentAnalysis.ts), so a version a hover or code action already analysed is not analysed again.
 */
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalyses } from './documentAnalysis';
import { toDiagnostic } from './diagnostics';
import { SupersededError } from './lintPool';

/**
 * The longest an edit waits before its analysis starts. The protocol library handles one message per
 * event-loop turn, so the edits of a burst (typed faster than they are analysed, or read in one go) arrive
 * one turn apart: an edit's analysis starts after the first turn in which no newer version arrived, so a
 * burst is analysed once, for its latest version, and a lone edit at once (two turns later; the peer
 * language server validates on every change). This caps the wait while versions keep coming. Edits that
 * arrive while an analysis runs fold into one follow-up run for the latest version.
 */
export const COALESCE_MS = 20;

export interface PublisherDeps {
  readonly analyses: DocumentAnalyses;
  /** The open document of a URI (its latest version), if it is open. */
  document(uri: string): TextDocument | undefined;
  send(params: PublishDiagnosticsParams): Promise<void>;
  error(message: string): void;
  /** The cap on an edit's wait (default COALESCE_MS; tests that count event-loop turns lift it). */
  readonly coalesceMs?: number;
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, NodeJS.Immediate>();
  /** The version whose diagnostics were last sent, per document. */
  private readonly published = new Map<string, number>();

  constructor(private readonly deps: PublisherDeps) {}

  /**
   * Lint the latest version of a document; older versions are skipped, never analysed. Edits that
   * arrive while it is scheduled or running are coalesced into one more run for the latest version.
   */
  schedule(uri: string): void {
    if (this.pending.has(uri)) return;
    const start = Date.now();
    const turn = (seen: number | undefined) => {
      const doc = this.deps.document(uri);
      if (doc && doc.version !== seen && Date.now() - start < (this.deps.coalesceMs ?? COALESCE_MS)) {
        this.pending.set(uri, setImmediate(turn, doc.version));
        return;
      }
      this.pending.delete(uri);
      if (!doc) return;
      // one analysis per document at a time: its end schedules the next if the document moved on
      const running = this.deps.analyses.running(uri);
      if (running) {
        const again = () => this.scheduleIfBehind(uri);
        running.then(again, again);
        return;
      }
      void this.publish(doc);
    };
    this.pending.set(uri, setImmediate(turn, undefined));
  }

  /** Every open document again (settings, trust, workspace folders or files on disk changed). */
  scheduleAll(uris: Iterable<string>): void {
    for (const uri of uris) this.schedule(uri);
  }

  /** Analyse the document's current version (or take its kept analysis) and send its diagnostics. */
  async publish(doc: TextDocument): Promise<void> {
    const { uri, version } = doc;
    try {
      const state = await this.deps.analyses.current(doc);
      if (this.deps.document(uri)?.version !== state.version) return; // a newer edit arrived meanwhile
      this.published.set(uri, state.version);
      await this.deps.send({ uri, version: state.version, diagnostics: state.result.findings.map(f => toDiagnostic(f, uri, state.version)) });
    } catch (e) {
      if (!(e instanceof SupersededError)) this.deps.error(`cache-advisor: analysis of ${uri} failed: ${(e as Error)?.stack ?? e}`);
      // analysing the same version again would fail again: wait for the next edit
      this.published.set(uri, version);
    } finally {
      this.scheduleIfBehind(uri);
    }
  }

  private scheduleIfBehind(uri: string): void {
    const now = this.deps.document(uri);
    if (now && now.version !== this.published.get(uri)) this.schedule(uri);
  }

  /** The document closed: nothing more to send but its empty diagnostics. */
  close(uri: string): void {
    const p = this.pending.get(uri);
    if (p) clearImmediate(p);
    this.pending.delete(uri);
    this.published.delete(uri);
    this.deps.analyses.forget(uri);
    void this.deps.send({ uri, diagnostics: [] });
  }
}
