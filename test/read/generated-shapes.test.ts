import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataType, tableFromIPC, tableToIPC, type Field, type Table } from 'apache-arrow';
import fc from 'fast-check';
import { startEmulator } from '../../src/emulator/server.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { CsvNestedDataError } from '../../src/sinks/csv-nested-error.js';
import { writeParts } from '../../src/sinks/parts/write-parts.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { exportRows, exportText, parseCsv } from '../helpers/bigquery-export.js';
import { canonicalRows, rowsById, type Canonical } from '../helpers/canonical.js';
import { generatedTable, type GeneratedTable } from '../helpers/generated-tables.js';
import { parquetCanonicalRows } from '../helpers/parquet-canonical.js';

// Random tables of every BigQuery type, nested and repeated, mostly NULLs, empty strings and empty
// arrays, served in batches down to one row over random stream counts and compressions: each read
// as a Table and as a stream, written by apache-arrow's own IPC writer and by every sink, and read
// back by an independent reader, must equal the source value for value.
// A failure prints its seed and path: BQREAD_SHAPES_SEED=S BQREAD_SHAPES_PATH=P replays that case
// (shrunk); BQREAD_SHAPES_RUNS sets how many cases run.
const RUNS = Number(process.env.BQREAD_SHAPES_RUNS ?? 60);
const SEED = process.env.BQREAD_SHAPES_SEED === undefined ? undefined : Number(process.env.BQREAD_SHAPES_SEED);
const PATH = process.env.BQREAD_SHAPES_PATH;
// A case that hangs fails instead of holding the suite until its timeout.
const CASE_TIMEOUT_MS = 30_000;
const TABLE = 'gen-project.ds.generated';

interface Case {
  readonly table: GeneratedTable;
  readonly batchRows: number;
  readonly maxStreams: number;
  readonly compression: 'none' | 'lz4' | 'zstd';
}

const cases: fc.Arbitrary<Case> = fc.record({
  table: generatedTable(40),
  batchRows: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 8 }), fc.constant(1000)),
  maxStreams: fc.integer({ min: 1, max: 6 }),
  compression: fc.constantFrom('none', 'lz4', 'zstd'),
});

const isNested = (field: Field) => DataType.isList(field.type) || DataType.isStruct(field.type);
const sameFields = (actual: Table | { schema: Table['schema'] }, expected: Table, what: string) =>
  assert.deepEqual(actual.schema.fields.map(String), expected.schema.fields.map(String), `${what}: schema`);

