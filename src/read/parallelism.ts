import type { ReadSessionInfo } from './session.js';

/**
 * Session bytes one more worker thread is worth. A thread costs its start (modules loaded, a gRPC
 * channel) before it decodes a byte, and one thread decodes a GiB in about 2 s of CPU (bench/README.md,
 * "CPU per GiB"), so a second thread pays off only once a session holds tens of MiB.
 */
export const BYTES_PER_THREAD = 64 * 1024 * 1024;

/**
 * How many worker threads a read of `session` is worth, from 0 to `maxThreads`. None (the calling
 * thread reads it) when its estimated bytes are fewer than one thread is worth and one thread would
 * read all its streams at once; else enough for its streams (a thread reads `streamsPerThread` at
 * once, since the service paces each stream) and for its bytes, never more than it has streams.
 */
export function threadsForSession(session: Pick<ReadSessionInfo, 'streams' | 'estimatedTotalBytesScanned'>, maxThreads: number, streamsPerThread: number): number {
  const streams = session.streams.length;
  const bytes = session.estimatedTotalBytesScanned;
  if (bytes < BYTES_PER_THREAD && streams <= streamsPerThread) return 0;
  const forStreams = Math.ceil(streams / streamsPerThread);
  const forBytes = Math.ceil(bytes / BYTES_PER_THREAD);
  return Math.min(maxThreads, streams, Math.max(1, forStreams, forBytes));
}
