import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { CLI, runCli } from '../helpers/cli.js';

test('demo serves from an emulator thread, reads into Parquet and prints the summary', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bqread-demo-'));
  try {
    const out = path.join(dir, 'demo.parquet');
    // 30,000 rows are about 11 MB: two of the emulator's 4 MiB storage blocks, so two streams.
    const run = await runCli(['demo', '--rows', '30000', '--workers', '1', '--streams', '2', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^emulator thread listening on 127\.0\.0\.1:\d+, serving bqread-demo\.samples\.all_types \(30000 rows\)\n$/);
    const [summary, check] = run.stdout.toString('utf8').trimEnd().split('\n');
    assert.match(summary!, /^30,000 rows, \d+ columns \| .* \| 2 streams( \(\+\d+ split off\))?, 0 retries \| parquet .* MB written at .* MB\/s.* -> .*demo\.parquet$/);
    assert.equal(check, 'id sum 449985000: every row exactly once');
    const table = tableFromIPC(parquet.readParquet(readFileSync(out)).intoIPCStream());
    assert.equal(table.numRows, 30000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stop signal during the demo removes the partial Parquet file and exits 128 + its number', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bqread-demo-stop-'));
  try {
    // Enough rows that the read is still under way when the partial file appears.
    const child = spawn(process.execPath, [CLI, 'demo', '--rows', '200000', '--workers', '1', '--quiet', '--out', path.join(dir, 'demo.parquet')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    while (readdirSync(dir).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    const exit = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(exit, 143, stderr);
    assert.match(stderr, /\nbqread: interrupted \(SIGTERM\)\n$/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
