import { ReadPool, readTableParallel } from '../../src/index.js';
import type { Reader } from './reader.js';

/**
 * bqread as an ETL job reading table after table uses it: one ReadPool, made and warmed before the
 * clock starts (prepare), so a read pays only its session and its streams.
 */
let pool: ReadPool | undefined;

export const bqreadWarmPool: Reader = Object.assign(
  async (config: Parameters<Reader>[0]) => {
    const { table, session, stats } = await readTableParallel(config.table, {
      endpoint: config.endpoint,
      pool,
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
  },
  {
    async prepare(config: Parameters<Reader>[0]) {
      pool = new ReadPool({ workers: config.workers });
      await pool.ready();
    },
  },
);
