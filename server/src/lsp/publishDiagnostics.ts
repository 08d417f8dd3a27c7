/**
 * When diagnostics are computed and sent: edits are coalesced, at most one analysis runs per document,
 * older versions are skipped (never analysed), and the analysis comes from the one per-document cache
 * (documentAnalysis.ts), so a version a hover or code action already analysed is not analysed again.
 */
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalyses } from './documentAnalysis';
import { toDiagnostic } from './diagnostics';
import { LARGE_DOCUMENT_CHARS, SupersededError } from './lintPool';

/**
 * The longest an edit waits before its analysis starts. An edit that arrives when the document has been
 * idle is analysed at once (the peer language server validates on every change, and a fixed wait was the
 * whole of our latency on small files). Right after an analysis, an edit waits as long as that analysis
 * took, less the time since it ended, capped here: the protocol library handles one message per
 * event-loop turn, so a burst of edits read in one go would otherwise be analysed one by one on the main
 * thread (a large document goes to the worker and is never held back). Edits that arrive while an
 * analysis runs fold into one follow-up run for the latest version.
 */
export const COALESCE_MS = 20;

export interface PublisherDeps {
  readonly analyses: DocumentAnalyses;
  /** The open document of a URI (its latest version), if it is open. */
  document(uri: string): TextDocument | undefined;
  send(params: PublishDiagnosticsParams): Promise<void>;
  error(message: string): void;
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** The version whose diagnostics were last sent, per document. */
  private readonly published = new Map<string, number>();
  /** When each document's last analysis ended and how long it took (ms, Date.now clock). */
  private readonly lastRun = new Map<string, { end: number; took: number }>();

  constructor(private readonly deps: PublisherDeps) {}

  /**
   * Lint the latest version of a document; older versions are skipped, never analysed. Edits that
   * arrive while it is scheduled or running are coalesced into one more run for the latest version.
   */
  schedule(uri: string): void {
    if (this.pending.has(uri)) return;
    this.pending.set(uri, setTimeout(() => {
      this.pending.delete(uri);
      const doc = this.deps.document(uri);
      if (!doc) return;
      // one analysis per document at a time: its end schedules the next if the document moved on
      const running = this.deps.analyses.running(uri);
      if (running) {
        const again = () => this.scheduleIfBehind(uri);
        running.then(again, again);
        return;
      }
      void this.publish(doc);
    }, this.delay(uri)));
  }

  /** How long an edit of `uri` waits before its analysis starts (see COALESCE_MS). */
  private delay(uri: string): number {
    const last = this.lastRun.get(uri);
    const doc = this.deps.document(uri);
    // a large document is analysed in the worker: this thread keeps reading edits, which fold meanwhile
    if (!last || !doc || doc.getText().length > LARGE_DOCUMENT_CHARS) return 0;
    return Math.max(0, Math.min(COALESCE_MS, last.took - (Date.now() - last.end)));
  }

  /** Every open document again (settings, trust, workspace folders or files on disk changed). */
  scheduleAll(uris: Iterable<string>): void {
    for (const uri of uris) this.schedule(uri);
  }

  /** Analyse the document's current version (or take its kept analysis) and send its diagnostics. */
  async publish(doc: TextDocument): Promise<void> {
    const { uri, version } = doc;
    const started = Date.now();
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
      const end = Date.now();
      if (this.deps.document(uri)) this.lastRun.set(uri, { end, took: end - started });
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
    if (p) clearTimeout(p);
    this.pending.delete(uri);
    this.published.delete(uri);
    this.lastRun.delete(uri);
    this.deps.analyses.forget(uri);
    void this.deps.send({ uri, diagnostics: [] });
  }
}
