import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

describe('connections reset at random points, a hundred times over each read', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;
  let pool: ReadPool;

  before(async () => {
    ({ emulator, source } = await demoEmulator(24_000));
    pool = new ReadPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

    // A connection carries every stream of its worker, so each lives long enough for a few responses
  // (else no stream makes progress and retries run out, as they should); compressed streams carry
  // fewer bytes, so theirs are cut sooner.
  for (const [compression, seed, minBytes] of [['none', 1, 80_000], ['lz4', 2, 60_000], ['zstd', 3, 40_000]] as const) {
    test(`every row exactly once through ${compression === 'none' ? 'uncompressed' : compression} streams`, async (t) => {
      const proxy = await startCuttingProxy(emulator.address, { seed, minBytes, maxBytes: 5 * minBytes, maxCuts: 100 });
      try {
        const { table, stats } = await readTableParallel(DEMO, {
          endpoint: proxy.address, maxStreams: 12, pool, compression,
          // More retries than cuts: a stream whose every attempt was cut (its connection is shared by its
          // worker's other streams) must not give up while the proxy is still cutting.
          retry: { initialBackoffMs: 1, maxBackoffMs: 20, maxRetries: 120 },
        });
        assert.ok(proxy.cuts >= 30, `the proxy cut ${proxy.cuts} connections`);
        const got = canonicalRows(table);
        assert.equal(got.length, 24_000);
        assert.equal(rowsById(got).size, 24_000, 'no row twice');
        assert.deepEqual(got, canonicalRows(source));
        assert.ok(stats.retries >= 1, `streams resumed (${stats.retries} retries for ${proxy.cuts} cuts)`);
        t.diagnostic(`${proxy.cuts} cuts over ${proxy.connections} connections, ${stats.retries} stream resumes, ${got.length} rows exact`);
      } finally {
        await proxy.close();
      }
    });
  }
});
