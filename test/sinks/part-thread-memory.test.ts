// A part's thread holds what a single-file write holds on the calling thread: the Parquet writer's
// row group and pages in WebAssembly memory, bounded by rowGroupBytes whatever the part's size, and
// a heap of its own that does not grow with the part.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RecordBatch } from 'apache-arrow';
import { encodeBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc-messages.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { parquetIpcOf } from '../../src/sinks/parquet-ipc.js';
import { parquetIpcPlanOf, parquetIpcSlices } from '../../src/sinks/parquet-slices.js';
import { PartWriter } from '../../src/sinks/parts/part-writer.js';

const MB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'bqread-part-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// About 29 MB of Arrow in batches of 1,000 rows: 14 times the row group.
const table = generateDemoTable({ rows: 80_000, seed: 4, batchRows: 1000 });
const ROW_GROUP_BYTES = 2 * MB;

/** Each batch as a read's worker sends it: the record batch message, behind the Parquet schema (parquet-ipc.ts). */
function asWorkersMakeIt(): (batch: RecordBatch) => Uint8Array[] {
  const schemaBytes = encodeSchemaMessage(table.schema).byteLength;
  const ipcOf = parquetIpcOf(parquetIpcPlanOf(table.schema)!);
  return (batch) => [ipcOf(encodeBatchMessage(batch, schemaBytes))];
}

async function writePart(rowGroupBytes: number, slicesOf = parquetIpcSlices()) {
  const writer = new PartWriter('part.parquet', { path: path.join(dir, `part-${rowGroupBytes}.parquet`), format: 'parquet', parquet: { rowGroupBytes }, reportBytes: MB });
  try {
    for (const batch of table.batches) {
      await writer.room();
      writer.sendBatch(slicesOf(batch), batch.numRows);
    }
    writer.send({ type: 'end' });
    const file = await writer.result;
    assert.equal(file.rows, table.numRows);
    return writer.threadPeak!;
  } finally {
    await writer.worker.terminate();
  }
}

const arrowBytes = table.batches.reduce((sum, batch) => sum + batch.data.byteLength, 0);
const mib = (bytes: number) => `${(bytes / MB).toFixed(1)} MiB`;

test('a Parquet part\'s thread: its WebAssembly memory is bounded by the row group, not the part, and its heap stays small', async () => {
  assert.ok(arrowBytes > 12 * ROW_GROUP_BYTES, `table ${mib(arrowBytes)}`);
  const bounded = await writePart(ROW_GROUP_BYTES);
  // The thread's heap: parquet-wasm's glue and the pipeline (measured 8.6 MiB on Node 22.15, the
  // same for a part twice the size).
  assert.ok(bounded.heapBytes > 0 && bounded.heapBytes < 24 * MB, `heap ${mib(bounded.heapBytes)}`);
  // A row group held whole, with its pages and dictionaries: measured 18-21 MiB with 2 MiB row
  // groups, and 76 MiB when one row group holds the part's whole 28 MiB of Arrow.
  const unbounded = await writePart(64 * MB);
  const growth = `WebAssembly memory ${mib(bounded.wasmBytes)} with ${mib(ROW_GROUP_BYTES)} row groups, ${mib(unbounded.wasmBytes)} with the whole part in one`;
  assert.ok(bounded.wasmBytes > 0 && bounded.wasmBytes < 40 * MB && bounded.wasmBytes < unbounded.wasmBytes / 2, growth);
});

test('a Parquet part fed as a read\'s workers feed it, a response\'s batch at a time: its WebAssembly memory is bounded by the row group too', async () => {
  const bounded = await writePart(ROW_GROUP_BYTES, asWorkersMakeIt());
  // Measured 17.9 MiB: whole batches of 1,000 rows (about 360 KiB) instead of 4,096-row slices.
  assert.ok(bounded.wasmBytes > 0 && bounded.wasmBytes < 40 * MB, `WebAssembly memory ${mib(bounded.wasmBytes)} with ${mib(ROW_GROUP_BYTES)} row groups`);
});
