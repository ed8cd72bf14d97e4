import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { loadWireCodecs } from '../../src/arrow/wire-codecs.js';

const LOOP = new URL('../helpers/codec-loop.js', import.meta.url);
// With node:zlib's zstd this process aborted within 10 to 60 such terminations in most runs.
const TERMINATIONS = { zstd: 200, lz4: 40 } as const;

test('worker threads terminated while they decode ZSTD and LZ4 buffers die alone: the process lives on', async () => {
  const codecs = await loadWireCodecs();
  const plain = new Uint8Array(Int32Array.from({ length: 1 << 16 }, (_, i) => i % 1000).buffer);
  for (const codec of ['zstd', 'lz4'] as const) {
    const frame = codecs[codec].encode(plain);
    for (let i = 0; i < TERMINATIONS[codec]; i++) {
      const worker = new Worker(LOOP, { workerData: { codec, frame } });
      // Terminated once it decodes, not while it loads its modules (see WORKER_LOADED).
      await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
      await sleep(i % 7);
      assert.equal(await worker.terminate(), 1);
    }
  }
});
