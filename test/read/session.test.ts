import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
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

test('a read with a pool of its own starts the pool\'s first thread while CreateReadSession is under way', { skip: process.platform !== 'linux' && 'counts threads in /proc' }, async () => {
  const threads = () => readdirSync('/proc/self/task').length;
  const { emulator } = await demoEmulator(2000, { pace: { sessionLatencyMs: 3000 } });
  const stop = new AbortController();
  let rows: Promise<number> = Promise.resolve(0);
  try {
    // A first read, so whatever threads Node starts on first use (libuv's pool) are there already.
    await readTableParallel(DEMO, { endpoint: emulator.address, workers: 1, maxStreams: 1 });
    const before = threads();
    const stream = readBatches(DEMO, { endpoint: emulator.address, workers: 2, maxStreams: 2, signal: stop.signal });
    rows = (async () => {
      let n = 0;
      for await (const batch of stream) n += batch.numRows;
      return n;
    })();
    // The emulator holds the session 3 s; the pool's first thread should be up long before (the
    // session then says whether the read is worth more).
    const deadline = Date.now() + 2500;
    while (threads() < before + 1 && Date.now() < deadline) await sleep(10);
    const sessionMsWhenThreadsRan = stream.stats.sessionMs;
    assert.ok(threads() >= before + 1, `the pool's first thread started (${threads() - before} more than before)`);
    assert.equal(sessionMsWhenThreadsRan, 0, 'the session was still being created when the threads were up');
    assert.equal(await rows, 2000);
  } finally {
    stop.abort();
    await rows.catch(() => undefined);
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
