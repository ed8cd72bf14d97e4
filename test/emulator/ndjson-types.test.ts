import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Data } from 'apache-arrow';
import { NdjsonError, tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { canonicalRows } from '../helpers/canonical.js';
import { decimalText } from '../helpers/bq-values.js';

const rowsOf = (fields: BqField[], lines: unknown[]) =>
  canonicalRows(tableFromNdjson(lines.map((line) => JSON.stringify(line)).join('\n'), fields));

test('NUMERIC / BIGNUMERIC with declared precision and scale are stored at the declared scale, rounded half away from zero', () => {
  const fields: BqField[] = [
    { name: 'n', type: 'NUMERIC', precision: '10', scale: '2' },
    { name: 'p', type: 'NUMERIC', precision: 4 },
    { name: 'b', type: 'BIGNUMERIC', precision: 40, scale: 10 },
  ];
  const table = tableFromNdjson(
    ['{"n": "12345678.905", "p": "-9999", "b": "123456789012345678901234567890.0123456789"}', '{"n": -0.005, "p": 0.5, "b": null}'].join('\n'),
    fields,
  );
  const column = (name: string) => table.getChild(name)!.data[0] as Data;
  assert.deepEqual([0, 1].map((row) => decimalText(column('n'), row)), ['12345678.91', '-0.01']);
  assert.deepEqual([0, 1].map((row) => decimalText(column('p'), row)), ['-9999', '1']);
  assert.deepEqual([0, 1].map((row) => decimalText(column('b'), row)), ['123456789012345678901234567890.0123456789', null]);
});

test('values beyond a declared precision are rejected with the declared type named', () => {
  const fields: BqField[] = [{ name: 'n', type: 'NUMERIC', precision: 5, scale: 2 }];
  assert.throws(() => tableFromNdjson('{"n": "1000"}', fields), (err: NdjsonError) =>
    err instanceof NdjsonError && err.message === 'line 1: field n: 1000 is out of NUMERIC(5, 2) range (at most 5 digits)');
  assert.equal(canonicalRows(tableFromNdjson('{"n": "999.994"}', fields)).length, 1, '999.99 after rounding fits');
});

test('a decimal beyond every range, or with white space around it, is refused; a fractional epoch second rounds to the microsecond', () => {
  const refused = (line: string, fields: BqField[], message: string) =>
    assert.throws(() => tableFromNdjson(line, fields), (err: NdjsonError) => err instanceof NdjsonError && err.message === message);
  refused('{"n": "1e200"}', [{ name: 'n', type: 'NUMERIC' }], 'line 1: field n: 1e200 is out of NUMERIC range (at most 29 integer digits)');
  refused('{"b": "-9e99999"}', [{ name: 'b', type: 'BIGNUMERIC' }], 'line 1: field b: -9e99999 is out of BIGNUMERIC range (range is about ±5.79e38)');
  refused('{"n": " 1.5"}', [{ name: 'n', type: 'NUMERIC' }], 'line 1: field n: expected a NUMERIC, got " 1.5"');
  refused('{"n": "1.5."}', [{ name: 'n', type: 'NUMERIC' }], 'line 1: field n: expected a NUMERIC, got "1.5."');
  const ts = tableFromNdjson('{"t": 1.0000005}\n{"t": -0.0000015}', [{ name: 't', type: 'TIMESTAMP' }]);
  assert.deepEqual([...ts.getChild('t')!.data[0]!.values as BigInt64Array], [1_000_001n, -2n]);
});

test('INTERVAL reads its canonical text into months, days and nanoseconds', () => {
  const rows = rowsOf([{ name: 'iv', type: 'INTERVAL' }], [
    { iv: '1-2 3 4:5:6.789' },
    { iv: '-0-3 -10 -12:0:0.000001' },
    { iv: '10000-0 3660000 2562047:0:0' },
    { iv: null },
    {},
  ]);
  assert.deepEqual(rows, [
    { iv: `14m 3d ${((4n * 60n + 5n) * 60n + 6n) * 1_000_000_000n + 789_000_000n}ns` },
    { iv: `-3m -10d ${-(12n * 3600n * 1_000_000_000n + 1000n)}ns` },
    { iv: `120000m 3660000d ${2562047n * 3600n * 1_000_000_000n}ns` },
    { iv: null },
    { iv: null },
  ]);
});

test('INTERVAL text that is not canonical, out of range or beyond Arrow nanoseconds is rejected', () => {
  const bad = (value: unknown, message: RegExp) =>
    assert.throws(() => tableFromNdjson(JSON.stringify({ iv: value }), [{ name: 'iv', type: 'INTERVAL' }]), message);
  bad('P1Y', /line 1: field iv: expected an INTERVAL as Y-M D H:M:S\[\.F\]/);
  bad('1-12 0 0:0:0', /month above 11/);
  bad('0-0 0 0:60:0', /minute or second above 59/);
  bad('10001-0 0 0:0:0', /out of range/);
  bad('0-0 0 0:0:0.1234567', /expected an INTERVAL/);
  bad('0-0 0 2562048:0:0', /more hours than Arrow's month-day-nano interval holds/);
  bad(5, /expected a INTERVAL string, got number 5/);
});

test('RANGE reads "[start, end)" text and {start, end} objects; unbounded ends are NULL bounds', () => {
  const fields: BqField[] = [
    { name: 'd', type: 'RANGE', rangeElementType: { type: 'DATE' } },
    { name: 'dt', type: 'RANGE', rangeElementType: { type: 'DATETIME' } },
    { name: 'ts', type: 'RANGE', rangeElementType: { type: 'TIMESTAMP' } },
  ];
  const rows = rowsOf(fields, [
    { d: '[2020-01-01, 2020-12-31)', dt: '[2020-01-01T12:00:00, UNBOUNDED)', ts: '[UNBOUNDED, 2015-01-01 07:00:00.000001+00:00)' },
    { d: { start: null, end: '1970-01-02' }, dt: { start: '2014-08-19 05:41:35.22' }, ts: '[NULL, NULL)' },
    { d: null },
  ]);
  assert.deepEqual(rows, [
    {
      d: { start: 18262, end: 18627 },
      dt: { start: String(1577880000n * 1_000_000n), end: null },
      ts: { start: null, end: String(1420095600n * 1_000_000n + 1n) },
    },
    {
      d: { start: null, end: 1 },
      dt: { start: String(1408426895n * 1_000_000n + 220_000n), end: null },
      ts: { start: null, end: null },
    },
    { d: null, dt: null, ts: null },
  ]);
});

test('RANGE values that are malformed or not start < end are rejected', () => {
  const bad = (value: unknown, message: RegExp) =>
    assert.throws(() => tableFromNdjson(JSON.stringify({ r: value }), [{ name: 'r', type: 'RANGE', rangeElementType: { type: 'DATE' } }]), message);
  bad('[2020-01-02, 2020-01-01)', /line 1: field r: RANGE "\[2020-01-02, 2020-01-01\)" must have start < end/);
  bad('[2020-01-01, 2020-01-01)', /must have start < end/);
  bad('(2020-01-01, 2020-01-02]', /expected a RANGE as "\[start, end\)"/);
  bad({ start: '2020-01-01', stop: '2020-01-02' }, /expected a RANGE/);
  bad('[2020-13-01, UNBOUNDED)', /invalid date/);
});

test('picosecond TIMESTAMPs keep up to 12 fractional digits; the precision is checked in the schema', () => {
  const fields: BqField[] = [{ name: 'ts', type: 'TIMESTAMP', timestampPrecision: '12' }];
  assert.deepEqual(rowsOf(fields, [{ ts: '0001-01-01 00:00:00' }, { ts: '9999-12-31T23:59:59.999999999999-00:00' }]), [
    { ts: '0001-01-01T00:00:00.000000000000Z' },
    { ts: '9999-12-31T23:59:59.999999999999Z' },
  ]);
  assert.throws(() => rowsOf(fields, [{ ts: '2020-01-01T00:00:00.1234567890123Z' }]), /more than 12 fractional second digits/);
  assert.throws(() => rowsOf([{ name: 'ts', type: 'TIMESTAMP', timestampPrecision: 9 }], []), /"timestampPrecision" must be 6 or 12, got 9/);
  assert.throws(() => rowsOf([{ name: 'd', type: 'DATETIME', timestampPrecision: 12 }], []), /"timestampPrecision" is only allowed on TIMESTAMP, not DATETIME/);
});
