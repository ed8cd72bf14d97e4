import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Binary, Bool, CompressionType, Data, DateMillisecond, Dictionary, Field, FixedSizeBinary, FixedSizeList, Float16, Float32, Int8, Int32, LargeUtf8, List,
  makeData, Map_, Null, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, TimeMillisecond, Uint16, Utf8, vectorFromArray, type DataType,
} from 'apache-arrow';
import { CorruptBatchError, StreamBatchDecoder } from '../../src/arrow/batch-message.js';
import { registerArrowCodecs } from '../../src/arrow/codecs.js';
import { encodeBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc-messages.js';
import { layoutPlanOf } from '../../src/arrow/layout-plan.js';
import { MessageLayout } from '../../src/arrow/message-layout.js';
import { packBatch, unpackBatch } from '../../src/arrow/transfer.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { sparseTable } from '../helpers/sparse-table.js';

/** The layout a worker makes of the plan its task brings (a structured clone of the coordinator's), or undefined without a plan. */
function layoutOf(schema: Schema): MessageLayout | undefined {
  const plan = layoutPlanOf(schema);
  return plan && new MessageLayout(structuredClone(plan));
}

/** The message in memory of its own from byte 0, as the worker hands it over. */
function owned(message: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new ArrayBuffer(message.byteLength));
  copy.set(message);
  return copy;
}

/** Every cell as text: enough to tell any two values apart, for any type. */
function cells(batch: RecordBatch): string[] {
  const text = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v));
  return batch.schema.fields.flatMap((_, c) => Array.from({ length: batch.numRows }, (_, r) => text(batch.getChildAt(c)!.get(r))));
}

/** Each batch's layout both ways (arrow's decode, and straight from the message) must be the same numbers. */
function assertSameLayouts(table: Table): void {
  const schemaMessage = encodeSchemaMessage(table.schema);
  const layouts = layoutOf(table.schema);
  assert.ok(layouts, 'every type of the table is read straight from the message');
  const decoder = new StreamBatchDecoder(schemaMessage);
  for (const batch of table.batches) {
    const message = encodeBatchMessage(batch, schemaMessage.byteLength);
    const viaArrow = owned(message);
    const expected = packBatch(decoder.decode(viaArrow, batch.numRows), viaArrow.buffer as ArrayBuffer);
    const direct = layouts.pack(owned(message), batch.numRows);
    assert.ok(direct);
    assert.deepEqual(Array.from(direct.layout), Array.from(expected.layout));
    const unpacked = unpackBatch(table.schema, direct);
    assert.deepEqual(cells(unpacked), cells(batch));
    // What a consumer does next: arrow's own writer takes the batch, and its reader gives it back.
    assert.deepEqual(cells(tableFromIPC(tableToIPC(new Table([unpacked]))).batches[0] ?? unpacked), cells(batch));
  }
}

test('every BigQuery type (the demo table, nulls, REPEATED, RECORD, RANGE, INTERVAL) lays out as arrow decodes it', () => {
  assertSameLayouts(generateDemoTable({ rows: 1200, seed: 11, batchRows: 250 }));
});

test('other Arrow types a table may hold lay out as arrow decodes them', () => {
  const rows = 40;
  const column = <T extends DataType>(type: T, value: (i: number) => unknown) =>
    vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 7 === 3 ? null : value(i))), type);
  const columns = {
    int8: column(new Int8(), (i) => i - 20),
    uint16: column(new Uint16(), (i) => i * 100),
    float16: column(new Float16(), (i) => i / 4),
    float32: column(new Float32(), (i) => i / 3),
    large_utf8: column(new LargeUtf8(), (i) => `row ${i}`),
    fixed_binary: column(new FixedSizeBinary(3), (i) => Uint8Array.of(i, i + 1, i + 2)),
    date_ms: column(new DateMillisecond(), (i) => new Date(Date.UTC(2024, 0, 1 + i))),
    time_ms: column(new TimeMillisecond(), (i) => i * 1000),
    fixed_list: column(new FixedSizeList(2, new Field('item', new Int32(), true)), (i) => [i, -i]),
    map: column(new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false) as never), (i) => new Map([[`k${i}`, i]])),
    binary: column(new Binary(), (i) => Uint8Array.of(i)),
    bools: column(new Bool(), (i) => i % 2 === 0),
    list_of_lists: column(new List(new Field('item', new List(new Field('item', new Int32(), true)), true)), (i) => [[i], [], [i, i]]),
  };
  assertSameLayouts(new Table(columns));
});

