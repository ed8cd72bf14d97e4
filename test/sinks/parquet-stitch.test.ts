// Parquet files written in parallel, stitched into one (src/sinks/parquet-stitch.ts): the rows of
// the parts in order, every offset in the footer and the page indexes pointing where the bytes
// went, readable by independent readers; and a read written as one Parquet file is encoded by a
// thread a core when its rows have no order to keep.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { Table, tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import * as parquet from 'parquet-wasm';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import type { Emulator } from '../../src/emulator/server.js';
import { readBatches } from '../../src/read/read-batches.js';
import { ParquetStitchError, stitchedParquet } from '../../src/sinks/parquet-stitch.js';
import { parquetEncoder } from '../../src/sinks/parquet.js';
import {
  i32Field, i64Field, listField, readThriftStruct, structField, structsOf, writeThriftStruct, type ThriftStruct,
} from '../../src/sinks/thrift-compact.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { parquetCanonicalRows } from '../helpers/parquet-canonical.js';
import { sparseTable } from '../helpers/sparse-table.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-stitch-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** `table` as a Parquet file of row groups of `rowGroupRows`, written by parquet-wasm. */
async function parquetFile(table: Table, name: string, rowGroupRows: number): Promise<string> {
  const file = path.join(dir, name);
  const batches = (async function* () {
    yield* await Promise.resolve(table.batches);
  })();
  writeFileSync(file, await collect(parquetEncoder({ rowGroupRows })(batches)));
  return file;
}

function footerOf(bytes: Buffer): ThriftStruct {
  return readThriftStruct(bytes, bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8)).struct;
}

/**
 * Every column chunk's pages where the footer and the offset index say: the first data page at
 * data_page_offset, each page a page header whose size with its data is the page location's.
 */
function assertPagesWhereSaid(bytes: Buffer): number {
  let pages = 0;
  for (const rowGroup of structsOf(listField(footerOf(bytes), 4))) {
    for (const chunk of structsOf(listField(rowGroup, 1))) {
      const meta = structField(chunk, 3)!;
      const at = Number(i64Field(chunk, 4));
      const locations = structsOf(listField(readThriftStruct(bytes.subarray(at, at + i32Field(chunk, 5)!)).struct, 1));
      assert.equal(i64Field(locations[0]!, 1), i64Field(meta, 9), 'the first page is at data_page_offset');
      for (const location of locations) {
        const offset = Number(i64Field(location, 1));
        const { struct: header, end } = readThriftStruct(bytes, offset);
        assert.equal(end - offset + i32Field(header, 3)!, i32Field(location, 2), 'a page is where its location says');
        pages++;
      }
      const columnIndex = i64Field(chunk, 6);
      if (columnIndex !== undefined) readThriftStruct(bytes.subarray(Number(columnIndex), Number(columnIndex) + i32Field(chunk, 7)!));
    }
  }
  return pages;
}

describe('thrift compact structs', () => {
  test('a Parquet footer read and written again is the same bytes', async () => {
    const bytes = readFileSync(await parquetFile(generateDemoTable({ rows: 300, seed: 3 }), 'footer.parquet', 100));
    const length = bytes.readUInt32LE(bytes.length - 8);
    const footer = bytes.subarray(bytes.length - 8 - length, bytes.length - 8);
    const { struct, end } = readThriftStruct(footer);
    assert.equal(end, footer.length);
    assert.deepEqual(Buffer.from(writeThriftStruct(struct)), Buffer.from(footer));
  });

  test('every wire type round-trips: bools, negative and 64-bit integers, doubles, long lists, far field ids', () => {
    const struct: ThriftStruct = new Map();
    struct.set(1, { type: 1, value: true });
    struct.set(2, { type: 1, value: false });
    struct.set(3, { type: 3, value: -5 });
    struct.set(4, { type: 4, value: -300 });
    struct.set(5, { type: 5, value: -2147483648 });
    struct.set(6, { type: 6, value: -9223372036854775808n });
    struct.set(7, { type: 7, value: -1.5 });
    struct.set(40, { type: 8, value: new Uint8Array([0, 1, 2, 255]) });
    struct.set(41, { type: 9, element: 5, value: Array.from({ length: 20 }, (_, i) => ({ type: 5, value: i - 10 }) as const) });
    struct.set(42, { type: 9, element: 1, value: [{ type: 1, value: true }, { type: 1, value: false }] });
    struct.set(43, { type: 11, key: 8, element: 6, value: [[{ type: 8, value: new Uint8Array([97]) }, { type: 6, value: 7n }]] });
    struct.set(44, { type: 12, value: new Map([[1, { type: 6, value: 9007199254740993n }]]) });
    const bytes = writeThriftStruct(struct);
    const { struct: back, end } = readThriftStruct(bytes);
    assert.equal(end, bytes.length);
    assert.deepEqual(back, struct);
    assert.deepEqual(writeThriftStruct(back), bytes);
  });

  test('data cut short is refused, not read past', () => {
    const bytes = writeThriftStruct(new Map([[1, { type: 8, value: new Uint8Array(10) }]]));
    assert.throws(() => readThriftStruct(bytes.subarray(0, 5)), { name: 'ThriftFormatError' });
  });
});

