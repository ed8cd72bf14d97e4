// Sinks stream: whatever the table's size, the memory a write holds stays near the reader's
// buffer budget. The emulator runs in a child process so only the reader and sink are measured.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ReadPool } from '../../src/read/pool.js';
import { parquetWriterMemoryBytes } from '../../src/sinks/parquet-from-ipc.js';
import { readBatches } from '../../src/read/read-batches.js';
import { heldBytesBound } from '../../src/read/stats.js';
import { writeParts } from '../../src/sinks/parts/write-parts.js';
import { writeBatches } from '../../src/sinks/write-batches.js';
import type { SinkFormat } from '../../src/sinks/formats.js';
import { CLI } from '../helpers/cli.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TABLE = 'bqread-demo.samples.all_types';
const ROWS = 160_000; // about 56 MB of Arrow: 13 times the budget
const BUDGET = 4 * 1024 * 1024;
const MB = 1024 * 1024;

let child: ChildProcess;
const pool = new ReadPool({ workers: 2 });
let address: string;
let dir: string;

before(async () => {
  child = spawn(process.execPath, [CLI, 'emulator', '--demo', '--demo-rows', String(ROWS), '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('emulator did not start')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-memory-'));
});
after(async () => {
  await pool.close();
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Live bytes after a full GC, apart: the JS heap with ArrayBuffers (the batches), and the Parquet writer's WebAssembly memory. */
function live(): { js: number; wasm: number } {
  // Newer V8 (Node 24) frees dead ArrayBuffers' memory in a sweep that runs on after a GC returns,
  // and the next GC waits for that sweep first: after two, arrayBuffers no longer counts garbage.
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { js: heapUsed + arrayBuffers, wasm: parquetWriterMemoryBytes() };
}

/**
 * The peak growth while `format` is written. With `pool` the streams are read on its worker threads,
 * so this thread holds only the batches handed to the sink; without one this small table is read on
 * this thread, which then holds the streams' receive side too (their HTTP/2 windows and read-ahead).
 */
async function peakGrowth(format: SinkFormat, pool?: ReadPool, target?: Writable): Promise<{ js: number; wasm: number; arrowBytes: number; rows: number; heldBound: number; threads: number }> {
  const base = live();
  const peak = { js: 0, wasm: 0 };
  const sample = () => {
    const now = live();
    peak.js = Math.max(peak.js, now.js - base.js);
    peak.wasm = Math.max(peak.wasm, now.wasm - base.wasm);
  };
  const timer = setInterval(sample, 50);
  try {
    const where = pool ? { pool } : { workers: 2 };
    const stream = readBatches(TABLE, { endpoint: address, maxBufferedBytes: BUDGET, ...where, selectedFields: format === 'csv' ? ['id', 'f_string', 'f_json', 'f_numeric', 'f_timestamp'] : undefined });
    const result = await writeBatches(stream, target ?? path.join(dir, `t.${format}`), { format, parquet: { rowGroupBytes: BUDGET } });
    sample();
    return { ...peak, arrowBytes: stream.stats.bytes, rows: result.rows, heldBound: heldBytesBound(BUDGET, stream.stats), threads: stream.stats.threads };
  } finally {
    clearInterval(timer);
  }
}

// The reader's batches and the writers' own buffers: a few times the budget whatever the format.
const JS_LIMIT = 4 * BUDGET;
// parquet-wasm holds a row group (here up to the budget) and a page and a dictionary per column in
// WebAssembly memory, which grows to its high-water mark and is never returned. On this table that
// mark is 26-31 MiB above the module's own; a writer that ignored rowGroupBytes would reach about
// 165 MiB (measured with 64 MiB row groups). The other formats use none, and neither does a Parquet
// file, whose writer runs in a thread of its own (its memory is checked below, where it is encoded
// on this thread: the same writer with the same row groups).
const WASM_LIMITS: Record<SinkFormat, number> = { arrow: 0, arrows: 0, ndjson: 0, csv: 0, parquet: 0 };
const PARQUET_WASM_LIMIT = 64 * MB;
const mib = (bytes: number) => `${(bytes / MB).toFixed(1)} MiB`;

for (const format of ['arrow', 'arrows', 'ndjson', 'csv', 'parquet'] as const) {
  test(`${format}: memory stays bounded while a table many times the budget streams through`, async () => {
    const { js, wasm, arrowBytes, rows } = await peakGrowth(format, pool);
    assert.equal(rows, ROWS);
    if (format !== 'csv') assert.ok(arrowBytes > 12 * BUDGET, `table ${arrowBytes} bytes`);
    const growth = `JS heap and ArrayBuffers grew ${mib(js)} (limit ${mib(JS_LIMIT)}), WebAssembly memory ${mib(wasm)} (limit ${mib(WASM_LIMITS[format])}), for ${mib(arrowBytes)} of Arrow`;
    assert.ok(js < JS_LIMIT && wasm <= WASM_LIMITS[format], `${format}: ${growth}`);
  });
}

test('parquet into a Writable, encoded on this thread: memory and the writer\'s WebAssembly memory stay bounded', async () => {
  const target = createWriteStream(path.join(dir, 'to-writable.parquet'));
  const { js, wasm, arrowBytes, rows } = await peakGrowth('parquet', pool, target);
  assert.equal(rows, ROWS);
  assert.ok(arrowBytes > 12 * BUDGET, `table ${arrowBytes} bytes`);
  assert.ok(js < JS_LIMIT && wasm > 0 && wasm <= PARQUET_WASM_LIMIT, `JS heap and ArrayBuffers grew ${mib(js)} (limit ${mib(JS_LIMIT)}), WebAssembly memory ${mib(wasm)} (limit ${mib(PARQUET_WASM_LIMIT)})`);
});

// NDJSON and CSV are formatted where the batches are read: here, on the calling thread.
for (const format of ['arrow', 'ndjson', 'csv'] as const) {
  test(`${format}, read on the calling thread (no pool: this table is worth no thread), memory stays within the documented held-bytes bound`, async () => {
    const { js, arrowBytes, rows, heldBound, threads } = await peakGrowth(format);
    assert.equal(threads, 0, 'read on this thread');
    assert.equal(rows, ROWS);
    // The bound (src/read/stats.ts heldBytesBound) holds the streams' windows and read-ahead, which
    // now live on this thread, plus the writer's own buffers as above.
    const limit = heldBound + JS_LIMIT;
    assert.ok(js < limit, `JS heap and ArrayBuffers grew ${mib(js)} (limit ${mib(limit)}: held-bytes bound ${mib(heldBound)} + ${mib(JS_LIMIT)}) for ${mib(arrowBytes)} of Arrow`);
  });
}

// Parts: this thread holds no more than a single-file write does (each batch is handed to a part's
// thread as soon as one has room, two in flight at most each), whatever the table's size, plus per
// part what its thread costs as seen from here (its Worker and port: 3.5-5 MiB measured on Node 20
// with 1, 2 and 4 parts, up to 8 MiB on Node 22.15 under a loaded suite). Each part's own row group
// and encoder live in its thread (README.md, "Part files"). A write that kept its batches would
// hold the whole table, 56 MB, far above this bound.
const PART_THREAD_BYTES = 10 * MB;

test('parquet parts: this thread\'s memory stays bounded while a table many times the budget streams through', async () => {
  const base = live();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, live().js - base.js)), 50);
  const parts = 2;
  const stream = readBatches(TABLE, { endpoint: address, maxBufferedBytes: BUDGET, pool });
  try {
    const result = await writeParts(stream, path.join(dir, 'parts'), { parts, parquet: { rowGroupBytes: BUDGET / parts } });
    assert.equal(result.rows, ROWS);
    assert.ok(stream.stats.bytes > 12 * BUDGET, `table ${stream.stats.bytes} bytes`);
  } finally {
    clearInterval(timer);
  }
  const largestBatch = stream.stats.largestBatchBytes;
  const perPart = 2 * largestBatch + PART_THREAD_BYTES;
  const limit = JS_LIMIT + parts * perPart;
  assert.ok(peak < limit, `JS heap and ArrayBuffers grew ${mib(peak)} (limit ${mib(limit)}: ${mib(JS_LIMIT)} + ${parts} x ${mib(perPart)}; ${stream.stats.splits} splits)`);
});
