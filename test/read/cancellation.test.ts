import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadAbortedError } from '../../src/read/errors.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { leftOver, liveResources } from '../helpers/leaks.js';

/** Settles with the outcome, or with 'hung' if it takes longer than any prompt stop could. */
function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 20_000).unref());
  return Promise.race([promise.then(() => 'resolved', (err: unknown) => err), hung]);
}

describe('cancellation and consumer errors at any point: prompt stop, everything released', () => {
  let emulator: Emulator;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    ({ emulator } = await demoEmulator(4000));
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await emulator.close();
  });

  const options = (extra: object = {}) => ({ endpoint: emulator.address, maxStreams: 6, workers: 2, ...extra });

  async function expectCleanAbort(run: (signal: AbortSignal, abort: (why: string) => void) => Promise<unknown>, why: string) {
    const baseline = liveResources();
    const controller = new AbortController();
    const result = await outcomeOf(run(controller.signal, (reason) => controller.abort(new Error(reason))));
    assert.ok(result instanceof ReadAbortedError, `got ${String(result)}`);
    assert.match((result as Error).message, new RegExp(why));
    assert.equal(await leftOver(baseline), '', 'nothing of the read is left running');
  }

  test('a signal aborted before the call', async () => {
    await expectCleanAbort((signal, abort) => {
      abort('too late');
      return readTableParallel(DEMO, options({ signal }));
    }, 'too late');
    assert.equal(emulator.stats.sessionsCreated, 0, 'no session was asked for');
  });

  test('during the reads', async () => {
    emulator.addFault({ kind: 'delay', delayMs: 10 });
    try {
      await expectCleanAbort((signal, abort) => readTableParallel(DEMO, options({ signal, onProgress: () => abort('mid-read') })), 'mid-read');
    } finally {
      emulator.clearFaults();
    }
  });

  test('while a stream sits out a minute-long RetryInfo backoff', async () => {
    emulator.addFault({ kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 60_000, stream: 0 });
    emulator.addFault({ kind: 'delay', delayMs: 5, stream: 1 });
    try {
      await expectCleanAbort((signal, abort) => readTableParallel(DEMO, options({
        signal,
        onProgress: (p: { rows: number }) => p.rows > 1000 && abort('during backoff'),
      })), 'during backoff');
    } finally {
      emulator.clearFaults();
    }
  });

  test('while every stream is paused by backpressure and the consumer is away', async () => {
    const baseline = liveResources();
    const controller = new AbortController();
    const stream = readBatches(DEMO, options({ signal: controller.signal, maxBufferedBytes: 50_000 }));
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).done, false);
    // The consumer holds a batch and does not pull; the workers wait for credit. Then the abort.
    controller.abort(new Error('shutting down'));
    assert.equal(await leftOver(baseline), '', 'streams and threads are released before the consumer comes back');
    const next = await outcomeOf(iterator.next());
    assert.ok(next instanceof ReadAbortedError, `got ${String(next)}`);
  });

  test('an exception in the consumer\'s loop', async () => {
    const baseline = liveResources();
    const result = await outcomeOf((async () => {
      for await (const _ of readBatches(DEMO, options())) throw new Error('sink failed');
    })());
    assert.match(String(result), /sink failed/);
    assert.equal(await leftOver(baseline), '');
  });

  test('a break in the consumer\'s loop, and destroying the Node stream', async () => {
    const baseline = liveResources();
    let rows = 0;
    for await (const batch of readBatches(DEMO, options())) {
      rows += batch.numRows;
      break;
    }
    assert.ok(rows > 0);
    const readable = readBatches(DEMO, options()).toReadable();
    await new Promise<void>((resolve) => readable.once('data', () => resolve()));
    readable.destroy();
    assert.equal(await leftOver(baseline), '');
  });

  test('no unhandled rejection came of any of it', () => {
    assert.deepEqual(unhandled, []);
  });
});
