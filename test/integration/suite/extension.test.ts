/**
 * The extension in VS Code desktop, through the `vscode` API: diagnostics with rule ids on the right
 * lines, the quick fix from the code-action provider, Fix All, settings applied without a restart.
 * Waits on events (onDidChangeDiagnostics), never on sleeps.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cache-advisor.dockerfile-cache-advisor';
const WORKSPACE = process.env.CACHE_ADVISOR_TEST_WORKSPACE!;
const ORIGINAL = fs.readFileSync(path.join(__dirname, '../../../test/integration/workspace/Dockerfile'), 'utf8');

/** Resolves with the cache-advisor diagnostics of `uri` once `done` holds for them. */
function diagnosticsWhen(uri: vscode.Uri, done: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter(d => d.source === 'cache-advisor');
  return new Promise(resolve => {
    if (done(ours())) return resolve(ours());
    const sub = vscode.languages.onDidChangeDiagnostics(e => {
      if (!e.uris.some(u => u.toString() === uri.toString())) return;
      if (done(ours())) { sub.dispose(); resolve(ours()); }
    });
  });
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const summary = (ds: vscode.Diagnostic[]) => ds.map(d => `${d.range.start.line + 1}:${codeOf(d)}`).sort();

describe('Dockerfile Cache Advisor in VS Code desktop', () => {
  let doc: vscode.TextDocument;
  const uri = vscode.Uri.file(path.join(WORKSPACE, 'Dockerfile'));

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await ext.activate();
  });

  afterEach(async () => {
    // back to the original text for the next spec
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), ORIGINAL);
    await vscode.workspace.applyEdit(edit);
    await vscode.workspace.getConfiguration('cacheAdvisor').update('rules.pip-no-cache-dir', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('reports the three findings with rule ids on the COPY and pip lines', async () => {
    assert.strictEqual(doc.languageId, 'dockerfile');
    const ds = await diagnosticsWhen(uri, d => d.length >= 3);
    assert.deepStrictEqual(summary(ds), ['3:copy-before-install', '4:missing-cache-mount', '4:pip-no-cache-dir']);
    const copy = ds.find(d => codeOf(d) === 'copy-before-install')!;
    assert.strictEqual(copy.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(copy.message, /copies the whole build context/);
  });

  it('offers the COPY quick fix, and applying it gives the reordered Dockerfile', async () => {
    const ds = await diagnosticsWhen(uri, d => d.some(x => codeOf(x) === 'copy-before-install'));
    const copy = ds.find(d => codeOf(d) === 'copy-before-install')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, copy.range, vscode.CodeActionKind.QuickFix.value);
    const move = actions.find(a => /^Move `COPY \. \.` below the install/.test(a.title));
    assert.ok(move?.edit, `actions: ${actions.map(a => a.title).join(' | ')}`);
    assert.ok(actions.some(a => a.title === 'Ignore copy-before-install for this instruction'));
    await vscode.workspace.applyEdit(move.edit);
    assert.strictEqual(doc.getText(), [
      'FROM python:3.12-slim', 'WORKDIR /app', 'COPY requirements.txt ./',
      'RUN pip install --no-cache-dir -r requirements.txt', 'COPY . .', 'CMD ["python", "app.py"]', '',
    ].join('\n'));
    const after = await diagnosticsWhen(uri, d => !d.some(x => codeOf(x) === 'copy-before-install'));
    assert.deepStrictEqual(summary(after), ['4:missing-cache-mount', '4:pip-no-cache-dir']);
  });

  it('Fix All Caching Problems fixes everything', async () => {
    await diagnosticsWhen(uri, d => d.length >= 3);
    await vscode.commands.executeCommand('cacheAdvisor.fixAll');
    assert.strictEqual(doc.getText(), [
      'FROM python:3.12-slim', 'WORKDIR /app', 'COPY requirements.txt ./',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt', 'COPY . .', 'CMD ["python", "app.py"]', '',
    ].join('\n'));
    await diagnosticsWhen(uri, d => d.length === 0);
  });

  it('applies a rule severity setting without a restart', async () => {
    await diagnosticsWhen(uri, d => d.length >= 3);
    await vscode.workspace.getConfiguration('cacheAdvisor').update('rules.pip-no-cache-dir', 'off', vscode.ConfigurationTarget.Workspace);
    const ds = await diagnosticsWhen(uri, d => !d.some(x => codeOf(x) === 'pip-no-cache-dir') && d.length > 0);
    assert.deepStrictEqual(summary(ds), ['3:copy-before-install', '4:missing-cache-mount']);
  });
});
