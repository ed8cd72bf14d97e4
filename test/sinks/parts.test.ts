// Parquet part files: each valid on its own, together the table value for value, with a manifest;
// nothing left behind when the write fails or is stopped.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC, type RecordBatch, type Table } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { SinkOutputError } from '../../src/sinks/output.js';
import type { PartsManifest } from '../../src/sinks/parts/manifest.js';
import { writeParts } from '../../src/sinks/parts/write-parts.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { canonicalRows, rowsById, type Canonical } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { parquetCanonicalRows } from '../helpers/parquet-canonical.js';

const ROWS = 2000;
let dir: string;
let emulator: Emulator;
let source: Table;
const pool = new ReadPool({ workers: 2 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-parts-'));
  ({ emulator, source } = await demoEmulator(ROWS));
});
after(async () => {
  await pool.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every part read back on its own, and the rows of all of them. */
async function readParts(out: string, schema: Table['schema']): Promise<{ manifest: PartsManifest; perPart: Canonical[][] }> {
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as PartsManifest;
  const perPart = [];
  for (const file of manifest.files) {
    const bytes = readFileSync(path.join(out, file.path));
    assert.equal(bytes.byteLength, file.bytes, `${file.path}: bytes`);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, `${file.path}: SHA-256`);
    const rows = await parquetCanonicalRows(bytes, schema);
    assert.equal(rows.length, file.rows, `${file.path}: rows`);
    perPart.push(rows);
  }
  return { manifest, perPart };
}

test('a read written as 3 parts: each a valid Parquet file, together every row value for value, and a manifest', async () => {
  const out = path.join(dir, 'three');
  const result = await writeParts(readBatches(DEMO, { endpoint: emulator.address, pool, maxStreams: 4 }), out, { parts: 3 });
  assert.deepEqual(readdirSync(out).sort(), ['manifest.json', 'part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
  const { manifest, perPart } = await readParts(out, source.schema);
  assert.equal(manifest.rows, ROWS);
  assert.equal(result.rows, ROWS);
  assert.equal(manifest.bytes, manifest.files.reduce((n, f) => n + f.bytes, 0));
  assert.ok(perPart.every((rows) => rows.length > 0), 'every part got rows');
  // Parquet holds INTERVAL as its canonical text (parquet-canonical.ts reads it back as such).
  const expected = await parquetCanonicalRows(readFileSync(await singleFile(source)), source.schema);
  assert.deepEqual(rowsById(perPart.flat()), rowsById(expected));
});

/** The same table as one Parquet file, written on this thread: what the parts must hold together. */
async function singleFile(table: Table): Promise<string> {
  const file = path.join(dir, 'single.parquet');
  await writeBatches(table, file);
  return file;
}

test('a part size: parts end once they hold it and new ones take their place, never more at once than --parts; together every row', async () => {
  // About 1.3 MB of Parquet. A part learns its size only as its thread reports a row group written,
  // and more batches may be on their way to it by then: under load parts reached 190 KB (3000
  // rows then made as few as 4 parts), so the table is big enough for at least six, whatever the timing.
  const table = generateDemoTable({ rows: 6000, seed: 9, batchRows: 100 });
  const out = path.join(dir, 'sized');
  const partBytes = 64 * 1024;
  const result = await writeParts(table, out, { parts: 2, partBytes });
  assert.ok(result.files.length > 4, `${result.files.length} parts`);
  assert.deepEqual(result.files.map((f) => f.path), result.files.map((_, k) => `part-${String(k).padStart(5, '0')}.parquet`));
  assert.deepEqual(readdirSync(out).sort(), ['manifest.json', ...result.files.map((f) => f.path)]);
  // Every part but the two last written in each place reached the size before it ended.
  const small = result.files.filter((f) => f.bytes < partBytes);
  assert.ok(small.length <= 2, `parts under the size: ${small.map((f) => `${f.path} ${f.bytes}`).join(', ')}`);
  assert.ok(result.files.every((f) => f.rows > 0), 'no part is empty');
  const { manifest, perPart } = await readParts(out, table.schema);
  assert.equal(manifest.rows, 6000);
  const expected = await parquetCanonicalRows(readFileSync(await singleFile(table)), table.schema);
  assert.deepEqual(rowsById(perPart.flat()), rowsById(expected));
});

test('a part size of one byte: one-row batches, each part with rows; no rows still gives each place its part of the schema', async () => {
  const table = generateDemoTable({ rows: 4, seed: 5, batchRows: 1 });
  // A part ends once its thread reports a row group written, which can come a batch or two after
  // the batch was sent: how many batches a part gets depends on that timing, not its rows.
  const each = await writeParts(table, path.join(dir, 'byte'), { parts: 1, partBytes: 1 });
  assert.ok(each.files.every((f) => f.rows > 0 && f.bytes > 1), each.files.map((f) => `${f.path} ${f.rows}`).join(', '));
  assert.equal(each.rows, 4);
  const none = readBatches(DEMO, { endpoint: emulator.address, pool, rowRestriction: 'id < 0' });
  const empty = await writeParts(none, path.join(dir, 'byte-empty'), { parts: 2, partBytes: 1 });
  assert.deepEqual(empty.files.map((f) => f.rows), [0, 0]);
  await assert.rejects(writeParts(table, path.join(dir, 'byte-bad'), { partBytes: 0 }), RangeError);
});

test('Arrow parts: each a valid Arrow IPC file of the schema, together every row value for value, in a manifest of format arrow', async () => {
  const out = path.join(dir, 'arrow');
  const table = generateDemoTable({ rows: 2000, seed: 3, batchRows: 100 });
  const result = await writeParts(table, out, { format: 'arrow', parts: 2, partBytes: 128 * 1024 });
  assert.equal(result.format, 'arrow');
  assert.ok(result.files.length > 2, `${result.files.length} parts`);
  const rows: Canonical[] = [];
  for (const file of result.files) {
    assert.match(file.path, /^part-\d{5}\.arrow$/);
    const bytes = readFileSync(path.join(out, file.path));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, `${file.path}: SHA-256`);
    const part = tableFromIPC(bytes);
    assert.equal(part.numRows, file.rows, file.path);
    assert.deepEqual(part.schema.fields.map((f) => String(f.type)), table.schema.fields.map((f) => String(f.type)));
    rows.push(...canonicalRows(part));
  }
  assert.deepEqual(rowsById(rows), rowsById(canonicalRows(table)));
});

test('no rows: every part is a valid file of the schema with no rows; parts numbered from firstPart', async () => {
  const out = path.join(dir, 'empty');
  const none = readBatches(DEMO, { endpoint: emulator.address, pool, rowRestriction: 'id < 0' });
  const result = await writeParts(none, out, { parts: 2, firstPart: 7 });
  assert.equal(result.rows, 0);
  assert.deepEqual(result.files.map((f) => f.path), ['part-00007.parquet', 'part-00008.parquet']);
  const { perPart } = await readParts(out, source.schema);
  assert.deepEqual(perPart, [[], []]);
});

test('one-row batches, more parts than batches', async () => {
  const table = generateDemoTable({ rows: 3, seed: 4, batchRows: 1 });
  const out = path.join(dir, 'tiny');
  const result = await writeParts(table, out, { parts: 5 });
  assert.equal(result.rows, 3);
  const { perPart } = await readParts(out, table.schema);
  assert.deepEqual(perPart.map((rows) => rows.length).sort(), [0, 0, 1, 1, 1]);
});

test('a source that fails, or a stop, leaves no part and no manifest', async () => {
  const table = generateDemoTable({ rows: 3000, seed: 2, batchRows: 500 });
  async function* failing(): AsyncGenerator<RecordBatch> {
    for (const batch of table.batches.slice(0, 4)) yield await Promise.resolve(batch);
    throw new Error('the read broke');
  }
  const out = path.join(dir, 'failing');
  await assert.rejects(writeParts(failing(), out, { parts: 2 }), /the read broke/);
  assert.deepEqual(readdirSync(out), []);

  const stopped = path.join(dir, 'stopped');
  const controller = new AbortController();
  async function* stopping(): AsyncGenerator<RecordBatch> {
    for (const [k, batch] of table.batches.entries()) {
      if (k === 3) controller.abort();
      yield await Promise.resolve(batch);
    }
  }
  await assert.rejects(writeParts(stopping(), stopped, { parts: 2, signal: controller.signal }), { name: 'AbortError' });
  assert.deepEqual(readdirSync(stopped), []);
});

test('a directory that holds parts or a manifest already is refused before anything is read', async () => {
  const out = path.join(dir, 'taken');
  mkdirSync(out);
  writeFileSync(path.join(out, 'part-00000.parquet'), 'old');
  const stream = readBatches(DEMO, { endpoint: emulator.address, pool });
  await assert.rejects(writeParts(stream, out), SinkOutputError);
  assert.equal(stream.stats.rows, 0);
  assert.equal(readFileSync(path.join(out, 'part-00000.parquet'), 'utf8'), 'old');
});

test('bad options are refused before the directory is made or anything is read', async () => {
  const out = path.join(dir, 'bad-options');
  const stream = readBatches(DEMO, { endpoint: emulator.address, pool });
  await assert.rejects(writeParts(stream, out, { parquet: { rowGroupBytes: 0 } }), RangeError);
  await assert.rejects(writeParts(stream, out, { parts: 0 }), RangeError);
  assert.equal(stream.stats.rows, 0);
  assert.equal(existsSync(out), false);
});
