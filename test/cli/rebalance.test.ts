import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

// One stream served at 2 MiB/s, as the service paces its streams: 12,000 rows take about 2 s alone,
// so the command splits it unless told not to.
const ROWS = 12_000;
let emulator: Emulator;
let dir: string;

before(async () => {
  ({ emulator } = await demoEmulator(ROWS, { pace: { streamBytesPerSecond: 2 * 1024 * 1024 } }));
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-rebalance-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function read(extra: string[]) {
  const statsPath = path.join(dir, `stats-${extra.length}.json`);
  const run = await runCli(['read', DEMO, '--endpoint', emulator.address, '--max-streams', '1', '--workers', '1', '-o', '/dev/null', '--stats-json', statsPath, ...extra]);
  assert.equal(run.code, 0, run.stderr);
  return { stderr: run.stderr, stats: JSON.parse(readFileSync(statsPath, 'utf8')) as { rows: number; splits: number; rowsMoved: number } };
}

test('bqread read splits a slow stream in flight, says so in the summary and --stats-json, and --no-rebalance does not', async () => {
  const split = await read([]);
  assert.equal(split.stats.rows, ROWS);
  assert.ok(split.stats.splits >= 1, `splits: ${split.stats.splits}`);
  assert.ok(split.stats.rowsMoved > 0);
  assert.match(split.stderr, new RegExp(`\\| 1 stream \\(\\+${split.stats.splits} split off\\), 0 retries \\|`));

  const whole = await read(['--no-rebalance']);
  assert.equal(whole.stats.rows, ROWS);
  assert.equal(whole.stats.splits, 0);
  assert.equal(whole.stats.rowsMoved, 0);
  assert.match(whole.stderr, /\| 1 stream, 0 retries \|/);
});
