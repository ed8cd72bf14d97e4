// Issue 19, defect 4: a RECORD whose fields are named `start` and `end` has the Arrow shape of a
// RANGE; every command must still treat it as the RECORD it is, and a real RANGE as a RANGE.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { runCli } from '../helpers/cli.js';

const TABLE = 'test-project.ds.periods';
const FIELDS = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' as const },
  { name: 'period', type: 'RECORD', fields: [{ name: 'start', type: 'DATE' }, { name: 'end', type: 'DATE' }] },
  { name: 'span', type: 'RANGE', rangeElementType: { type: 'DATE' } },
];
const ROWS = [
  { id: 1, period: { start: '2020-01-01', end: '2020-12-31' }, span: '[2020-01-01, 2020-12-31)' },
  { id: 2, period: { start: '2021-01-01' }, span: '[2021-01-01, UNBOUNDED)' },
];

let emulator: Emulator;
let endpoint: string[];

before(async () => {
  const data = tableFromNdjson(ROWS.map((r) => JSON.stringify(r)).join('\n'), FIELDS);
  emulator = await startEmulator({ tables: [{ table: TABLE, data }] });
  endpoint = ['--endpoint', emulator.address];
});
after(async () => {
  await emulator.close();
});

test('schema reports a RECORD of `start` and `end` as a RECORD, and a RANGE as a RANGE', async () => {
  const run = await runCli(['schema', TABLE, ...endpoint]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.toString('utf8')), [
    { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
    {
      name: 'period', type: 'RECORD', mode: 'NULLABLE',
      fields: [{ name: 'start', type: 'DATE', mode: 'NULLABLE' }, { name: 'end', type: 'DATE', mode: 'NULLABLE' }],
    },
    { name: 'span', type: 'RANGE', mode: 'NULLABLE', rangeElementType: { type: 'DATE' } },
  ]);
});

test('NDJSON writes the RECORD as an object (a NULL field left out) and the RANGE as its text', async () => {
  const run = await runCli(['read', TABLE, ...endpoint, '--quiet', '--max-streams', '1', '--format', 'ndjson']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line)), [
    { id: '1', period: { start: '2020-01-01', end: '2020-12-31' }, span: '[2020-01-01, 2020-12-31)' },
    { id: '2', period: { start: '2021-01-01' }, span: '[2021-01-01, UNBOUNDED)' },
  ]);
});

test('CSV refuses the RECORD as it does any other, and writes the RANGE', async () => {
  const refused = await runCli(['read', TABLE, ...endpoint, '--quiet', '--format', 'csv', '--columns', 'id,period']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /CSV cannot hold nested or repeated columns \(period\)/);
  const written = await runCli(['read', TABLE, ...endpoint, '--quiet', '--max-streams', '1', '--format', 'csv', '--columns', 'id,span']);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(written.stdout.toString('utf8'), 'id,span\n1,"[2020-01-01, 2020-12-31)"\n2,"[2021-01-01, UNBOUNDED)"\n');
});

test('head shows the RECORD as a record and the RANGE as its text', async () => {
  const run = await runCli(['head', TABLE, ...endpoint, '-n', '2']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.toString('utf8').trimEnd().split('\n');
  assert.deepEqual(lines.slice(3, -1).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim())), [
    ['1', '{"start":"2020-01-01","end":"2020-12-31"}', '[2020-01-01, 2020-12-31)'],
    ['2', '{"start":"2021-01-01"}', '[2021-01-01, UNBOUNDED)'],
  ]);
});
