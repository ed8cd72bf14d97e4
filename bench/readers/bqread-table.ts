import { readTableParallel, type ReadPool } from '../../src/index.js';
import type { ReadOutcome, Reader, ReaderConfig } from './reader.js';

/** The table form's read and what it reports: with `pool`, on that pool; else with a pool of its own. */
export async function readTable(config: ReaderConfig, pool?: ReadPool): Promise<ReadOutcome> {
  const { table, session, stats } = await readTableParallel(config.table, {
    endpoint: config.endpoint,
    ...(pool ? { pool } : { workers: config.workers }),
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
}

/** bqread's main form: the whole table as one Arrow Table, read by up to `workers` threads. */
export const bqreadTable: Reader = (config) => readTable(config);
