import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { heldBytesBound } from '../../src/read/stats.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { DEMO, demoEmulator, eventually } from '../helpers/demo-emulator.js';

describe('readBatches, the streaming form', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;
  let pool: ReadPool;

  before(async () => {
    ({ emulator, source } = await demoEmulator(4000));
    pool = new ReadPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  test('arrival order gives every row exactly once', async () => {
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 6, pool });
    const batches: RecordBatch[] = [];
    for await (const batch of stream) batches.push(batch);
    const expected = rowsById(canonicalRows(source));
    const got = rowsById(canonicalRows(batches));
    assert.equal(got.size, 4000);
    assert.deepEqual(got, expected);
    assert.equal((await stream.session).streams.length, 6);
    assert.equal(stream.stats.rows, 4000);
  });

  test('stream order on request gives the session order', async () => {
    const batches: RecordBatch[] = [];
    for await (const batch of readBatches(DEMO, { endpoint: emulator.address, maxStreams: 5, pool, ordered: true, selectedFields: ['id'] })) {
      batches.push(batch);
    }
    const ids = canonicalRows(batches).map((r) => Number((r as { id: string }).id));
    assert.deepEqual(ids, Array.from({ length: 4000 }, (_, i) => i));
  });

  test('a slow consumer keeps buffered bytes plus open windows within the documented bound', async (t) => {
    const budget = 200_000;
    const sentBefore = emulator.stats.responseBytesSent;
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 8, pool, maxBufferedBytes: budget, concurrency: 4 });
    let largest = 0;
    let rows = 0;
    // Sent by the emulator (it had HTTP/2 window to go) and not yet handed to the coordinator:
    // what sits in the streams' windows, grpc-js's read-ahead and the worker.
    let peakInFlight = 0;
    for await (const batch of stream) {
      peakInFlight = Math.max(peakInFlight, emulator.stats.responseBytesSent - sentBefore - stream.stats.responseBytes);
      largest = Math.max(largest, batch.data.children.reduce((n, c) => n + c.byteLength, 0));
      rows += batch.numRows;
      await sleep(4);
    }
    const { stats } = stream;
    assert.equal(rows, 4000);
    assert.ok(stats.bytes > 4 * budget, `table (${stats.bytes} B) is several budgets`);
    assert.equal(stats.streamsInFlight, 4);
    assert.equal(stats.flowControlWindowBytes, 4 * 1024 * 1024);
    assert.ok(stats.largestBatchBytes >= largest, 'the largest batch is measured on the transferred memory');
    assert.ok(peakInFlight > 0, 'responses were seen in flight');
    // Each stream in flight may overshoot its credit by one batch; nothing else is buffered decoded.
    assert.ok(
      stats.peakBufferedBytes <= budget + stats.streamsInFlight * stats.largestBatchBytes,
      `peak ${stats.peakBufferedBytes} B within budget ${budget} B + ${stats.streamsInFlight} x ${stats.largestBatchBytes} B`,
    );
    const inFlightBound = stats.streamsInFlight * (stats.flowControlWindowBytes + stats.largestResponseBytes);
    assert.ok(peakInFlight <= inFlightBound, `in flight ${peakInFlight} B within ${stats.streamsInFlight} x (window + one response) = ${inFlightBound} B`);
    const bound = heldBytesBound(budget, stats);
    t.diagnostic(`peak buffered ${stats.peakBufferedBytes} B, peak in flight ${peakInFlight} B (bound ${inFlightBound} B), held-bytes bound ${bound} B`);
    assert.ok(stats.peakBufferedBytes + peakInFlight <= bound, `buffered + in flight ${stats.peakBufferedBytes + peakInFlight} B within the bound ${bound} B`);
  });

  test('an ordered read whose budget is smaller than one batch per stream delivers every row, in order', async () => {
    // Ordered delivery takes stream 0 only, while streams 1-3, out of credit, each hold a batch that
    // fills the budget and waits for stream 0 to end: stream 0 must still get credit, or the read
    // waits for ever. One worker thread, so every stream shares one connection.
    const { emulator: big, source: bigSource } = await demoEmulator(12_000);
    const onePool = new ReadPool({ workers: 1 });
    try {
      const stream = readBatches(DEMO, {
        endpoint: big.address, maxStreams: 4, pool: onePool, ordered: true, maxBufferedBytes: 100_000, signal: AbortSignal.timeout(60_000),
      });
      const batches: RecordBatch[] = [];
      for await (const batch of stream) batches.push(batch);
      assert.ok(stream.stats.largestBatchBytes > 100_000 / 4, 'each batch is larger than a stream\'s share of the budget');
      const ids = canonicalRows(batches).map((r) => Number((r as { id: string }).id));
      assert.deepEqual(ids, Array.from({ length: 12_000 }, (_, i) => i));
      assert.deepEqual(canonicalRows(batches), canonicalRows(bigSource));
    } finally {
      await onePool.close();
      await big.close();
    }
  });

  test('many streams at once raise no warning (one stop listener per stream in flight)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const wide = new ReadPool({ workers: 2, streamsPerWorker: 12 });
      try {
        let rows = 0;
        for await (const batch of readBatches(DEMO, { endpoint: emulator.address, maxStreams: 24, pool: wide, selectedFields: ['id'] })) rows += batch.numRows;
        assert.equal(rows, 4000);
      } finally {
        await wide.close();
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.map((w) => w.message), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('as a Node Readable', async () => {
    const readable = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 3, pool, selectedFields: ['id'] }).toReadable();
    let rows = 0;
    for await (const batch of readable) rows += (batch as RecordBatch).numRows;
    assert.equal(rows, 4000);
  });

  test('stopping early cancels the other streams and leaves no connection or worker behind', async () => {
    // The shared pool's workers keep their channels open; this read's own pool must leave none.
    const baseline = emulator.openConnections();
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 8, workers: 2, maxBufferedBytes: 100_000 });
    let seen = 0;
    for await (const batch of stream) {
      seen += batch.numRows;
      if (seen > 500) break;
    }
    assert.ok(seen > 500 && seen < 4000);
    assert.ok(await eventually(() => emulator.openConnections() <= baseline), `connections left: ${emulator.openConnections()} (baseline ${baseline})`);
  });
});
