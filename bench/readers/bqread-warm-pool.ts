import { ReadPool } from '../../src/index.js';
import { readTable } from './bqread-table.js';
import type { Reader, ReaderConfig } from './reader.js';

/**
 * bqread as an ETL job reading table after table uses it: one ReadPool, made and warmed before the
 * clock starts (prepare), so a read pays only its session and its streams.
 */
let pool: ReadPool | undefined;

export const bqreadWarmPool: Reader = Object.assign((config: ReaderConfig) => readTable(config, pool), {
  async prepare(config: ReaderConfig) {
    pool = new ReadPool({ workers: config.workers });
    await pool.ready();
  },
});
