import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import type { Emulator } from '../../src/emulator/server.js';
import { StreamReadError } from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import { readBatches } from '../../src/read/read-batches.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { DEMO, demoEmulator, eventually } from '../helpers/demo-emulator.js';

const FAST_RETRY = { initialBackoffMs: 5, maxBackoffMs: 20, maxRetries: 4 };

describe('faults from the emulator', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;
  let pool: ReadPool;

  before(async () => {
    ({ emulator, source } = await demoEmulator(3000));
    pool = new ReadPool({ workers: 2 });
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  const read = () => readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, pool, retry: FAST_RETRY });

  const transient = [
    ['UNAVAILABLE mid-stream', { kind: 'error', code: 'UNAVAILABLE', afterResponses: 2, stream: 1 }],
    ['INTERNAL RST_STREAM', { kind: 'error', code: 'INTERNAL', message: 'Received RST_STREAM with code 2', afterResponses: 1 }],
    ['RESOURCE_EXHAUSTED with RetryInfo', { kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 150, afterResponses: 1, stream: 2 }],
    ['a dropped connection', { kind: 'drop', afterResponses: 2, stream: 0 }],
  ] as const;

  for (const [name, fault] of transient) {
    test(`${name} resumes at the offset and ends with the exact table`, async () => {
      emulator.addFault(fault);
      const started = performance.now();
      const { table, stats } = await read();
      assert.deepEqual(canonicalRows(table), canonicalRows(source));
      assert.ok(stats.retries >= 1, 'the retry is counted');
      assert.equal(stats.streams.reduce((n, s) => n + s.retries, 0), stats.retries);
      if ('retryDelayMs' in fault) assert.ok(performance.now() - started >= 150, 'waited the RetryInfo delay');
    });
  }

  test('a permanent error fails fast with the status, the table and the stream, and leaves nothing running', async () => {
    emulator.addFault({ kind: 'error', code: 'PERMISSION_DENIED', message: 'no getData permission', afterResponses: 1, stream: 1 });
    emulator.addFault({ kind: 'delay', delayMs: 30, stream: 0 });
    const baseline = emulator.openConnections();
    const err = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, workers: 2, retry: FAST_RETRY }).then(
      () => assert.fail('the read should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StreamReadError);
    assert.equal(err.code, Status.PERMISSION_DENIED);
    assert.equal(err.status, 'PERMISSION_DENIED');
    assert.equal(err.table, 'projects/test-project/datasets/ds/tables/demo');
    assert.match(err.stream!, /\/streams\//);
    assert.match(err.message, /no getData permission/);
    assert.ok(await eventually(() => emulator.openConnections() <= baseline), 'every socket of the failed read closed');
  });

  test('a permanent error does not wait for another stream sitting out a long retry delay', async () => {
    emulator.addFault({ kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 30_000, stream: 0 });
    emulator.addFault({ kind: 'error', code: 'NOT_FOUND', message: 'gone', afterResponses: 1, stream: 1 });
    const started = performance.now();
    await assert.rejects(read(), (err: unknown) => err instanceof StreamReadError && err.code === Status.NOT_FOUND);
    assert.ok(performance.now() - started < 10_000, 'the backoff was cut short');
  });

  test('a transient error that never clears gives up after the retry limit', async () => {
    emulator.addFault({ kind: 'error', code: 'UNAVAILABLE', stream: 0, times: 100 });
    await assert.rejects(read(), (err: unknown) => {
      assert.ok(err instanceof StreamReadError);
      assert.equal(err.code, Status.UNAVAILABLE);
      assert.equal(err.retries, FAST_RETRY.maxRetries);
      assert.match(err.message, /gave up after 4 retries/);
      return true;
    });
  });

  test('a corrupt batch is DATA_LOSS, never silently wrong rows', async () => {
    emulator.addFault({ kind: 'corrupt', afterResponses: 1, stream: 3 });
    await assert.rejects(read(), (err: unknown) => err instanceof StreamReadError && err.code === Status.DATA_LOSS);
  });

  test('throttling is reported in stats', async () => {
    emulator.addFault({ kind: 'throttle', throttlePercent: 40 });
    const { stats, table } = await read();
    assert.equal(table.numRows, 3000);
    assert.equal(stats.maxThrottlePercent, 40);
  });
});

describe('connection losses while streams are paused by backpressure', () => {
  test('streams paused mid-call survive repeated connection losses, even with batches larger than the whole budget', async () => {
    // Long streams (24 responses each), so every one is still mid-call when the cuts come.
    const { emulator, source } = await demoEmulator(24_000);
    const proxy = await startCuttingProxy(emulator.address, { seed: 1, minBytes: 0, maxBytes: 0, maxCuts: 0 });
    try {
      const batches: RecordBatch[] = [];
      const stream = readBatches(DEMO, {
        // 250-row responses of about 75 KB: each one is more than the whole budget.
        endpoint: proxy.address, workers: 1, maxStreams: 4, maxBufferedBytes: 60_000,
        retry: { initialBackoffMs: 1, maxBackoffMs: 5, maxRetries: 3 },
        // The four streams, all paused mid-call, are the subject: no remainder joins them later.
        rebalance: false,
      });
      const iterator = stream[Symbol.asyncIterator]();
      const take = async () => {
        const next = await iterator.next();
        if (!next.done) batches.push(next.value);
        return !next.done;
      };
      while (stream.stats.streams.length === 0 || stream.stats.streams.some((s) => s.rows === 0)) await take();
      // The consumer is away, every stream is paused mid-call on the one connection, and the
      // connection is lost again and again: more times than a stream may fail without progress.
      for (let cut = 0; cut < 8; cut++) {
        await sleep(40);
        proxy.cutAll();
      }
      while (await take());
      assert.deepEqual(rowsById(canonicalRows(batches)), rowsById(canonicalRows(source)));
      assert.ok(stream.stats.streams.every((s) => s.retries >= 1), `every paused stream saw the loss (${stream.stats.streams.map((s) => s.retries).join(',')} retries)`);
    } finally {
      await proxy.close();
      await emulator.close();
    }
  });
});
