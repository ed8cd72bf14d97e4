import type { Worker } from 'node:worker_threads';
import type { ReadPool } from '../../src/read/pool.js';

/** A pool's live worker threads, for tests that kill or inspect them (every group's piscina). */
export const threadsOf = (pool: ReadPool): Worker[] =>
  (pool as unknown as { groups: { piscina: { threads: Worker[] } }[] }).groups.flatMap((group) => group.piscina.threads);
