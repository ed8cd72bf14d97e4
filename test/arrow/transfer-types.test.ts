import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { test } from 'node:test';
import { Field, List, Schema } from 'apache-arrow';
import type { PackedBatch } from '../../src/arrow/packed-batch.js';
import { packBatch, unpackBatch } from '../../src/arrow/transfer.js';
import { canonicalRows } from '../helpers/canonical.js';
import { typesTable } from '../helpers/types-table.js';

/** Posts a packed batch through a MessagePort by transfer, as the worker does. */
async function transfer(packed: PackedBatch): Promise<PackedBatch> {
  const { port1, port2 } = new MessageChannel();
  try {
    const arrived = once(port2, 'message');
    port1.postMessage(packed, [packed.memory]);
    return ((await arrived) as [PackedBatch])[0];
  } finally {
    port1.close();
    port2.close();
  }
}

/**
 * The other form of REPEATED fields the service might send (unverified either way): a nullable
 * `item` child, with the element's metadata on the list field instead of on `item`.
 */
function otherRepeatedForm(schema: Schema): Schema {
  return new Schema(schema.fields.map((f) => {
    if (!(f.type instanceof List)) return f;
    const item = f.type.children[0]!;
    return new Field(f.name, new List(new Field(item.name, item.type, true)), f.nullable, item.metadata);
  }));
}

test('INTERVAL (month-day-nano), RANGE structs and declared decimals survive pack, transfer and unpack', async () => {
  const table = typesTable(300, 300);
  const batch = table.batches[0]!.slice(17, 290);
  const rebuilt = unpackBatch(table.schema, await transfer(packBatch(batch)));
  assert.deepEqual(canonicalRows([rebuilt]), canonicalRows([batch]));
  assert.deepEqual(rebuilt.schema.fields.map(String), table.schema.fields.map(String));
});

test('unpacking tolerates either form of a REPEATED field: item nullability and where its metadata sits', async () => {
  const table = typesTable(120, 120);
  const batch = table.batches[0]!;
  const other = otherRepeatedForm(table.schema);
  const itemOf = (schema: Schema) => (schema.fields.find((f) => f.name === 'r_iv')!.type as List).children[0]!;
  assert.deepEqual([itemOf(table.schema).nullable, itemOf(other).nullable], [false, true]);
  assert.deepEqual([itemOf(table.schema).metadata.size, itemOf(other).metadata.size], [1, 0]);
  const rebuilt = unpackBatch(other, await transfer(packBatch(batch)));
  assert.deepEqual(canonicalRows([rebuilt]), canonicalRows([batch]));
});