test('batches with no value bytes (all strings empty or NULL, every array empty, nested too) keep every buffer, as arrow decodes them', () => {
  assertSameLayouts(sparseTable(7, 3));
  assertSameLayouts(sparseTable(1));
  assertSameLayouts(generateDemoTable({ rows: 12, seed: 4, batchRows: 1 }));
});

test('a zero-row batch lays out as arrow decodes it', () => {
  const sparse = sparseTable(2);
  const demo = generateDemoTable({ rows: 3, seed: 4 });
  assertSameLayouts(new Table(sparse.schema, [sparse.batches[0]!.slice(0, 0)]));
  assertSameLayouts(new Table(demo.schema, [demo.batches[0]!.slice(0, 0)]));
});

test('a schema with a type arrow must decode (dictionary, null) is left to arrow', () => {
  const dictionary = new Schema([new Field('d', new Dictionary(new Utf8(), new Int32()), true)]);
  const nulls = new Schema([new Field('n', new Null(), true)]);
  assert.equal(layoutOf(dictionary), undefined);
  assert.equal(layoutOf(nulls), undefined);
});

test('compressed buffers are left to arrow', async () => {
  await registerArrowCodecs();
  const table = generateDemoTable({ rows: 100, seed: 3 });
  const schemaMessage = encodeSchemaMessage(table.schema);
  const message = encodeBatchMessage(table.batches[0]!, schemaMessage.byteLength, CompressionType.LZ4_FRAME);
  assert.equal(layoutOf(table.schema)!.pack(owned(message), 100), undefined);
});

test('a message that does not frame, or does not fit the schema, is corrupt', () => {
  const table = generateDemoTable({ rows: 500, seed: 5, batchRows: 250 });
  const schemaMessage = encodeSchemaMessage(table.schema);
  const layouts = layoutOf(table.schema)!;
  const message = encodeBatchMessage(table.batches[0]!, schemaMessage.byteLength);
  const corrupt = (bytes: Uint8Array, rows: number, pattern: RegExp) =>
    assert.throws(() => layouts.pack(owned(bytes), rows), (err: Error) => err instanceof CorruptBatchError && pattern.test(err.message));
  corrupt(message.subarray(0, message.byteLength - 100), 250, /framing says/);
  corrupt(message, 249, /response said 249 rows but its record batch holds 250/);
  const broken = owned(message);
  new DataView(broken.buffer).setInt32(4, 0x7ffffff0, true);
  corrupt(broken, 250, /metadata claims/);
  // The same rows under a schema with one column fewer: the message has more nodes than that schema.
  const narrower = new Schema(table.schema.fields.slice(1));
  assert.throws(() => layoutOf(narrower)!.pack(owned(message), 250), /field nodes .* where the schema has/);
});

test('a buffer that would not be aligned for its typed array is left to arrow, which copies it', () => {
  const ints = new RecordBatch(new Schema([new Field('i', new Int32(), false)]), makeData({
    type: new Struct([new Field('i', new Int32(), false)]), length: 2, nullCount: 0,
    children: [makeData({ type: new Int32(), length: 2, nullCount: 0, data: Int32Array.of(1, 2) }) as Data],
  }));
  const schemaMessage = encodeSchemaMessage(ints.schema);
  const message = encodeBatchMessage(ints, schemaMessage.byteLength);
  const shifted = new Uint8Array(new ArrayBuffer(message.byteLength + 2), 2);
  shifted.set(message);
  assert.equal(layoutOf(ints.schema)!.pack(shifted, 2), undefined);
  assert.ok(layoutOf(ints.schema)!.pack(owned(message), 2));
});

test('the plan is plain data: what a task carries to a worker lays out as the plan itself', () => {
  const table = generateDemoTable({ rows: 300, seed: 2, batchRows: 300 });
  const plan = layoutPlanOf(table.schema)!;
  const message = encodeBatchMessage(table.batches[0]!, encodeSchemaMessage(table.schema).byteLength);
  const posted = structuredClone(plan);
  assert.deepEqual(posted, plan);
  assert.deepEqual(Array.from(new MessageLayout(posted).pack(owned(message), 300)!.layout), Array.from(new MessageLayout(plan).pack(owned(message), 300)!.layout));
});
