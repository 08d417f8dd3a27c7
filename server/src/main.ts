/**
 * Entry of dist/server.js. The same bundle is the language server (main thread) and its analysis
 * worker (server/src/lintPool.ts starts it as a worker thread), so the analysis ships once.
 */
import { isMainThread } from 'worker_threads';

if (isMainThread) require('./server');
else require('./lintWorker');
