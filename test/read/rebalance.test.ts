import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordBatch, Table } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import type { ReadStats } from '../../src/read/stats.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { threadsOf } from '../helpers/pool-threads.js';

// 24,000 rows in 96 responses of about 75 KB, each stream served at 2 MiB/s as the service paces
// its streams: one stream takes about 3.5 s alone, long enough that splitting it pays, again and again.
const ROWS = 24_000;
const PACE = { streamBytesPerSecond: 2 * 1024 * 1024 };
const FAST_RETRY = { initialBackoffMs: 1, maxBackoffMs: 10, maxRetries: 5 };

function assertSplitsAccounted(stats: ReadStats, sessionStreams: number): void {
  assert.equal(stats.streams.length, sessionStreams + stats.splits, 'a run for every session stream and every remainder');
  assert.equal(stats.streams.reduce((n, s) => n + s.rows, 0), ROWS);
  const moved = stats.streams.slice(sessionStreams).reduce((n, s) => n + s.rows, 0);
  assert.equal(stats.rowsMoved, moved, 'rows moved are the remainders\' rows');
}

describe('rebalancing splits the stream that ends last, and every row arrives once', { concurrency: 1 }, () => {
  let emulator: Emulator;
  let source: Table;
  let sourceRows: ReturnType<typeof canonicalRows>;

  before(async () => {
    ({ emulator, source } = await demoEmulator(ROWS, { pace: PACE }));
    sourceRows = canonicalRows(source);
  });
  after(() => emulator.close());

  test('one slow stream is split again and again (remainders and primaries too); the table is exact and in session order', async () => {
    const callsBefore = emulator.stats.splitCalls;
    const { table, stats } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 1, workers: 1 });
    assert.deepEqual(canonicalRows(table), sourceRows, 'every row once, in the stream\'s order');
    assert.ok(stats.splits >= 2, `split more than once, so a primary or a remainder was split again (${stats.splits})`);
    assert.ok(stats.rowsMoved > 0 && stats.rowsMoved < ROWS, `rows moved: ${stats.rowsMoved}`);
    assert.ok(emulator.stats.splitCalls - callsBefore >= stats.splits + stats.splitsAbandoned);
    assertSplitsAccounted(stats, 1);
  });

  test('a straggler (one stream 10x slower) is split: its run moves to a primary, and the table is exact', async () => {
    // A 75 KB response takes about 36 ms at the pace: stream 0 waits 10 times that before each.
    emulator.addFault({ kind: 'delay', table: DEMO, stream: 0, delayMs: 360 });
    try {
      const { table, stats, session } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, workers: 1 });
      assert.deepEqual(canonicalRows(table), sourceRows);
      assert.notEqual(stats.streams[0]!.stream, session.streams[0], 'the straggler\'s run moved to a primary');
      assert.ok(stats.splits >= 1);
      assertSplitsAccounted(stats, 4);
    } finally {
      emulator.clearFaults();
    }
  });

  test('a stream of one storage block cannot split: the read goes on unsplit and counts the failed split', async () => {
    // The emulator's default 4 MiB blocks: 6,000 rows (about 2 MiB) are one block, one stream.
    const { emulator: blocky, source: small } = await demoEmulator(6000, { pace: { streamBytesPerSecond: 1024 * 1024 }, storageBlockBytes: 4 * 1024 * 1024 });
    try {
      const { table, stats } = await readTableParallel(DEMO, { endpoint: blocky.address, workers: 1 });
      assert.deepEqual(canonicalRows(table), canonicalRows(small));
      assert.equal(stats.splits, 0);
      assert.ok(stats.splitsFailed >= 1, `asked, and refused (${stats.splitsFailed})`);
      assert.ok(blocky.stats.splitCalls >= stats.splitsFailed);
    } finally {
      await blocky.close();
    }
  });

  test('rebalance: false reads the session\'s streams as they are', async () => {
    const callsBefore = emulator.stats.splitCalls;
    const { table, stats } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 2, workers: 1, rebalance: false });
    assert.equal(table.numRows, ROWS);
    assert.equal(stats.splits, 0);
    assert.equal(stats.rowsMoved, 0);
    assert.equal(stats.streams.length, 2);
    assert.equal(emulator.stats.splitCalls, callsBefore, 'no SplitReadStream call');
  });

  test('streaming, ordered on the calling thread and unordered on a worker: every row once, ordered in session order', async () => {
    for (const [ordered, workers] of [[true, 0], [false, 1]] as const) {
      const batches: RecordBatch[] = [];
      let streamsTotal = 0;
      const stream = readBatches(DEMO, {
        endpoint: emulator.address, maxStreams: 2, workers, ordered,
        onProgress: (p) => (streamsTotal = Math.max(streamsTotal, p.streamsTotal)),
      });
      for await (const batch of stream) batches.push(batch);
      const got = canonicalRows(batches);
      assert.equal(got.length, ROWS, `ordered ${ordered}: no row doubled`);
      if (ordered) assert.deepEqual(got, sourceRows, 'a remainder\'s rows follow its stream\'s');
      else assert.deepEqual(rowsById(got), rowsById(sourceRows));
      assert.ok(stream.stats.splits >= 1, `ordered ${ordered}: split (${stream.stats.splits})`);
      assert.equal(streamsTotal, 2 + stream.stats.splits, 'progress counts the streams the splits made');
      assertSplitsAccounted(stream.stats, 2);
    }
  });

  test('with transient errors, connection cuts and a worker thread killed mid-read: exact', async () => {
    const proxy = await startCuttingProxy(emulator.address, { seed: 3, minBytes: 400_000, maxBytes: 1_500_000, maxCuts: 6 });
    const pool = new ReadPool({ workers: 2 });
    try {
      emulator.addFault({ kind: 'error', table: DEMO, afterResponses: 10, times: 4 });
      emulator.addFault({ kind: 'error', table: DEMO, code: 'RESOURCE_EXHAUSTED', retryDelayMs: 5, afterResponses: 3, times: 2 });
      await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 2, pool, selectedFields: ['id'], rebalance: false });
      const victims = [...threadsOf(pool)];
      let killed = false;
      const { table, stats } = await readTableParallel(DEMO, {
        endpoint: proxy.address, maxStreams: 2, pool, retry: FAST_RETRY,
        onProgress: (p) => {
          if (!killed && p.rows > ROWS / 3) {
            killed = true;
            void victims[0]!.terminate();
          }
        },
      });
      assert.ok(killed);
      assert.deepEqual(canonicalRows(table), sourceRows);
      assert.ok(stats.retries >= 1, `retried (${stats.retries})`);
      assert.ok(stats.splits >= 1, `split (${stats.splits})`);
      assertSplitsAccounted(stats, 2);
    } finally {
      emulator.clearFaults();
      await pool.close();
      await proxy.close();
    }
  });
});
