import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { generateDemoTable } from '../../../src/emulator/sources/demo.js';
import { rest, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
const RATE = 2 * 1024 * 1024;
const LATENCY_MS = 150;
let emulator: Emulator;

before(async () => {
  emulator = await startEmulator({
    tables: [{ table: `${PROJECT}.ds.t`, data: generateDemoTable({ rows: 4000, seed: 4 }) }],
    pace: { restCallLatencyMs: LATENCY_MS, restBytesPerSecond: RATE },
  });
});

after(async () => {
  await emulator.close();
});

// The pace is the feature under test, so these tests time it; each bound is the pace's own
// minimum (a paced call cannot be faster).
test('every REST call takes at least the call latency', async () => {
  const started = performance.now();
  const { status } = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/t`);
  assert.equal(status, 200);
  assert.ok(performance.now() - started >= LATENCY_MS - 5);
});

test('a page of rows is sent at the byte rate', async () => {
  const started = performance.now();
  const response = await fetch(`${emulator.restUrl}/bigquery/v2/projects/${PROJECT}/queries`, {
    method: 'POST', body: JSON.stringify({ query: 'SELECT * FROM ds.t', useLegacySql: false }), signal: AbortSignal.timeout(60_000),
  });
  const bytes = (await response.arrayBuffer()).byteLength;
  const elapsed = performance.now() - started;
  assert.ok(bytes > 1024 * 1024, `a page of ${bytes} B`);
  const minimumMs = LATENCY_MS + (bytes / RATE) * 1000;
  assert.ok(elapsed >= minimumMs - 5, `${elapsed.toFixed(0)} ms >= ${minimumMs.toFixed(0)} ms`);
  const small = await runQuery(emulator, PROJECT, 'SELECT 1 AS one');
  assert.equal(small.status, 200);
});
