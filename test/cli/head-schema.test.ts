import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { bqSchemaToArrow, parseBqSchemaJson } from '../../src/emulator/sources/bq-schema.js';
import { DEMO_FIELDS } from '../../src/emulator/sources/demo.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const SMALL = 'test-project.ds.small';
const SMALL_FIELDS = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' as const },
  { name: 'name', type: 'STRING' },
  { name: 'score', type: 'FLOAT64' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' as const },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'a', type: 'INT64' }, { name: 'b', type: 'STRING' }] },
];
const SMALL_ROWS = [
  { id: 1, name: 'ada', score: 1.5, ts: '2026-01-02 03:04:05.25 UTC', tags: ['x', 'y'], rec: { a: 7, b: 'q' } },
  { id: 22, name: 'tab\there', score: -20, tags: [], rec: { a: 8 } },
  { id: 333, score: 0.125, ts: '1969-12-31 23:59:59.999999 UTC' },
];

let emulator: Emulator;
let demo: Emulator;

before(async () => {
  const data = tableFromNdjson(SMALL_ROWS.map((r) => JSON.stringify(r)).join('\n'), SMALL_FIELDS);
  emulator = await startEmulator({ tables: [{ table: SMALL, data }] });
  ({ emulator: demo } = await demoEmulator(50));
});
after(async () => {
  await Promise.all([emulator.close(), demo.close()]);
});

test('head prints the first rows as a grid, as bq head does', async () => {
  const run = await runCli(['head', SMALL, '--endpoint', emulator.address, '-n', '2']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.toString('utf8'), [
    '+----+-----------+-------+----------------------------+-----------+-------------------+',
    '| id | name      | score | ts                         | tags      | rec               |',
    '+----+-----------+-------+----------------------------+-----------+-------------------+',
    '|  1 | ada       |   1.5 | 2026-01-02 03:04:05.25 UTC | ["x","y"] | {"a":"7","b":"q"} |',
    '| 22 | tab\\there |   -20 | NULL                       | []        | {"a":"8"}         |',
    '+----+-----------+-------+----------------------------+-----------+-------------------+',
    '',
  ].join('\n'));
});

test('head -n larger than the table prints every row', async () => {
  const run = await runCli(['head', SMALL, '--endpoint', emulator.address, '-n', '100', '--columns', 'id,name']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.toString('utf8').trimEnd().split('\n');
  assert.deepEqual(lines.slice(3, -1), ['|   1 | ada       |', '|  22 | tab\\there |', '| 333 | NULL      |']);
});

test('head reads its rows without splitting the stream, however much of it is left', async () => {
  // 4,000 rows served at 1 MiB/s in responses of 250 rows: 600 rows take three responses, and
  // after them the stream has seconds left, which made the rebalancer split it (two to four
  // SplitReadStream calls a run) for rows the command would never print.
  const { emulator: paced } = await demoEmulator(4000, { pace: { streamBytesPerSecond: 1024 * 1024 } });
  try {
    const run = await runCli(['head', DEMO, '--endpoint', paced.address, '-n', '600']);
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.toString('utf8').trimEnd().split('\n').slice(3, -1);
    assert.deepEqual(rows.map((line) => Number(line.split('|')[1])), Array.from({ length: 600 }, (_, i) => i));
    assert.equal(paced.stats.sessionsCreated, 1);
    assert.equal(paced.stats.splitCalls, 0);
  } finally {
    await paced.close();
  }
});

test('schema prints `bq show --schema` JSON that loads back into the same Arrow schema', async () => {
  const run = await runCli(['schema', DEMO, '--endpoint', demo.address]);
  assert.equal(run.code, 0, run.stderr);
  const text = run.stdout.toString('utf8');
  assert.equal(text.trimEnd().split('\n').length, 1);
  const fields = JSON.parse(text) as { name: string; type: string; mode: string }[];
  assert.deepEqual(fields.slice(0, 3), [
    { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
    { name: 'f_float64', type: 'FLOAT', mode: 'NULLABLE' },
    { name: 'f_numeric', type: 'NUMERIC', mode: 'NULLABLE' },
  ]);
  assert.deepEqual(fields.find((f) => f.name === 'r_rec'), {
    name: 'r_rec', type: 'RECORD', mode: 'REPEATED',
    fields: [{ name: 'k', type: 'STRING', mode: 'REQUIRED' }, { name: 'v', type: 'INTEGER', mode: 'NULLABLE' }],
  });
  assert.deepEqual(bqSchemaToArrow(parseBqSchemaJson(text)).fields.map(String), bqSchemaToArrow(DEMO_FIELDS).fields.map(String));
  assert.deepEqual(
    bqSchemaToArrow(parseBqSchemaJson(text)).fields.map((f) => [...f.metadata]),
    bqSchemaToArrow(DEMO_FIELDS).fields.map((f) => [...f.metadata]),
  );
});

test('--help of every command shows examples', async () => {
  for (const command of ['read', 'head', 'schema', 'emulator', 'demo']) {
    const run = await runCli([command, '--help']);
    assert.equal(run.code, 0, `${command}: ${run.stderr}`);
    assert.match(run.stdout.toString('utf8'), /Examples:\n {2}bqread /, command);
  }
});
