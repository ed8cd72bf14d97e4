// Issue 19, defect 4: a RECORD whose fields are named `start` and `end` has the Arrow shape of a
// RANGE, and the Read API marks neither (src/emulator/README.md, "RANGE"). Every command must treat
// it as the RECORD it is; a RANGE, which arrives in the same form, is read as that RECORD too.
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

const startEnd = [{ name: 'start', type: 'DATE', mode: 'NULLABLE' }, { name: 'end', type: 'DATE', mode: 'NULLABLE' }];

test('schema reports a RECORD of `start` and `end` as a RECORD, and so the RANGE the service sends alike', async () => {
  const run = await runCli(['schema', TABLE, ...endpoint]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.toString('utf8')), [
    { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
    { name: 'period', type: 'RECORD', mode: 'NULLABLE', fields: startEnd },
    { name: 'span', type: 'RECORD', mode: 'NULLABLE', fields: startEnd },
  ]);
});

test('NDJSON writes the RECORD as an object, a NULL field left out, never as a RANGE\'s text', async () => {
  const run = await runCli(['read', TABLE, ...endpoint, '--quiet', '--max-streams', '1', '--format', 'ndjson']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), [
    { id: '1', period: { start: '2020-01-01', end: '2020-12-31' }, span: { start: '2020-01-01', end: '2020-12-31' } },
    { id: '2', period: { start: '2021-01-01' }, span: { start: '2021-01-01' } },
  ]);
});

test('CSV refuses the RECORD as it does any other', async () => {
  const refused = await runCli(['read', TABLE, ...endpoint, '--quiet', '--format', 'csv', '--columns', 'id,period']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /CSV cannot hold nested or repeated columns \(period\)/);
});

test('head shows the RECORD as a record', async () => {
  const run = await runCli(['head', TABLE, ...endpoint, '-n', '2', '--columns', 'id,period']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.toString('utf8').trimEnd().split('\n');
  assert.deepEqual(lines.slice(3, -1).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim())), [
    ['1', '{"start":"2020-01-01","end":"2020-12-31"}'],
    ['2', '{"start":"2021-01-01"}'],
  ]);
});
