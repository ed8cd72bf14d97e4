import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { once } from 'node:events';
import { test } from 'node:test';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { packBatch, unpackBatch, type PackedBatch } from '../../src/arrow/transfer.js';
import { canonicalRows } from '../helpers/canonical.js';

test('a packed batch moves through a MessagePort by transfer and rebuilds without copying', async () => {
  const table = generateDemoTable({ rows: 700, seed: 3, batchRows: 700 });
  const batch = table.batches[0]!.slice(100, 600);
  const packed = packBatch(batch);
  const { port1, port2 } = new MessageChannel();
  try {
    const arrived = once(port2, 'message');
    port1.postMessage(packed, [packed.memory]);
    assert.equal(packed.memory.byteLength, 0, 'the sender no longer owns the memory');
    const [received] = (await arrived) as [PackedBatch];
    const rebuilt = unpackBatch(table.schema, received);
    assert.deepEqual(canonicalRows([rebuilt]), canonicalRows([batch]));
    const owners = new Set<ArrayBufferLike>();
    const visit = (data: typeof rebuilt.data) => {
      for (const b of [data.valueOffsets, data.values, data.nullBitmap]) if (b && b.byteLength) owners.add(b.buffer);
      data.children.forEach((c) => visit(c as typeof rebuilt.data));
    };
    visit(rebuilt.data);
    assert.deepEqual([...owners], [received.memory], 'every column is a view over the transferred memory');
  } finally {
    port1.close();
    port2.close();
  }
});
