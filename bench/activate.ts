/**
 * Child process for the activation metric (argv[2]: the extension folder, default this checkout): injects the `vscode` stand-in (bench/vscodeStub.ts) through
 * Module._resolveFilename — in this process only — then times loading the shipped client bundle
 * (dist/extension.js) and its activate(): that starts the real bundled language server (dist/server.js,
 * node IPC, as VS Code does) in the background — activate() does not wait for the server's handshake,
 * so this is the time VS Code's activation waits for. Prints JSON.
 */
import Module = require('module');
import * as path from 'path';
import { performance } from 'perf_hooks';
import { createExtensionContext, createVscodeStub } from './vscodeStub';

/** The extension folder whose dist/ is loaded: argv[2] (the bench's production build), else this checkout. */
const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(__dirname, '../..');
const STUB_ID = '\0bench-vscode-stub';
const stub = createVscodeStub();
const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const original = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return STUB_ID;
  return original.call(this, request, ...rest);
};
M._cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: stub } as unknown;

async function main(): Promise<void> {
  const context = createExtensionContext(root);
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle by path, loaded after the vscode hook above
  const ext = require(path.join(root, 'dist', 'extension.js')) as { activate(c: unknown): Promise<void>; deactivate(): Promise<void> };
  const t1 = performance.now();
  await ext.activate(context);
  const t2 = performance.now();
  await ext.deactivate();
  for (const d of context.subscriptions as Array<{ dispose(): unknown }>) { try { d.dispose(); } catch { /* ignore */ } }
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0 }));
  setTimeout(() => process.exit(0), 100).unref();
}

main().catch(e => { process.stderr.write(String((e as Error)?.stack ?? e)); process.exit(1); });
