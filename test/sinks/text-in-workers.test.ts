// NDJSON and CSV of a read are formatted where each batch is read (worker threads, or the calling
// thread for a small read); the bytes must be those this thread makes from the same batches.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DataType, type Table } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import type { ReadOptions } from '../../src/read/options.js';
import { readBatches, type BatchStream } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { CsvNestedDataError } from '../../src/sinks/csv-nested-error.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const ROWS = 3000;
let dir: string;
let emulator: Emulator;
let flatColumns: string[];
const pool = new ReadPool({ workers: 2 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-text-'));
  let source: Table;
  ({ emulator, source } = await demoEmulator(ROWS, { maxBatchRows: 97 }));
  flatColumns = source.schema.fields.filter((f) => !DataType.isList(f.type) && !DataType.isStruct(f.type)).map((f) => f.name);
});
after(async () => {
  await pool.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bytes of `format` written from a read (formatted where it reads) and from its Table (formatted here). */
async function bothWays(format: 'ndjson' | 'csv', where: ReadOptions, selectedFields?: string[]) {
  const options = { endpoint: emulator.address, maxStreams: 4, selectedFields, ...where };
  const fromRead = path.join(dir, `read.${format}`);
  const fromTable = path.join(dir, `table.${format}`);
  const stream = readBatches(DEMO, { ...options, ordered: true });
  let formattedByRead = false;
  const formatted: BatchStream['formatted'] = (plan) => {
    formattedByRead = true;
    return stream.formatted(plan);
  };
  const spied: BatchStream = { ...stream, formatted };
  const written = await writeBatches(spied, fromRead);
  assert.ok(formattedByRead, 'the sink had the read format its rows');
  const { table } = await readTableParallel(DEMO, options);
  await writeBatches(table, fromTable);
  return { read: readFileSync(fromRead), table: readFileSync(fromTable), written, stats: stream.stats };
}

for (const format of ['ndjson', 'csv'] as const) {
  const columns = () => (format === 'csv' ? flatColumns : undefined);
  test(`${format}: formatted in worker threads, the bytes equal those formatted on this thread`, async () => {
    // A read given a pool runs every stream on its threads, however small.
    const { read, table, written } = await bothWays(format, { pool }, columns());
    assert.equal(written.rows, ROWS);
    assert.equal(written.bytes, read.byteLength);
    assert.ok(read.byteLength > 0);
    assert.ok(read.equals(table), `${format}: the bytes differ`);
  });

  test(`${format}: formatted from batches arrow decoded (compressed buffers), the bytes are the same`, async () => {
    const { read, table } = await bothWays(format, { pool, compression: 'lz4' }, columns());
    assert.ok(read.equals(table), `${format}: the bytes differ`);
  });

  test(`${format}: formatted on the calling thread (a read worth no thread), the bytes are the same`, async () => {
    const { read, table, stats } = await bothWays(format, { workers: 0 }, columns());
    assert.equal(stats.threads, 0, 'read on the calling thread');
    assert.ok(read.equals(table), `${format}: the bytes differ`);
  });
}

test('text of a read counts Arrow bytes as the read\'s bytes, and its text under the budget', async () => {
  const budget = 64 * 1024;
  const stream = readBatches(DEMO, { endpoint: emulator.address, pool, maxStreams: 4, maxBufferedBytes: budget });
  const plain = readBatches(DEMO, { endpoint: emulator.address, pool, maxStreams: 4 });
  await writeBatches(stream, path.join(dir, 'budget.ndjson'));
  for await (const _ of plain);
  assert.equal(stream.stats.bytes, plain.stats.bytes, 'Arrow bytes as a plain read counts them');
  assert.ok(stream.stats.peakBufferedBytes <= budget + 4 * stream.stats.largestBatchBytes, `held ${stream.stats.peakBufferedBytes}`);
});

test('CSV of nested columns is refused before any row is read, as on this thread', async () => {
  const stream = readBatches(DEMO, { endpoint: emulator.address, pool });
  await assert.rejects(writeBatches(stream, path.join(dir, 'nested.csv')), CsvNestedDataError);
  assert.equal(stream.stats.rows, 0);
});
