// A read's worker hands the Parquet writer each record batch message as it came, with INTERVAL
// values rewritten as their text in a message it writes itself (src/sinks/parquet-ipc.ts). Read
// back through arrow-rs, what it makes must equal what the calling thread makes from the batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordBatch, tableFromIPC, type Table } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { CorruptBatchError } from '../../src/arrow/corrupt-batch.js';
import { encodeBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc-messages.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { parquetIpcOf } from '../../src/sinks/parquet-ipc.js';
import { parquetIpcPlanOf, parquetIpcSlices } from '../../src/sinks/parquet-slices.js';
import { canonicalRows } from '../helpers/canonical.js';

// INTERVAL at the top level, REPEATED, inside a RECORD and a REPEATED RECORD, beside columns whose
// buffers are not rewritten (a STRING before it, so buffer offsets shift after it).
const FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 's', type: 'STRING' },
  { name: 'iv', type: 'INTERVAL' },
  { name: 'ivs', type: 'INTERVAL', mode: 'REPEATED' },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'iv', type: 'INTERVAL' }, { name: 'n', type: 'INT64' }] },
  { name: 'recs', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'iv', type: 'INTERVAL' }, { name: 't', type: 'STRING' }] },
];

const ROWS = [
  { id: 0, s: 'a', iv: '1-2 3 4:5:6.789', ivs: ['0-0 0 0:0:0', '-1-0 -2 -3:0:0.5'], rec: { iv: '10000-0 0 0:0:0', n: 1 }, recs: [{ iv: '0-1 0 0:0:0', t: 'x' }] },
  { id: 1, s: null, iv: null, ivs: [], rec: null, recs: [] },
  { id: 2, s: '', iv: '-0-11 -30 -2562047:47:16.854775', ivs: null, rec: { iv: null, n: null }, recs: [{ iv: null, t: '' }, { iv: '0-0 1 0:0:0', t: null }] },
];

/** The rows of `ipcs` (IPC streams), read by arrow-rs into its own tables and out again as Arrow. */
function readBack(ipcs: Uint8Array[]): Table[] {
  return ipcs.map((ipc) => tableFromIPC(parquet.Table.fromIPCStream(ipc).intoIPCStream()));
}

function rowsOf(tables: Table[]) {
  return tables.flatMap((t) => canonicalRows(t));
}

for (const batchRows of [1, 2, 3]) {
  test(`INTERVAL at every depth, in batches of ${batchRows} row(s): the worker's messages read back as the calling thread's batches`, () => {
    const table = tableFromNdjson(ROWS.map((r) => JSON.stringify(r)).join('\n'), FIELDS, { batchRows });
    const plan = parquetIpcPlanOf(table.schema)!;
    assert.deepEqual(plan.intervals.map((i) => i.node), [2, 4, 6, 10]);
    const sessionSchema = encodeSchemaMessage(table.schema);
    const fromWorker = parquetIpcOf(plan);
    const here = parquetIpcSlices();
    const made = table.batches.map((batch) => fromWorker(encodeBatchMessage(new RecordBatch(table.schema, batch.data), sessionSchema.byteLength)));
    const expected = readBack(table.batches.flatMap(here));
    const actual = readBack(made);
    assert.deepEqual(actual.map((t) => t.schema.fields.map(String)), expected.map((t) => t.schema.fields.map(String)));
    assert.deepEqual(rowsOf(actual), rowsOf(expected));
    assert.equal(rowsOf(actual).length, ROWS.length);
  });
}

test('a table with no INTERVAL: the message goes on as it came, behind the Parquet schema', () => {
  const table = tableFromNdjson(ROWS.map(({ id, s }) => JSON.stringify({ id, s })).join('\n'), FIELDS.slice(0, 2));
  const plan = parquetIpcPlanOf(table.schema)!;
  assert.deepEqual(plan.intervals, []);
  const message = encodeBatchMessage(table.batches[0]!, encodeSchemaMessage(table.schema).byteLength);
  const ipc = parquetIpcOf(plan)(message);
  assert.ok(Buffer.from(ipc).includes(Buffer.from(message)), 'the message is in the stream unchanged');
  assert.deepEqual(rowsOf(readBack([ipc])), rowsOf(readBack(parquetIpcSlices()(table.batches[0]!))));
});

test('a message that does not fit the plan, or does not frame, is refused as corrupt', () => {
  const table = tableFromNdjson(ROWS.map((r) => JSON.stringify(r)).join('\n'), FIELDS);
  const plan = parquetIpcPlanOf(table.schema)!;
  const message = encodeBatchMessage(table.batches[0]!, encodeSchemaMessage(table.schema).byteLength);
  const otherSchema = parquetIpcOf({ ...plan, buffersPerNode: plan.buffersPerNode.slice(1) });
  assert.throws(() => otherSchema(message), CorruptBatchError);
  assert.throws(() => parquetIpcOf(plan)(message.subarray(0, message.byteLength - 8)), CorruptBatchError);
});
