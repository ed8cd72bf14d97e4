import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { Field, Schema, Struct } from 'apache-arrow';
import { once } from 'node:events';
import { test } from 'node:test';
import { childFields, schemaFields } from '../../src/arrow/child-fields.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import type { PackedBatch } from '../../src/arrow/packed-batch.js';
import { packBatch, unpackBatch } from '../../src/arrow/transfer.js';
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
      for (const b of [data.valueOffsets, data.values, data.nullBitmap] as (ArrayBufferView | undefined)[]) if (b && b.byteLength) owners.add(b.buffer);
      data.children.forEach((c) => visit(c as typeof rebuilt.data));
    };
    visit(rebuilt.data);
    assert.deepEqual([...owners], [received.memory], 'every column is a view over the transferred memory');
  } finally {
    port1.close();
    port2.close();
  }
});

test('a packed batch unpacked against another schema fails with the type where they part', () => {
  const table = generateDemoTable({ rows: 50, seed: 3, batchRows: 50 });
  const packed = packBatch(table.batches[0]!);
  const narrower = new Schema(table.schema.fields.slice(0, 3));
  assert.throws(() => unpackBatch(narrower, packed), /transferred batch does not match the schema at Struct/);
  const rec = schemaFields(table.schema).findIndex((f) => childFields(f.type).length > 0);
  const fields = schemaFields(table.schema).map((f, i) => (i === rec ? new Field(f.name, new Struct(childFields(f.type).slice(1)), f.nullable) : f));
  assert.throws(() => unpackBatch(new Schema(fields), packed), /does not match the schema/);
});
