import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataType, Field, RecordBatch, Table } from 'apache-arrow';
import { childFields } from '../../src/arrow/child-fields.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { ReadOptionsError } from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows, rowsById, type Canonical } from '../helpers/canonical.js';
import { readableRows } from '../helpers/bq-values.js';
import { FIRST_ROW_VALUES, typesTable } from '../helpers/types-table.js';

// bqread's reader on the types whose Arrow form depends on the column (DATETIME metadata, declared
// decimals, INTERVAL, RANGE): decoded in worker threads, transferred, and handed out as a Table, an
// async iterator and a Node stream, with the field metadata and every value intact.
const TABLE = 'test-project.ds.types';
const ROWS = 600;

const describeField = (f: Field): unknown => ({
  name: f.name, type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata),
  children: childFields(f.type as DataType).map(describeField),
});

describe('the reader on INTERVAL, RANGE, declared decimals and DATETIME metadata', () => {
  let emulator: Emulator;
  let source: Table;
  let pool: ReadPool;

  before(async () => {
    source = typesTable(ROWS);
    // No minimum storage block, so that this small table is read across several streams.
    emulator = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 50, storageBlockBytes: 0 });
    pool = new ReadPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  test('readTableParallel with 2 workers returns the schema, metadata and values exactly', async () => {
    const { table, session } = await readTableParallel(TABLE, { endpoint: emulator.address, maxStreams: 5, workers: 2 });
    assert.equal(session.streams.length, 5);
    assert.deepEqual(table.schema.fields.map(describeField), source.schema.fields.map(describeField));
    assert.deepEqual(canonicalRows(table), canonicalRows(source));
    const rows = readableRows(table) as Record<string, unknown>[];
    assert.deepEqual({ ...rows[0], id: undefined }, { ...FIRST_ROW_VALUES, id: undefined });
    assert.deepEqual(rows[2]!.iv, `-120000m -3660000d ${-2562047n * 3600n * 1_000_000_000n}ns`);
    assert.deepEqual(rows[2]!.rd, { start: -719162, end: null });
    assert.deepEqual(rows[3]!.price, '99999999.99');
    assert.deepEqual(rows[3]!.rec, { iv: '0m 0d -500000000ns', r: { start: 18320, end: 18321 }, n: '-9999.9' });
  });

  test('compressed buffers decode to the same values', async () => {
    for (const compression of ['lz4', 'zstd'] as const) {
      const { table } = await readTableParallel(TABLE, { endpoint: emulator.address, maxStreams: 3, pool, compression });
      assert.deepEqual(canonicalRows(table), canonicalRows(source), compression);
    }
  });

  test('readBatches, as an async iterator and as a Node stream, gives every row exactly once', async () => {
    const expected = rowsById(canonicalRows(source));
    const iterated: RecordBatch[] = [];
    for await (const batch of readBatches(TABLE, { endpoint: emulator.address, maxStreams: 4, pool })) iterated.push(batch);
    assert.deepEqual(rowsById(canonicalRows(iterated)), expected);

    const streamed: RecordBatch[] = [];
    for await (const batch of readBatches(TABLE, { endpoint: emulator.address, maxStreams: 4, pool }).toReadable()) streamed.push(batch as RecordBatch);
    assert.deepEqual(rowsById(canonicalRows(streamed)), expected);
    assert.deepEqual(streamed[0]!.schema.fields.map(describeField), source.schema.fields.map(describeField));
  });

  test('a row restriction keeps whole rows of every type (rows taken out of INTERVAL and RANGE columns)', async () => {
    const { table } = await readTableParallel(TABLE, { endpoint: emulator.address, maxStreams: 3, pool, rowRestriction: 'price IS NOT NULL AND id >= 10' });
    const expected = (canonicalRows(source) as Record<string, unknown>[]).filter((row) => row.price !== null && Number(row.id) >= 10);
    assert.equal(expected.length, (ROWS / 4) * 3 - 7);
    assert.deepEqual(canonicalRows(table), expected);
  });

  test('selected RANGE and INTERVAL sub-fields of a RECORD come through alone', async () => {
    const { table } = await readTableParallel(TABLE, { endpoint: emulator.address, maxStreams: 2, pool, selectedFields: ['id', 'rec.r', 'iv'] });
    const expected = (readableRows(source) as Record<string, Canonical>[]).map((row) => ({
      id: row.id, iv: row.iv, rec: row.rec === null ? null : { r: (row.rec as Record<string, Canonical>).r },
    }));
    assert.deepEqual(readableRows(table), expected);
  });
});

describe('picosTimestampPrecision asks the service for picosecond TIMESTAMPs in the form wanted', () => {
  const fields: BqField[] = [
    { name: 'id', type: 'INT64', mode: 'REQUIRED' },
    { name: 'tsp', type: 'TIMESTAMP', timestampPrecision: 12 },
  ];
  const table = 'test-project.ds.picos';
  let emulator: Emulator;

  before(async () => {
    const data = tableFromNdjson('{"id": 0, "tsp": "2025-01-01T12:34:56.123456789123Z"}\n{"id": 1, "tsp": null}', fields);
    emulator = await startEmulator({ tables: [{ table, data }] });
  });
  after(() => emulator.close());

  test('micros and nanos truncate, picos keeps every digit as text', async () => {
    const read = async (picosTimestampPrecision?: 'micros' | 'nanos' | 'picos') => {
      const { table: got } = await readTableParallel(table, { endpoint: emulator.address, workers: 1, picosTimestampPrecision });
      return { type: String(got.schema.fields[1]!.type), value: got.getChild('tsp')!.get(0) as unknown };
    };
    const micros = Date.UTC(2025, 0, 1, 12, 34, 56) * 1000 + 123456;
    assert.equal((await read()).type, 'Timestamp<MICROSECOND, UTC>');
    assert.equal(Number((await read('micros')).value), micros / 1000, 'Arrow JS gives timestamps as fractional epoch ms');
    assert.equal((await read('nanos')).type, 'Timestamp<NANOSECOND, UTC>');
    assert.deepEqual(await read('picos'), { type: 'Utf8', value: '2025-01-01T12:34:56.123456789123Z' });
    await assert.rejects(readTableParallel(table, { endpoint: emulator.address, picosTimestampPrecision: 'femtos' as 'picos' }), ReadOptionsError);
  });
});
