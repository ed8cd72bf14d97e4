// Sinks stream: whatever the table's size, the memory a write holds stays near the reader's
// buffer budget. The emulator runs in a child process so only the reader and sink are measured.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as parquet from 'parquet-wasm';
import { readBatches } from '../../src/read/read-batches.js';
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
let address: string;
let dir: string;

before(async () => {
  child = spawn(process.execPath, [CLI, 'emulator', '--demo', '--demo-rows', String(ROWS), '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('emulator did not start')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-memory-'));
});
after(() => {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Live bytes: the JS heap, ArrayBuffers (the batches) and the Parquet writer's WebAssembly memory. */
function live(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers + parquet.wasmMemory().buffer.byteLength;
}

async function peakGrowth(format: SinkFormat): Promise<{ growth: number; arrowBytes: number; rows: number }> {
  const base = live();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, live() - base)), 50);
  try {
    const stream = readBatches(TABLE, { endpoint: address, maxBufferedBytes: BUDGET, workers: 2, selectedFields: format === 'csv' ? ['id', 'f_string', 'f_json', 'f_numeric', 'f_timestamp'] : undefined });
    const result = await writeBatches(stream, path.join(dir, `t.${format}`), { format, parquet: { rowGroupBytes: BUDGET } });
    peak = Math.max(peak, live() - base);
    return { growth: peak, arrowBytes: stream.stats.bytes, rows: result.rows };
  } finally {
    clearInterval(timer);
  }
}

// Parquet holds a row group (here up to the budget) until it is complete, in WebAssembly memory that
// grows to its high-water mark and is never returned; the other formats hold batches only.
const LIMITS: [SinkFormat, number][] = [['arrow', 4 * BUDGET], ['arrows', 4 * BUDGET], ['ndjson', 4 * BUDGET], ['csv', 4 * BUDGET], ['parquet', 48 * MB]];

for (const [format, limit] of LIMITS) {
  test(`${format}: memory stays bounded while a table many times the budget streams through`, async () => {
    const { growth, arrowBytes, rows } = await peakGrowth(format);
    assert.equal(rows, ROWS);
    if (format !== 'csv') assert.ok(arrowBytes > 12 * BUDGET, `table ${arrowBytes} bytes`);
    assert.ok(growth < limit, `${format}: live memory grew ${(growth / MB).toFixed(1)} MiB (limit ${limit / MB} MiB) for ${(arrowBytes / MB).toFixed(0)} MiB of Arrow`);
  });
}
