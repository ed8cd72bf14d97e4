import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadAbortedError } from '../../src/read/errors.js';
import { resolveReadOptions } from '../../src/read/options.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { createReadSessionRequest } from '../../src/read/session.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

describe('the session request, as the strict emulator (and the service) accept it', () => {
  let emulator: Emulator;

  before(async () => {
    ({ emulator } = await demoEmulator(2000));
  });
  after(() => emulator.close());

  test('preferred_min_stream_count is sent only when max_stream_count leaves the choice to the service', () => {
    const request = (maxStreams?: number) => createReadSessionRequest(resolveReadOptions(DEMO, { endpoint: emulator.address, maxStreams }), 64);
    assert.equal(request().preferredMinStreamCount, 64);
    assert.equal(request(0).preferredMinStreamCount, 64);
    assert.equal(request(32).preferredMinStreamCount, 0);
    assert.equal(request(32).maxStreamCount, 32);
  });

  for (const workers of [1, 2, 3]) {
    test(`maxStreams 1..4 with ${workers} worker(s) is accepted and read exactly`, async () => {
      const pool = new ReadPool({ workers });
      try {
        for (let maxStreams = 1; maxStreams <= 4; maxStreams++) {
          const { table, session } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams, pool, selectedFields: ['id'] });
          assert.equal(session.streams.length, maxStreams);
          assert.equal(table.numRows, 2000);
        }
      } finally {
        await pool.close();
      }
    });
  }

  test('the session, and its schema, can be had before iterating, without reading a row', async () => {
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 3, workers: 1 });
    const session = await stream.session;
    assert.equal(session.streams.length, 3);
    assert.ok(session.schema.fields.some((f) => f.name === 'id'));
    assert.equal(stream.stats.rows, 0);
    assert.equal(stream.stats.batches, 0);
    assert.equal(stream.stats.firstBatchMs, 0, 'no batch has arrived yet');
    let rows = 0;
    for await (const batch of stream) rows += batch.numRows;
    assert.equal(rows, 2000);
    const { sessionMs, firstBatchMs, wallMs } = stream.stats;
    assert.ok(sessionMs > 0 && sessionMs < firstBatchMs && firstBatchMs <= wallMs, `session ${sessionMs} < first batch ${firstBatchMs} <= wall ${wallMs} ms`);
    assert.equal(await stream.session, session, 'iteration reads the session it already has');
  });
});

test('a read starts no worker thread before its session says what the read is worth', async () => {
  const { emulator } = await demoEmulator(2000, { pace: { sessionLatencyMs: 600 } });
  const started: number[] = [];
  const onWorker = () => started.push(performance.now());
  process.on('worker', onWorker);
  try {
    // 20 streams: worth two threads, which start once the session is in.
    // Taken before the call, whose own clock (stats.sessionMs) starts inside it: the session came
    // in no earlier than `called` + sessionMs.
    const called = performance.now();
    const stream = readBatches(DEMO, { endpoint: emulator.address, workers: 2, maxStreams: 20 });
    let rows = 0;
    for await (const batch of stream) rows += batch.numRows;
    assert.equal(rows, 2000);
    assert.equal(stream.stats.threads, 2);
    assert.equal(started.length, 2);
    const sessionAt = called + stream.stats.sessionMs;
    assert.ok(started.every((at) => at >= sessionAt), `threads started ${started.map((at) => (at - called).toFixed(0)).join(', ')} ms after the call, the session ${stream.stats.sessionMs.toFixed(0)} ms`);
  } finally {
    process.off('worker', onWorker);
    await emulator.close();
  }
});

describe('cancellation is prompt at every point', () => {
  test('an abort during the backoff between session attempts ends the read without waiting it out', async () => {
    // A peer that resets every connection: each CreateReadSession attempt fails UNAVAILABLE, then
    // waits a backoff that this read makes an hour long.
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    let attempts = 0;
    resetting.on('connection', () => attempts++);
    try {
      const controller = new AbortController();
      const read = readTableParallel(DEMO, {
        endpoint: `127.0.0.1:${(resetting.address() as net.AddressInfo).port}`,
        workers: 1,
        signal: controller.signal,
        retry: { initialBackoffMs: 3_600_000, maxBackoffMs: 3_600_000 },
      });
      const outcome = read.then(() => 'resolved', (err: unknown) => err);
      while (attempts === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort(new Error('deploy is shutting down'));
      const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting on the backoff'), 20_000).unref());
      const result = await Promise.race([outcome, hung]);
      assert.ok(result instanceof ReadAbortedError, `got ${String(result)}`);
      assert.match((result as Error).message, /deploy is shutting down/);
    } finally {
      await new Promise<void>((resolve) => resetting.close(() => resolve()));
    }
  });
});
