import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { runCli } from '../helpers/cli.js';

test('demo serves from an emulator thread, reads into Parquet and prints the summary', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bqread-demo-'));
  try {
    const out = path.join(dir, 'demo.parquet');
    const run = await runCli(['demo', '--rows', '3000', '--workers', '1', '--streams', '2', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^emulator thread listening on 127\.0\.0\.1:\d+, serving bqread-demo\.samples\.all_types \(3000 rows\)\n$/);
    const [summary, check] = run.stdout.toString('utf8').trimEnd().split('\n');
    assert.match(summary!, /^3,000 rows, \d+ columns \| .* \| 2 streams, 0 retries \| parquet .* MB -> .*demo\.parquet$/);
    assert.equal(check, 'id sum 4498500: every row exactly once');
    const table = tableFromIPC(parquet.readParquet(readFileSync(out)).intoIPCStream());
    assert.equal(table.numRows, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
