// Parquet part files: each valid on its own, together the table value for value, with a manifest;
// nothing left behind when the write fails or is stopped.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RecordBatch, Table } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { SinkOutputError } from '../../src/sinks/output.js';
import type { PartsManifest } from '../../src/sinks/parts/manifest.js';
import { writeParts } from '../../src/sinks/parts/write-parts.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { rowsById, type Canonical } from '../helpers/canonical.js';
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
