/**
 * The host-cache measurement as a worker thread (measureHostCachesInWorker starts it): walks the
 * directories of its workerData and posts the sizes back. Bundled on its own as dist/hostCacheWorker.js.
 */
import { parentPort, workerData } from 'worker_threads';
import { walkCaches, type WalkJob } from './hostCaches';

if (!parentPort) throw new Error('hostCacheWorker runs as a worker thread (measureHostCachesInWorker)');
parentPort.postMessage(walkCaches(workerData as WalkJob));