describe('stitching Parquet files', () => {
  test('the rows of every part, in order, with each offset and page index moved with its row group', async () => {
    // Parts of 1, several and no row groups; 70-row row groups, so each has pages and indexes of its own.
    const source = generateDemoTable({ rows: 700, seed: 8 });
    const slices = [source.slice(0, 1), source.slice(1, 400), source.slice(400, 400), source.slice(400, 700)];
    const files = await Promise.all(slices.map((slice, k) => parquetFile(slice, `part-${k}.parquet`, 70)));
    const stitched = await collect(stitchedParquet(files));
    const expected = (await Promise.all(files.map((file) => parquetCanonicalRows(readFileSync(file), source.schema)))).flat();
    assert.deepEqual(await parquetCanonicalRows(stitched, source.schema), expected);
    const whole = readFileSync(await parquetFile(source, 'whole.parquet', 70));
    assert.deepEqual(await parquetCanonicalRows(stitched, source.schema), await parquetCanonicalRows(whole, source.schema));
    // arrow-rs (parquet-wasm's reader) reads it as it reads the file written whole.
    const arrowRs = (bytes: Uint8Array) => canonicalRows(tableFromIPC(parquet.readParquet(bytes).intoIPCStream()));
    assert.deepEqual(arrowRs(stitched), arrowRs(whole));

    const footer = footerOf(stitched);
    const rowGroups = structsOf(listField(footer, 4));
    assert.equal(rowGroups.length, 1 + 6 + 0 + 5);
    assert.equal(i64Field(footer, 3), 700n);
    assert.ok(assertPagesWhereSaid(stitched) >= rowGroups.length * source.schema.fields.length);

    // DuckDB reads it with its own reader, row groups and statistics.
    const file = path.join(dir, 'stitched.parquet');
    writeFileSync(file, stitched);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const read = await duck.runAndReadAll(`SELECT count(*) AS n, sum(id) AS ids, count(f_string) AS strings FROM read_parquet('${file}')`);
    const [row] = read.getRowObjects();
    const ids = [...source.getChild('id')!].reduce((sum: bigint, id) => sum + BigInt(id as bigint), 0n);
    assert.deepEqual([row!.n, row!.ids?.toString(), row!.strings], [700n, ids.toString(), BigInt(source.getChild('f_string')!.length - source.getChild('f_string')!.nullCount)]);
    duck.closeSync();
    // polars, with its own reader again (not BIGNUMERIC: its decimals stop at 38 digits).
    const frame = pl.readParquet(file, { columns: ['id', 'f_string'] });
    assert.equal(frame.height, 700);
    assert.equal(BigInt(frame.getColumn('id').sum() as number | bigint), ids);
  });

  test('sparse columns (all empty, all NULL, empty arrays) in one-row and empty parts: the rows of the parts', async () => {
    const source = sparseTable(7);
    const slices = [source.slice(0, 1), source.slice(1, 2), source.slice(2, 2), source.slice(2, 7)];
    const files = await Promise.all(slices.map((slice, k) => parquetFile(slice, `sparse-${k}.parquet`, 2)));
    const stitched = await collect(stitchedParquet(files));
    const whole = readFileSync(await parquetFile(source, 'sparse-whole.parquet', 2));
    assert.deepEqual(await parquetCanonicalRows(stitched, source.schema), await parquetCanonicalRows(whole, source.schema));
    assert.equal(structsOf(listField(footerOf(stitched), 4)).length, 1 + 1 + 0 + 3);
    assertPagesWhereSaid(stitched);
    const arrowRs = (bytes: Uint8Array) => canonicalRows(tableFromIPC(parquet.readParquet(bytes).intoIPCStream()));
    assert.deepEqual(arrowRs(stitched), arrowRs(whole));
  });

  test('a file that is not Parquet, or of another schema, is refused', async () => {
    const notParquet = path.join(dir, 'not.parquet');
    writeFileSync(notParquet, 'PAR1 but not really a Parquet file');
    await assert.rejects(collect(stitchedParquet([notParquet])), ParquetStitchError);
    const lengthPastStart = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(8), Buffer.from([0xff, 0xff, 0, 0]), Buffer.from('PAR1')]);
    writeFileSync(notParquet, lengthPastStart);
    await assert.rejects(collect(stitchedParquet([notParquet])), /footer length is past its start/);
    const demo = generateDemoTable({ rows: 10, seed: 1 });
    const one = await parquetFile(demo, 'one.parquet', 10);
    const other = await parquetFile(new Table({ id: demo.getChild('id')! }), 'other.parquet', 10);
    await assert.rejects(collect(stitchedParquet([one, other])), /another schema/);
  });
});

