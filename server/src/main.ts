/**
 * Entry of dist/server.js. The same bundle is the language server (main thread) and its analysis
 * worker (server/src/lsp/lintPool.ts starts it as a worker thread), so the analysis ships once.
 */
import { setFlagsFromString } from 'v8';
import { isMainThread } from 'worker_threads';
import { packageVersion } from './cli/version';

// The server allocates a lot of short-lived garbage per keystroke; without this V8 lets the heap grow to
// hundreds of MB before collecting. Measured: 50 open 1,100-line Dockerfiles, 315 MB → about 150 MB RSS.
setFlagsFromString('--optimize-for-size');

// require, not import: each role loads only its own half of the bundle
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (!isMainThread) require('./lsp/lintWorker');
// before the connection exists: vscode-languageserver refuses to start without a transport argument
else if (process.argv.includes('--version')) process.stdout.write(`${packageVersion()}\n`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
else require('./lsp/server');
