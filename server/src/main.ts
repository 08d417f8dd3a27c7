/**
 * Entry of dist/server.js. The same bundle is the language server (main thread) and its analysis
 * worker (server/src/lsp/lintPool.ts starts it as a worker thread), so the analysis ships once.
 */
import { setFlagsFromString } from 'v8';
import { isMainThread } from 'worker_threads';
import { packageVersion } from './cli/version';

// The server allocates a lot of short-lived garbage per keystroke. Left alone, V8 lets the old space grow
// up to 4× what is live between collections, and the heap reaches hundreds of MB (the bench's 50 files and
// 1,000 edits: 200–480 MB RSS). With this it grows by 10 % past what is live. It replaces
// --optimize-for-size, which bounded the heap as well but made V8's compiled code about twice as slow on
// large files (a 1,000-line lint in the worker: 75 → 36 ms p50 without it). Set here, not on the command
// line, so every editor that starts dist/server.js gets it; the analysis worker inherits it. The young
// generation's cap can only be given on the command line (common/serverEnvironment.ts SERVER_NODE_ARGS).
setFlagsFromString('--heap-growing-percent=10');
// Each keystroke's model outlives a few young-generation collections, is moved to the old space and dies
// there when the next version replaces it, so the old space fills with pages that are mostly empty; V8's
// own heuristics seldom move what is left on them, and the heap stays 15 MB larger than what is live.
// Compacting on every full collection gives those pages back: after the bench's memory workload (50 files,
// 1,000 edits) about 89 MB resident instead of 98. Side by side at 71, 214 and 1,113 lines the latencies
// are unchanged; the cost shows where full collections are frequent, editing 50 files in turn (each edit
// analysed from scratch): p50 unchanged, p95 about 20 ms more (64 → 85 ms).
setFlagsFromString('--compact-on-every-full-gc');

// require, not import: each role loads only its own half of the bundle
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (!isMainThread) require('./lsp/lintWorker');
// before the connection exists: vscode-languageserver refuses to start without a transport argument
else if (process.argv.includes('--version')) process.stdout.write(`${packageVersion()}\n`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
else require('./lsp/server');
