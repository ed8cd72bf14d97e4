// A read written as Parquet has its worker threads (or the calling thread, for a read worth no
// thread) make the writer's input from the messages they read (src/sinks/parquet-ipc.ts); the
// values read back, and the file's schema, must be those of the same rows converted on this thread.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import type { Table } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import type { ReadOptions } from '../../src/read/options.js';
import { readBatches, type BatchStream } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { writeParts } from '../../src/sinks/parts/write-parts.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import { rowsById } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { parquetCanonicalRows } from '../helpers/parquet-canonical.js';
import { sparseTable } from '../helpers/sparse-table.js';

const ROWS = 2000;
const SPARSE = 'test-project.ds.sparse';
let dir: string;
let demo: Emulator;
let sparse: Emulator;
const pool = new ReadPool({ workers: 2 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-parquet-workers-'));
  // The demo table has every type, INTERVAL (rewritten as text) at the top level among them.
  ({ emulator: demo } = await demoEmulator(ROWS, { maxBatchRows: 97 }));
  // All-empty and all-NULL columns in one-row batches; no minimum storage block, so several streams.
  sparse = await startEmulator({ tables: [{ table: SPARSE, data: sparseTable(7) }], maxBatchRows: 1, storageBlockBytes: 0 });
});
after(async () => {
  await pool.close();
  await Promise.all([demo.close(), sparse.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The stream, with a flag set once a sink has it make the output's bytes itself. */
function spied(stream: BatchStream): { stream: BatchStream; formattedByRead: () => boolean } {
  let used = false;
  const formatted: BatchStream['formatted'] = (plan) => {
    used = true;
    return stream.formatted(plan);
  };
  return { stream: { ...stream, formatted }, formattedByRead: () => used };
}

/** The Parquet schema as a reader sees it: each element's name, types and repetition. */
function parquetSchema(bytes: Uint8Array) {
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return metadata.schema.map((e) => [e.name, e.type, e.repetition_type, e.converted_type, JSON.stringify(e.logical_type), e.num_children]);
}

async function fromTable(table: Table, name: string): Promise<Buffer> {
  const file = path.join(dir, name);
  await writeBatches(table, file);
  return readFileSync(file);
}

async function check(table: string, endpoint: string, where: ReadOptions, what: string) {
  const options = { endpoint, maxStreams: 4, ...where };
  const { table: source } = await readTableParallel(table, options);
  const here = await fromTable(source, `here-${what}.parquet`);
  const expected = rowsById(await parquetCanonicalRows(here, source.schema));

  const file = path.join(dir, `read-${what}.parquet`);
  const read = spied(readBatches(table, options));
  const written = await writeBatches(read.stream, file);
  assert.ok(read.formattedByRead(), `${what}: the read made the writer's input`);
  assert.equal(written.rows, source.numRows, `${what}: rows`);
  const bytes = readFileSync(file);
  assert.deepEqual(parquetSchema(bytes), parquetSchema(here), `${what}: the Parquet schema`);
  assert.deepEqual(rowsById(await parquetCanonicalRows(bytes, source.schema)), expected, `${what}: values`);

  const partsDir = path.join(dir, `parts-${what}`);
  const parts = spied(readBatches(table, options));
  const result = await writeParts(parts.stream, partsDir, { parts: 2 });
  assert.ok(parts.formattedByRead(), `${what}: the read made the parts' input`);
  assert.equal(result.rows, source.numRows, `${what}: parts' rows`);
  const partRows = [];
  for (const part of result.files) partRows.push(...(await parquetCanonicalRows(readFileSync(path.join(partsDir, part.path)), source.schema)));
  assert.deepEqual(rowsById(partRows), expected, `${what}: parts' values`);
}

for (const [what, where] of [
  ['worker threads', { pool }],
  ['worker threads, compressed buffers (arrow decodes)', { pool, compression: 'lz4' }],
  ['the calling thread', { workers: 0 }],
] as const) {
  test(`demo table, made on ${what}: Parquet values and schema as made on this thread`, async () => {
    await check(DEMO, demo.address, where, `demo-${what}`);
  });
  test(`sparse table in one-row batches, made on ${what}: Parquet values and schema as made on this thread`, async () => {
    await check(SPARSE, sparse.address, where, `sparse-${what}`);
  });
}

test('a read of no rows: a Parquet file of the schema and no rows', async () => {
  const file = path.join(dir, 'none.parquet');
  const written = await writeBatches(readBatches(DEMO, { endpoint: demo.address, pool, rowRestriction: 'id < 0' }), file);
  assert.equal(written.rows, 0);
  const { table: source } = await readTableParallel(DEMO, { endpoint: demo.address, pool, maxStreams: 1, rowRestriction: 'id < 0' });
  assert.deepEqual(parquetSchema(readFileSync(file)), parquetSchema(await fromTable(source, 'none-here.parquet')));
  assert.deepEqual(await parquetCanonicalRows(readFileSync(file), source.schema), []);
});

test('transient faults mid-stream (UNAVAILABLE, a dropped connection, RESOURCE_EXHAUSTED): the Parquet file holds every row exactly once', async () => {
  const { emulator: faulty, source } = await demoEmulator(ROWS, {
    faults: [
      { kind: 'error', code: 'UNAVAILABLE', afterResponses: 1, stream: 0 },
      { kind: 'drop', afterResponses: 1, stream: 1 },
      { kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 10, afterResponses: 1, stream: 2 },
    ],
  });
  try {
    const options = { endpoint: faulty.address, pool, maxStreams: 4, retry: { initialBackoffMs: 1, maxBackoffMs: 20 } };
    const here = await fromTable(source, 'faults-here.parquet');
    const file = path.join(dir, 'faults-read.parquet');
    const stream = readBatches(DEMO, options);
    const written = await writeBatches(stream, file);
    assert.ok(stream.stats.retries >= 3, `retries: ${stream.stats.retries}`);
    assert.equal(written.rows, ROWS);
    assert.deepEqual(rowsById(await parquetCanonicalRows(readFileSync(file), source.schema)), rowsById(await parquetCanonicalRows(here, source.schema)));
  } finally {
    await faulty.close();
  }
});
