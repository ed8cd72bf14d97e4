import { readTableParallel } from '../../src/index.js';
import type { Reader } from './reader.js';

/** bqread's main form: the whole table as one Arrow Table, read by `workers` threads. */
export const bqreadTable: Reader = async (config) => {
  const { table, session, stats } = await readTableParallel(config.table, {
    endpoint: config.endpoint,
    workers: config.workers,
    maxStreams: config.maxStreams,
    compression: config.compression,
  });
  return {
    streams: session.streams.length,
    sessionMs: stats.sessionMs,
    firstBatchMs: stats.firstBatchMs,
    batches: table.batches,
    extra: { decodedBytes: stats.bytes, batchCount: stats.batches, threads: stats.threads },
  };
};
