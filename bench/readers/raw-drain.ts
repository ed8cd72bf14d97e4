import { Worker } from 'node:worker_threads';
import { resolveReadOptions } from '../../src/read/options.js';
import { DEFAULT_STREAMS_PER_WORKER } from '../../src/read/pool.js';
import { ReadChannel } from '../../src/read/read-channel.js';
import { createReadSession } from '../../src/read/session.js';
import type { DrainRequest, DrainResult } from './raw-drain-worker.js';
import type { Reader } from './reader.js';

const WORKER_FILE = new URL('./raw-drain-worker.js', import.meta.url);

type WorkerReply = { ready: true } | { ok: true; result: DrainResult } | { ok: false; error: string };

/** A thread that answers `ready` once loaded, then drains the streams it is given. */
function startDrainThread(endpoint: string) {
  const worker = new Worker(WORKER_FILE, { workerData: { endpoint } });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<DrainResult>((resolve, reject) => {
    worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) onReady();
      else if (reply.ok) resolve(reply.result);
      else reject(new Error(`raw drain thread failed: ${reply.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`raw drain thread exited with code ${code}`)));
  });
  // Threads are terminated once the read ends, which rejects `done` where nobody awaits it any more.
  done.catch(() => undefined);
  return { worker, ready, done };
}

/**
 * The ceiling: the same session read by the same number of threads, bytes counted and dropped.
 * Threads start while the session is created, as bqread's pool does.
 */
export const rawDrain: Reader = async (config) => {
  const threads = Array.from({ length: config.workers }, () => startDrainThread(config.endpoint));
  const options = resolveReadOptions(config.table, { endpoint: config.endpoint, maxStreams: config.maxStreams, compression: config.compression });
  const channel = new ReadChannel(options.connection);
  try {
    const started = performance.now();
    const session = await createReadSession(channel.client(), options, config.workers * DEFAULT_STREAMS_PER_WORKER, new AbortController().signal);
    const sessionMs = performance.now() - started;
    await Promise.all(threads.map((t) => Promise.race([t.ready, t.done])));
    threads.forEach((thread, i) => {
      const request: DrainRequest = {
        streams: session.streams.filter((_, s) => s % config.workers === i),
        concurrency: DEFAULT_STREAMS_PER_WORKER,
      };
      thread.worker.postMessage(request);
    });
    const results = await Promise.all(threads.map((t) => t.done));
    const sum = (key: keyof DrainResult) => results.reduce((n, r) => n + r[key], 0);
    return {
      streams: session.streams.length,
      sessionMs,
      rows: sum('rows'),
      arrowBytes: sum('arrowBytes'),
      extra: { responseBytes: sum('responseBytes') },
    };
  } finally {
    channel.close();
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
};
