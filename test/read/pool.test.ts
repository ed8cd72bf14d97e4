import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventEmitter } from 'node:events';
import { ReadPool } from '../../src/read/pool.js';
import { WORKER_LOADED } from '../../workers/stream-task.js';

test('closing a pool whose threads are still starting waits until they have loaded, then ends them all', async () => {
  // Node can abort the process when a thread is terminated while piscina still require()s its ES
  // module, so close() must not terminate a thread before it says it has loaded.
  for (let round = 0; round < 3; round++) {
    const pool = new ReadPool({ workers: 2 });
    const loaded: number[] = [];
    for (const { piscina } of (pool as unknown as { groups: { piscina: EventEmitter }[] }).groups) {
      piscina.on('message', (m: { type?: string; threadId?: number }) => {
        if (m?.type === WORKER_LOADED) loaded.push(m.threadId!);
      });
    }
    await pool.close();
    assert.equal(loaded.length, 2, `round ${round}: both threads loaded before they were ended`);
    assert.equal(pool.threadCount, 0);
  }
});

test('ready() resolves once every thread has loaded its modules, and rejects on a closed pool', async () => {
  const pool = new ReadPool({ workers: 2 });
  try {
    await pool.ready();
    assert.equal(pool.loadedThreads, 2, 'both threads had loaded when ready() resolved');
    assert.equal(pool.threadCount, 2);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.ready(), { name: 'ReadOptionsError', message: /closed/ });
});