async function checkCase(c: Case, pool: ReadPool, parent: string): Promise<void> {
  const dir = mkdtempSync(path.join(parent, 'case-'));
  const source = tableFromNdjson(c.table.ndjson, c.table.fields, { batchRows: 1000 });
  const expected = canonicalRows(source);
  // No minimum storage block, so that these tiny tables are cut into the streams each case asks for.
  const emulator = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: c.batchRows, storageBlockBytes: 0 });
  const options = { endpoint: emulator.address, pool, maxStreams: c.maxStreams, compression: c.compression } as const;
  const read = (extra: { selectedFields?: string[] } = {}) => readBatches(TABLE, { ...options, ...extra });
  try {
    const { table } = await readTableParallel(TABLE, options);
    sameFields(table, source, 'Table');
    assert.deepEqual(canonicalRows(table), expected, 'Table');
    const written = tableFromIPC(tableToIPC(table));
    sameFields(written, source, 'tableToIPC');
    assert.deepEqual(canonicalRows(written), expected, 'tableToIPC');

    const streamed = [];
    for await (const batch of read()) streamed.push(batch);
    assert.deepEqual(rowsById(canonicalRows(streamed)), rowsById(expected), 'readBatches (arrival order)');

    for (const format of ['arrow', 'arrows'] as const) {
      const file = path.join(dir, `t.${format}`);
      assert.equal((await writeBatches(read(), file)).rows, c.table.rows, format);
      const back = tableFromIPC(readFileSync(file));
      sameFields(back, source, format);
      assert.deepEqual(rowsById(canonicalRows(back)), rowsById(expected), format);
    }

    const parquetFile = path.join(dir, 't.parquet');
    await writeBatches(read(), parquetFile);
    const parquetRows = await parquetCanonicalRows(readFileSync(parquetFile), source.schema);
    assert.deepEqual(rowsById(parquetRows), rowsById(expected), 'parquet (hyparquet)');

    // Part files: each read back on its own, together the same rows.
    const partsDir = path.join(dir, 'parts');
    const parts = await writeParts(read(), partsDir, { parts: 2 });
    assert.equal(parts.rows, c.table.rows, 'parts: rows');
    const partRows = [];
    for (const file of parts.files) partRows.push(...(await parquetCanonicalRows(readFileSync(path.join(partsDir, file.path)), source.schema)));
    assert.deepEqual(rowsById(partRows), rowsById(expected), 'parquet parts (hyparquet)');

    const ndjsonFile = path.join(dir, 't.ndjson');
    await writeBatches(read(), ndjsonFile);
    const lines = readFileSync(ndjsonFile, 'utf8').split('\n').filter((line) => line !== '');
    const exported = new Map(exportRows(source.schema, expected).map((row) => [row.id as string, row]));
    assert.equal(lines.length, c.table.rows, 'ndjson rows');
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(row, exported.get(row.id as string), 'ndjson');
    }

    const csvFile = path.join(dir, 't.csv');
    if (source.schema.fields.some(isNested)) {
      await assert.rejects(writeBatches(read(), csvFile), CsvNestedDataError);
      assert.equal(existsSync(csvFile), false, 'a refused CSV leaves no file');
    }
    const flat = source.schema.fields.filter((f) => !isNested(f));
    await writeBatches(read({ selectedFields: flat.map((f) => f.name) }), csvFile);
    const [header, ...records] = parseCsv(readFileSync(csvFile, 'utf8'));
    assert.deepEqual(header, flat.map((f) => f.name), 'csv header');
    const csvExpected = new Map(expected.map((row) => {
      const r = row as Record<string, Canonical>;
      return [r.id as string, flat.map((f) => (r[f.name] === null ? null : exportText(f, r[f.name]!)))];
    }));
    assert.equal(records.length, c.table.rows, 'csv rows');
    for (const record of records) assert.deepEqual(record, csvExpected.get(record[0]!), 'csv');

    // A read formats its text where it reads (the pool's threads, or the calling thread with no
    // pool and workers: 0); in stream order, the bytes equal those formatted here from the Table.
    const { pool: _, ...unpooled } = options;
    for (const [format, selectedFields] of [['ndjson', undefined], ['csv', flat.map((f) => f.name)]] as const) {
      const here = path.join(dir, `here.${format}`);
      const { table: selected } = await readTableParallel(TABLE, { ...options, selectedFields });
      await writeBatches(selected, here);
      for (const [where, readOptions] of [['worker threads', options], ['calling thread', { ...unpooled, workers: 0 }]] as const) {
        const there = path.join(dir, `there.${format}`);
        await writeBatches(readBatches(TABLE, { ...readOptions, selectedFields, ordered: true }), there);
        assert.ok(readFileSync(there).equals(readFileSync(here)), `${format} formatted on the ${where}: the bytes differ`);
      }
    }
  } finally {
    await emulator.close();
  }
}

test(`generated tables (${RUNS} cases): Table, stream, arrow's writer and every sink equal the source`, { timeout: 600_000 }, async () => {
  const pool = new ReadPool({ workers: 2 });
  const dir = mkdtempSync(path.join(tmpdir(), 'bqread-shapes-'));
  try {
    await fc.assert(fc.asyncProperty(cases, (c) => checkCase(c, pool, dir)), {
      numRuns: RUNS, seed: SEED, path: PATH, timeout: CASE_TIMEOUT_MS, includeErrorInReport: true,
    });
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
