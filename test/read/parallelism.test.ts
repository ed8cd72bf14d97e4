import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { BYTES_PER_THREAD, threadsForSession } from '../../src/read/parallelism.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const session = (streams: number, bytes: number) => ({ streams: Array.from({ length: streams }, (_, i) => `s${i}`), estimatedTotalBytesScanned: bytes });

test('threads follow the session: none for a small one, else its streams (16 a thread) and its bytes, up to the most allowed', () => {
  assert.equal(threadsForSession(session(1, 1000), 8, 16), 0, 'a small table: the calling thread');
  assert.equal(threadsForSession(session(16, BYTES_PER_THREAD - 1), 8, 16), 0, 'all its streams at once on the calling thread');
  assert.equal(threadsForSession(session(1, 10 * BYTES_PER_THREAD), 8, 16), 1, 'one stream: one thread, however large');
  assert.equal(threadsForSession(session(32, 1000), 8, 16), 2, '32 paced streams fill two threads');
  assert.equal(threadsForSession(session(17, 1000), 8, 16), 2, 'more streams than a thread reads at once');
  assert.equal(threadsForSession(session(8, 3.5 * BYTES_PER_THREAD), 8, 16), 4, 'its bytes are worth 4 threads');
  assert.equal(threadsForSession(session(8, 100 * BYTES_PER_THREAD), 2, 16), 2, 'never more than allowed');
  assert.equal(threadsForSession(session(1000, 0), 4, 16), 4);
  assert.equal(threadsForSession(session(100, 100 * BYTES_PER_THREAD), 0, 16), 0, 'workers: 0');
});

/** Counts the worker threads this process creates while `work` runs. */
async function threadsCreatedBy<T>(work: () => Promise<T>): Promise<{ value: T; created: number }> {
  let created = 0;
  const count = () => created++;
  process.on('worker', count);
  try {
    return { value: await work(), created };
  } finally {
    process.off('worker', count);
  }
}

let emulator: Emulator;
let source: Awaited<ReturnType<typeof demoEmulator>>['source'];

before(async () => {
  ({ emulator, source } = await demoEmulator(2000));
});
after(async () => {
  await emulator.close();
});

// One at a time: each counts the threads the process creates meanwhile.
describe('worker threads follow the session', { concurrency: 1 }, () => {
  test('a small session is read on the calling thread: no worker thread starts, whatever `workers` allows', async () => {
    const { value: { table, stats }, created } = await threadsCreatedBy(() => readTableParallel(DEMO, { endpoint: emulator.address, workers: 4, maxStreams: 4 }));
    assert.equal(stats.threads, 0);
    assert.equal(created, 0);
    assert.equal(stats.bytesNotDetached, 0, 'batches still move by transfer');
    assert.deepEqual(canonicalRows(table), canonicalRows(source));
  });

  test('workerResourceLimits put even a small read on a worker thread, which they limit', async () => {
    const { value: { stats }, created } = await threadsCreatedBy(() => readTableParallel(DEMO, {
      endpoint: emulator.address, workers: 2, maxStreams: 2, workerResourceLimits: { maxOldGenerationSizeMb: 64 },
    }));
    assert.equal(stats.threads, 1);
    assert.equal(created, 1);
  });

  test('a session of more streams than a thread reads at once grows its own pool, and stays exact', async () => {
    const stream = readBatches(DEMO, { endpoint: emulator.address, workers: 3, maxStreams: 20 });
    const { value: batches, created } = await threadsCreatedBy(async () => {
      const all = [];
      for await (const batch of stream) all.push(batch);
      return all;
    });
    assert.equal((await stream.session).streams.length, 20);
    assert.equal(stream.stats.threads, 2);
    assert.equal(created, 2);
    assert.equal(canonicalRows(batches).length, 2000);
  });

  test('a shared pool started small grows when a read needs more threads, and keeps them warm for the next', async () => {
    const pool = new ReadPool({ workers: 2, startThreads: 1 });
    try {
      await pool.ready();
      assert.equal(pool.threadCount, 1);
      const small = await threadsCreatedBy(() => readTableParallel(DEMO, { endpoint: emulator.address, pool, maxStreams: 2 }));
      assert.equal(small.created, 0, 'a small read did not grow it');
      const { value: { stats }, created } = await threadsCreatedBy(() => readTableParallel(DEMO, { endpoint: emulator.address, pool, maxStreams: 17 }));
      assert.equal(stats.threads, 2);
      assert.equal(created, 1);
      assert.equal(pool.threadCount, 2);
      await pool.ready();
      assert.equal(pool.loadedThreads, 2);
      pool.grow(5);
      assert.equal(pool.threadCount, 2, 'never past workers');
    } finally {
      await pool.close();
    }
    assert.throws(() => new ReadPool({ workers: 2, startThreads: 3 }), /startThreads must be an integer from 1 to workers \(2\)/);
  });
});
