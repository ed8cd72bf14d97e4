import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { Table, tableFromIPC, type RecordBatch } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { childFields, schemaFields } from '../../src/arrow/child-fields.js';
import type { Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { readBatches } from '../../src/read/read-batches.js';
import { SINK_FORMATS } from '../../src/sinks/formats.js';
import { writeBatches, writeNdjson } from '../../src/sinks/write-batches.js';
import { exportText } from '../helpers/bigquery-export.js';
import { canonicalRows, type Canonical } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

let dir: string;
let emulator: Emulator;
let source: Table;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-sinks-'));
  ({ emulator, source } = await demoEmulator(500));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const toArrayBuffer = (bytes: Buffer) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const readParquetFile = (file: string) => tableFromIPC(parquet.readParquet(readFileSync(file)).intoIPCStream());

test('large batches (sliced on their way into Parquet) and every format round-trip a Table exactly', async () => {
  const table = generateDemoTable({ rows: 12_000, seed: 9, batchRows: 10_000 });
  const expected = canonicalRows(table);
  // Parquet has no lossless INTERVAL: it holds BigQuery's canonical text.
  const interval = table.schema.fields.find((f) => f.name === 'f_interval')!;
  const asParquet = expected.map((row) => {
    const r = row as Record<string, Canonical>;
    return { ...r, f_interval: r.f_interval === null ? null : exportText(interval, r.f_interval!) };
  });
  for (const format of ['arrow', 'arrows', 'parquet'] as const) {
    const file = path.join(dir, `big.${format}`);
    const result = await writeBatches(table, file);
    assert.deepEqual(result, { format, rows: 12_000, bytes: readFileSync(file).byteLength });
    const back = format === 'parquet' ? readParquetFile(file) : tableFromIPC(readFileSync(file));
    assert.deepEqual(canonicalRows(back), format === 'parquet' ? asParquet : expected, format);
  }
});

test('a read with no rows still writes the schema (Arrow, Parquet) or the CSV header', async () => {
  const none = () => readBatches(DEMO, { endpoint: emulator.address, workers: 1, rowRestriction: 'id < 0', selectedFields: ['id', 'f_string'] });
  for (const format of SINK_FORMATS) {
    const file = path.join(dir, `empty.${format}`);
    assert.equal((await writeBatches(none(), file)).rows, 0);
    const bytes = readFileSync(file);
    if (format === 'csv') assert.equal(bytes.toString(), 'id,f_string\n');
    else if (format === 'ndjson') assert.equal(bytes.length, 0);
    else {
      const back = format === 'parquet' ? readParquetFile(file) : tableFromIPC(bytes);
      assert.equal(back.numRows, 0);
      assert.deepEqual(back.schema.fields.map((f) => f.name), ['id', 'f_string']);
    }
  }
});

test('a read with no rows of REPEATED and RECORD columns gives a valid file with the whole schema in every format that holds them', async () => {
  const { schema } = source;
  assert.ok(schemaFields(schema).some((f) => childFields(f.type).length > 0), 'the demo table has nested columns');
  for (const format of ['arrow', 'arrows', 'parquet', 'ndjson'] as const) {
    const file = path.join(dir, `empty-nested.${format}`);
    const none = readBatches(DEMO, { endpoint: emulator.address, workers: 1, rowRestriction: 'id < 0' });
    assert.equal((await writeBatches(none, file)).rows, 0, format);
    const bytes = readFileSync(file);
    if (format === 'ndjson') {
      assert.equal(bytes.length, 0);
      continue;
    }
    const back = format === 'parquet' ? readParquetFile(file) : tableFromIPC(bytes);
    assert.equal(back.numRows, 0, format);
    assert.deepEqual(back.schema.fields.map((f) => f.name), schema.fields.map((f) => f.name), format);
    if (format !== 'parquet') assert.deepEqual(back.schema.fields.map(String), schema.fields.map(String), format);
    if (format === 'parquet') assert.equal((await parquetReadObjects({ file: toArrayBuffer(bytes) })).length, 0);
  }
});

test('an empty Table or iterable with a given schema writes that schema, nested columns too', async () => {
  const schema = generateDemoTable({ rows: 1, seed: 1 }).schema;
  for (const format of ['arrow', 'parquet'] as const) {
    const file = path.join(dir, `empty-table.${format}`);
    assert.equal((await writeBatches(new Table(schema), file)).rows, 0);
    const back = format === 'parquet' ? readParquetFile(file) : tableFromIPC(readFileSync(file));
    assert.equal(back.numRows, 0);
    assert.deepEqual(back.schema.fields.map((f) => f.name), schema.fields.map((f) => f.name));
  }
});

test('a source that fails leaves no file in any format, and the error comes through', async () => {
  const table = generateDemoTable({ rows: 3000, seed: 2, batchRows: 1000 });
  async function* failing(): AsyncGenerator<RecordBatch> {
    yield table.batches[0]!;
    yield await Promise.resolve(table.batches[1]!);
    throw new Error('the read broke');
  }
  const sub = mkdtempSync(path.join(dir, 'failing-'));
  for (const format of SINK_FORMATS) {
    const source = format === 'csv' ? (async function* () {
      for await (const b of failing()) yield b.select(['id', 'f_string']);
    })() : failing();
    await assert.rejects(writeBatches(source, path.join(sub, `x.${format}`)), /the read broke/, format);
  }
  assert.deepEqual(readdirSync(sub), []);
});

test('a Writable target receives the stream and is ended; a plain iterable needs no session', async () => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => sink.once('end', resolve));
  const table = generateDemoTable({ rows: 5, seed: 1 });
  const result = await writeNdjson(table.select(['id', 'f_bool']).batches, sink);
  await ended;
  assert.equal(result.rows, 5);
  const ids = Buffer.concat(chunks).toString().trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: unknown }).id);
  assert.deepEqual(ids, ['0', '1', '2', '3', '4']);
});

test('the format must follow from the path or be given', async () => {
  await assert.rejects(writeBatches([], path.join(dir, 'x.txt')), /no format given and none follows from ".*x\.txt"/);
  assert.equal(existsSync(path.join(dir, 'x.txt')), false);
});
