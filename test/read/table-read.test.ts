import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { BqReadError, CallbackError, ReadOptionsError, StreamReadError, TableReferenceError } from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows } from '../helpers/canonical.js';
import { DEMO, demoEmulator, eventually } from '../helpers/demo-emulator.js';
import { threadsOf } from '../helpers/pool-threads.js';

/** The pool's live threads; a test reaches in to end one, as a crash or an OOM would. */

describe('the read survives, or ends cleanly, whatever happens on its threads', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;

  before(async () => {
    ({ emulator, source } = await demoEmulator(4000));
  });
  after(() => emulator.close());

  test('a worker thread that dies mid-stream: its streams resume on a fresh worker and the table is exact', async () => {
    emulator.addFault({ kind: 'delay', delayMs: 5 });
    const pool = new ReadPool({ workers: 2 });
    try {
      let killed = false;
      const { table, stats } = await readTableParallel(DEMO, {
        endpoint: emulator.address, maxStreams: 6, pool, maxBufferedBytes: 300_000,
        onProgress: (progress) => {
          if (!killed && progress.rows > 600) {
            killed = true;
            void threadsOf(pool)[0]!.terminate();
          }
        },
      });
      assert.ok(killed);
      assert.equal(table.numRows, 4000);
      assert.deepEqual(canonicalRows(table), canonicalRows(source));
      assert.ok(stats.workerRestarts >= 1, `restarts counted (${stats.workerRestarts})`);
      assert.equal(stats.streams.reduce((n, s) => n + s.workerRestarts, 0), stats.workerRestarts);
      assert.equal(stats.streams.reduce((n, s) => n + s.rows, 0), 4000);
      // The pool replaced the thread and reads on.
      const again = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 2, pool, selectedFields: ['id'] });
      assert.equal(again.table.numRows, 4000);
    } finally {
      emulator.clearFaults();
      await pool.close();
    }
  });

  test('the last progress report counts every stream done, not only every row read', async () => {
    const reports: { rows: number; streamsDone: number; streamsTotal: number }[] = [];
    await readTableParallel(DEMO, {
      endpoint: emulator.address, maxStreams: 4, workers: 1, selectedFields: ['id'],
      onProgress: ({ rows, streamsDone, streamsTotal }) => reports.push({ rows, streamsDone, streamsTotal }),
    });
    const last = reports.at(-1)!;
    assert.ok(last.streamsTotal >= 4, `streams ${last.streamsTotal}`);
    assert.deepEqual(last, { rows: 4000, streamsDone: last.streamsTotal, streamsTotal: last.streamsTotal });
  });

  test('a stream whose worker keeps dying fails after maxWorkerRestarts, naming stream and offset', async () => {
    emulator.addFault({ kind: 'delay', delayMs: 5 });
    const pool = new ReadPool({ workers: 1 });
    try {
      let kills = 0;
      await assert.rejects(
        readTableParallel(DEMO, {
          endpoint: emulator.address, maxStreams: 1, pool, maxWorkerRestarts: 0,
          onProgress: () => {
            if (kills++ === 0) void threadsOf(pool)[0]!.terminate();
          },
        }),
        (err: unknown) =>
          err instanceof StreamReadError && /worker thread died 1 times/.test(err.message) && err.retryable &&
          typeof err.stream === 'string' && err.offset! > 0,
      );
    } finally {
      emulator.clearFaults();
      await pool.close();
    }
  });

  test('an onProgress that throws ends the read with one clear error and leaves no thread or socket', async () => {
    const baseline = emulator.openConnections();
    await assert.rejects(
      readTableParallel(DEMO, {
        endpoint: emulator.address, maxStreams: 4, workers: 2,
        onProgress: (p) => {
          if (p.rows > 0) throw new Error('dashboard is down');
        },
      }),
      (err: unknown) => err instanceof CallbackError && /onProgress threw: dashboard is down/.test(err.message),
    );
    assert.ok(await eventually(() => emulator.openConnections() <= baseline), `connections left: ${emulator.openConnections()}`);
  });

  test('workerResourceLimits reach every worker thread', async () => {
    const pool = new ReadPool({ workers: 2, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    try {
      const { table } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 2, pool, selectedFields: ['id'] });
      assert.equal(table.numRows, 4000);
      assert.deepEqual(threadsOf(pool).map((t) => t.resourceLimits?.maxOldGenerationSizeMb), [256, 256]);
    } finally {
      await pool.close();
    }
  });

  test('resource limits too small for a worker to start are refused before any thread starts', async () => {
    // A worker that runs out of memory while it loads can take the process down with it (Node
    // aborts in the dying isolate), so the pool refuses such limits up front.
    for (const maxOldGenerationSizeMb of [2, 8]) {
      await assert.rejects(
        readTableParallel(DEMO, { endpoint: emulator.address, workers: 1, workerResourceLimits: { maxOldGenerationSizeMb } }),
        (err: unknown) => err instanceof ReadOptionsError && /maxOldGenerationSizeMb must be at least 16/.test(err.message),
      );
    }
  });

  test('after an abort no queued stream starts', async () => {
    const counting = await demoEmulator(4000);
    counting.emulator.addFault({ kind: 'delay', delayMs: 10 });
    try {
      const controller = new AbortController();
      await assert.rejects(
        readTableParallel(DEMO, {
          endpoint: counting.emulator.address, maxStreams: 8, concurrency: 1, workers: 1, signal: controller.signal,
          onProgress: () => controller.abort(new Error('enough')),
        }),
        /enough/,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(counting.emulator.stats.readRowsCalls, 1, 'only the stream that was running');
    } finally {
      await counting.emulator.close();
    }
  });

  test('conflicting options are rejected, not silently ignored', async () => {
    const pool = new ReadPool({ workers: 1 });
    try {
      const conflicts = [
        { pool, workers: 2 },
        { token: 't', authClient: { getAccessToken: () => Promise.resolve('t') } },
        { token: 't', keyFilename: '/k.json' },
        { preferredMinStreams: 5, maxStreams: 2 },
      ];
      for (const conflict of conflicts) {
        await assert.rejects(readTableParallel(DEMO, { endpoint: emulator.address, ...conflict }), ReadOptionsError);
      }
    } finally {
      await pool.close();
    }
  });

  test('a closed pool, credentials without TLS, and a second iteration are clear errors', async () => {
    const pool = new ReadPool({ workers: 1 });
    await pool.close();
    await assert.rejects(readTableParallel(DEMO, { endpoint: emulator.address, pool }), (err: unknown) =>
      err instanceof ReadOptionsError && /ReadPool passed as `pool` is closed/.test(err.message));
    await assert.rejects(readTableParallel(DEMO, { endpoint: emulator.address, keyFilename: '/nonexistent/key.json' }), (err: unknown) =>
      err instanceof ReadOptionsError && /need TLS/.test(err.message));
    assert.throws(() => new ReadPool({ workers: 0 }), ReadOptionsError);
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 1, workers: 1, selectedFields: ['id'] });
    let rows = 0;
    for await (const batch of stream) rows += batch.numRows;
    assert.equal(rows, 4000);
    assert.throws(() => stream[Symbol.asyncIterator](), (err: unknown) => err instanceof BqReadError && /only once/.test(err.message));
  });

  test('every error is a BqReadError, a bad table name too', async () => {
    await assert.rejects(readTableParallel('nodots', { endpoint: emulator.address }), (err: unknown) =>
      err instanceof TableReferenceError && err instanceof ReadOptionsError && err instanceof BqReadError);
  });
});
