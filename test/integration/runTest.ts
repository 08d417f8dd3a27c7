/**
 * `npm run test:electron`: downloads VS Code desktop (into .vscode-test/, once), starts it with this
 * folder as the extension under development on a copy of test/integration/workspace, and runs the
 * specs in suite/ inside its extension host (they use the `vscode` API directly).
 * Needs network access for the download and a display (on Linux CI: xvfb-run -a npm run test:electron).
 * Set VSCODE_TEST_VERSION (default "stable") or VSCODE_EXECUTABLE_PATH (an installed VS Code) to choose.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<number> {
  const root = path.resolve(__dirname, '../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-electron-ws-'));
  fs.cpSync(path.join(root, 'test', 'integration', 'workspace'), workspace, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-electron-ud-'));
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: { CACHE_ADVISOR_TEST_WORKSPACE: workspace },
    });
    return 0;
  } catch (e) {
    console.error(`test:electron failed: ${(e as Error)?.message ?? e}`);
    console.error('VS Code desktop must be downloadable (or set VSCODE_EXECUTABLE_PATH); on a headless Linux box run it under xvfb-run.');
    return 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(1); });
