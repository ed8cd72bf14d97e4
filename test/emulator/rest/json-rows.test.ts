import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { jsonRows } from '../../../src/emulator/rest/json-rows.js';

const table = tableFromNdjson([
  '{"ts":"1970-01-01 00:00:00Z","f":1.5,"n":"-0.5","r":[],"s":{"a":null}}',
  '{"ts":"2021-01-01 00:00:00.123456Z","f":"NaN","n":"10","r":[1,2],"s":null}',
  '{"ts":"1969-12-31 23:59:59.5Z","f":"-inf","n":null,"r":[0],"s":{"a":"x"}}',
  '{"ts":null,"f":null,"n":"0.000000001","r":[],"s":{"a":""}}',
].join('\n'), [
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'f', type: 'FLOAT64' },
  { name: 'n', type: 'NUMERIC' },
  { name: 'r', type: 'INT64', mode: 'REPEATED' },
  { name: 's', type: 'RECORD', fields: [{ name: 'a', type: 'STRING' }] },
], { batchRows: 3 });

test('TIMESTAMP cells: integer microseconds under useInt64Timestamp, else seconds as Java writes a double', () => {
  const cells = (int64Timestamp: boolean) => jsonRows(table, 0, 4, { int64Timestamp }).map((row) => row.f[0]!.v);
  assert.deepEqual(cells(true), ['0', '1609459200123456', '-500000', null]);
  assert.deepEqual(cells(false), ['0.0', '1.609459200123456E9', '-0.5', null]);
});

test('FLOAT64, NUMERIC, REPEATED and RECORD cells, NULLs, across batches and from any start', () => {
  const rows = jsonRows(table, 1, 3, { int64Timestamp: true }).map((row) => row.f.slice(1).map((cell) => cell.v));
  assert.deepEqual(rows, [
    ['NaN', '10', [{ v: '1' }, { v: '2' }], null],
    ['-Infinity', null, [{ v: '0' }], { f: [{ v: 'x' }] }],
    [null, '0.000000001', [], { f: [{ v: '' }] }],
  ]);
  assert.deepEqual(jsonRows(table, 4, 10, { int64Timestamp: true }), []);
});

test('RANGE cells are "[start, end)" text with UNBOUNDED open bounds, each bound as its type\'s cell', () => {
  const ranges = tableFromNdjson([
    '{"d":"[2020-01-01, UNBOUNDED)","dt":"[2020-01-01T12:00:00, 2020-12-31T12:00:00.5)","ts":"[UNBOUNDED, 1970-01-01 00:00:01Z)"}',
    '{"d":null,"dt":"[UNBOUNDED, UNBOUNDED)","ts":"[1970-01-01 00:00:00Z, UNBOUNDED)"}',
  ].join('\n'), [
    { name: 'd', type: 'RANGE', rangeElementType: { type: 'DATE' } },
    { name: 'dt', type: 'RANGE', rangeElementType: { type: 'DATETIME' } },
    { name: 'ts', type: 'RANGE', rangeElementType: { type: 'TIMESTAMP' } },
  ]);
  const cells = (int64Timestamp: boolean) => jsonRows(ranges, 0, 2, { int64Timestamp }).map((row) => row.f.map((cell) => cell.v));
  assert.deepEqual(cells(true), [
    ['[2020-01-01, UNBOUNDED)', '[2020-01-01T12:00:00, 2020-12-31T12:00:00.5)', '[UNBOUNDED, 1000000)'],
    [null, '[UNBOUNDED, UNBOUNDED)', '[0, UNBOUNDED)'],
  ]);
  assert.deepEqual(cells(false)[0]![2], '[UNBOUNDED, 1.0)');
});
