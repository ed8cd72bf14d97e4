import { parentPort, threadId } from 'node:worker_threads';
import { enableCompileCache } from '../src/compile-cache.js';
import { WORKER_LOADED, type StreamTask, type StreamTaskResult, type WorkerLoadedMessage } from './stream-task.js';

/**
 * The piscina worker entry. Node's compile cache serves only modules compiled after it is on, and
 * an entry's static imports are all compiled before its first line runs; so this entry imports
 * next to nothing, turns the cache on, then loads the reader (read-stream.ts) and all it needs.
 * (Not with a top-level await: piscina require()s the entry, and require() refuses a module with one.)
 */
enableCompileCache();
const reader = import('./read-stream.js');

// Once every module has loaded, or failed to (each task then fails with the error): until then a
// terminate could abort the process (see WORKER_LOADED).
const loaded = () => parentPort?.postMessage({ type: WORKER_LOADED, threadId } satisfies WorkerLoadedMessage);
reader.then(loaded, loaded);

export default async function run(task: StreamTask): Promise<StreamTaskResult> {
  return (await reader).default(task);
}