describe('a read written as one Parquet file', () => {
  // About 18 MiB as the session estimates it: enough for two encoders of at least 8 MiB each.
  const ROWS = 50_000;
  let emulator: Emulator;
  before(async () => {
    ({ emulator } = await demoEmulator(ROWS, { maxBatchRows: 97 }));
  });
  after(() => emulator.close());

  const rowGroupsOf = (file: string) => structsOf(listField(footerOf(readFileSync(file)), 4)).length;

  test('unordered: encoded by a thread a core, every row once, and nothing left beside the file', async () => {
    const where = path.join(dir, 'unordered');
    await mkdir(where);
    const file = path.join(where, 'read.parquet');
    const written = await writeBatches(readBatches(DEMO, { endpoint: emulator.address, maxStreams: 4 }), file, { parquet: { rowGroupRows: 1 << 20 } });
    assert.equal(written.rows, ROWS);
    const bytes = readFileSync(file);
    assert.equal(rowsById(await parquetCanonicalRows(bytes, generateDemoTable({ rows: 1 }).schema)).size, ROWS);
    // One row group a part, and a part a core (of at least 8 MiB of the session's 18).
    assert.equal(rowGroupsOf(file), Math.min(availableParallelism(), 2));
    assertPagesWhereSaid(bytes);
    assert.deepEqual(readdirSync(where), ['read.parquet']);
  });

  test('unordered but small: one thread, as a row group of less than 8 MiB a thread would cost more', async () => {
    const { emulator: small } = await demoEmulator(3000, { maxBatchRows: 97 });
    try {
      const file = path.join(dir, 'small.parquet');
      await writeBatches(readBatches(DEMO, { endpoint: small.address, maxStreams: 4 }), file, { parquet: { rowGroupRows: 1 << 20 } });
      assert.equal(rowGroupsOf(file), 1);
    } finally {
      await small.close();
    }
  });

  test('ordered: one thread encodes it, its rows in the session\'s order', async () => {
    const file = path.join(dir, 'ordered.parquet');
    const written = await writeBatches(readBatches(DEMO, { endpoint: emulator.address, maxStreams: 4, ordered: true }), file, { parquet: { rowGroupRows: 1 << 20 } });
    assert.equal(written.rows, ROWS);
    assert.equal(rowGroupsOf(file), 1);
    const ids = (await parquetCanonicalRows(readFileSync(file), generateDemoTable({ rows: 1 }).schema)).map((r) => Number((r as { id: string }).id));
    assert.deepEqual(ids, Array.from({ length: ROWS }, (_, i) => i));
  });

  test('stopped mid-write: no file, and no parts left beside it', async () => {
    const where = path.join(dir, 'stopped');
    await mkdir(where);
    const controller = new AbortController();
    const stream = readBatches(DEMO, { endpoint: emulator.address, maxStreams: 4 });
    const written = writeBatches(stream, path.join(where, 'stopped.parquet'), {
      signal: controller.signal,
      onWritten: () => controller.abort(),
      parquet: { rowGroupRows: 200 },
    });
    await assert.rejects(written, { name: 'AbortError' });
    assert.deepEqual(readdirSync(where), []);
  });
});
