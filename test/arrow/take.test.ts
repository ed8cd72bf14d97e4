import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { takeRows, TakeError } from '../../src/arrow/take.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';

/** Value i of `data`, exactly: timestamps as their int64, decimals as their words. */
function exact(data: arrow.Data, i: number): unknown {
  if (!data.getValid(i)) return null;
  const { type } = data;
  if (arrow.DataType.isStruct(type)) {
    return Object.fromEntries(type.children.map((f, k) => [f.name, exact(data.children[k]!, i)]));
  }
  if (arrow.DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const items: unknown[] = [];
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) items.push(exact(data.children[0]!, k));
    return items;
  }
  if (arrow.DataType.isTimestamp(type)) return (data.values as BigInt64Array)[i];
  if (arrow.DataType.isDecimal(type)) return Array.from((data.values as Uint32Array).subarray(i * data.stride, (i + 1) * data.stride));
  const value: unknown = arrow.makeVector(data).get(i);
  return value instanceof Uint8Array ? Array.from(value) : value;
}

function column(batch: arrow.RecordBatch, k: number): arrow.Data {
  return batch.data.children[k]!;
}

/** Asserts that row j of `taken` equals row indices[j] of `source`, column by column. */
function assertTaken(source: arrow.RecordBatch, taken: arrow.RecordBatch, indices: ArrayLike<number>): void {
  assert.equal(taken.numRows, indices.length);
  assert.deepEqual(taken.schema.fields, source.schema.fields);
  source.schema.fields.forEach((field, k) => {
    const from = column(source, k);
    const to = column(taken, k);
    assert.equal(to.offset, 0, `${field.name} offset`);
    let nulls = 0;
    for (let j = 0; j < indices.length; j++) {
      const expected = exact(from, indices[j]!);
      if (expected === null) nulls++;
      assert.deepEqual(exact(to, j), expected, `${field.name} row ${j} (source row ${indices[j]})`);
    }
    assert.equal(to.nullCount, nulls, `${field.name} nullCount`);
  });
}

/** Deterministic pseudo-random indices in [0, rows), with repeats. */
function scrambled(count: number, rows: number): Int32Array {
  const out = new Int32Array(count);
  for (let j = 0, x = 12345; j < count; j++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[j] = x % rows;
  }
  return out;
}

const demo = generateDemoTable({ rows: 700, seed: 7, batchRows: 700 }).batches[0]!;

test('takeRows copies every demo column type, with nulls and repeated rows, in index order', () => {
  const indices = scrambled(900, demo.numRows);
  assertTaken(demo, takeRows(demo, indices), indices);
});

test('takeRows reads a sliced batch (nonzero Data offsets, unaligned bits) correctly', () => {
  const sliced = demo.slice(37, 611);
  assert.ok(column(sliced, 6).offset > 0, 'slice should leave a Data offset');
  const indices = scrambled(500, sliced.numRows);
  const taken = takeRows(sliced, indices);
  assertTaken(sliced, taken, indices);
  // And against the unsliced batch, shifted: the slice must not change what row i means.
  assertTaken(demo, taken, Array.from(indices, (i) => i + 37));
});

test('takeRows output is compact: fresh buffers sized to the taken rows', () => {
  const indices = Int32Array.from([3, 1, 4, 1, 5]);
  const taken = takeRows(demo, indices);
  const names = demo.schema.fields.map((f) => f.name);
  const id = column(taken, names.indexOf('id'));
  assert.deepEqual(Array.from(id.values as BigInt64Array), [3n, 1n, 4n, 1n, 5n]);
  assert.notEqual((id.values as BigInt64Array).buffer, (column(demo, names.indexOf('id')).values as BigInt64Array).buffer);
  const numeric = column(taken, names.indexOf('f_bignumeric'));
  assert.equal((numeric.values as Uint32Array).length, 5 * 8);
  const text = column(taken, names.indexOf('f_string'));
  const offsets = text.valueOffsets as Int32Array;
  assert.equal(offsets.length, 6);
  assert.equal(offsets[0], 0);
  assert.equal((text.values as Uint8Array).length, offsets[5]);
  const list = column(taken, names.indexOf('r_rec'));
  const listOffsets = list.valueOffsets as Int32Array;
  assert.equal(list.children[0]!.length, listOffsets[5]);
});

test('takeRows with no indices gives an empty batch with the same schema', () => {
  const taken = takeRows(demo, new Int32Array(0));
  assert.equal(taken.numRows, 0);
  assert.deepEqual(taken.schema.fields, demo.schema.fields);
  for (const child of taken.data.children) assert.equal(child.length, 0);
  const roundTrip = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([taken]), 'stream'));
  assert.equal(roundTrip.numRows, 0);
  assert.equal(roundTrip.schema.fields.length, demo.schema.fields.length);
});

test('takeRows gives literal expected values, including microsecond timestamps and nested lists', () => {
  const fields = [
    { name: 'n', type: 'INT64' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'flag', type: 'BOOL' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' as const },
    { name: 'kv', type: 'RECORD', mode: 'REPEATED' as const, fields: [{ name: 'k', type: 'STRING' }, { name: 'v', type: 'NUMERIC' }] },
  ];
  const ndjson = [
    '{"n": 1, "ts": "2024-01-01T00:00:00.000001Z", "flag": true, "tags": ["a"], "kv": [{"k": "x", "v": "1.5"}]}',
    '{"n": null, "flag": false}',
    '{"n": 3, "ts": "1969-12-31T23:59:59.999999Z", "tags": ["b", "c"], "kv": [{"k": null, "v": "-2"}, {"k": "z"}]}',
  ].join('\n');
  const batch = tableFromNdjson(ndjson, fields).batches[0]!;
  const taken = takeRows(batch, Int32Array.from([2, 0, 2, 1]));
  const rows = Array.from({ length: 4 }, (_, j) => exact(taken.data, j));
  const numeric = (units: bigint) => Array.from(new Uint32Array(new BigInt64Array([units, units < 0n ? -1n : 0n]).buffer));
  const third = { n: 3n, ts: -1n, flag: null, tags: ['b', 'c'], kv: [{ k: null, v: numeric(-2_000_000_000n) }, { k: 'z', v: null }] };
  assert.deepEqual(rows, [
    third,
    { n: 1n, ts: 1704067200000001n, flag: true, tags: ['a'], kv: [{ k: 'x', v: numeric(1_500_000_000n) }] },
    third,
    { n: null, ts: null, flag: false, tags: [], kv: [] },
  ]);
});

test('takeRows output survives an Arrow IPC round trip', () => {
  const indices = scrambled(300, 400);
  const taken = takeRows(demo.slice(5, 405), indices);
  const [read] = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([taken]), 'stream')).batches;
  assertTaken(taken, new arrow.RecordBatch(taken.schema, read!.data), Array.from(indices, (_, j) => j));
});

test('takeRows rejects an index outside the batch', () => {
  assert.throws(() => takeRows(demo, Int32Array.from([0, 700])), (err: unknown) =>
    err instanceof TakeError && /row index 700 at position 1 is outside 0\.\.699/.test(err.message));
  assert.throws(() => takeRows(demo, Int32Array.from([-1])), TakeError);
});
