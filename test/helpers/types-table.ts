import type { Table } from 'apache-arrow';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';

/**
 * An NDJSON + `bq load` schema table of the types whose Arrow form the service fixes per column:
 * DATETIME (extension metadata), declared NUMERIC(P, S) / BIGNUMERIC(P, S), INTERVAL and the three
 * RANGEs, top level, REPEATED and inside a RECORD. Row i is TEMPLATES[i % 4] with id i.
 */
export const TYPES_FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 'dt', type: 'DATETIME' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'price', type: 'NUMERIC', precision: '10', scale: '2' },
  { name: 'big', type: 'BIGNUMERIC', precision: '40', scale: '10' },
  { name: 'iv', type: 'INTERVAL' },
  { name: 'rd', type: 'RANGE', rangeElementType: { type: 'DATE' } },
  { name: 'rdt', type: 'RANGE', rangeElementType: { type: 'DATETIME' } },
  { name: 'rts', type: 'RANGE', rangeElementType: { type: 'TIMESTAMP' } },
  { name: 'r_dt', type: 'DATETIME', mode: 'REPEATED' },
  { name: 'r_iv', type: 'INTERVAL', mode: 'REPEATED' },
  {
    name: 'rec', type: 'RECORD', fields: [
      { name: 'iv', type: 'INTERVAL' },
      { name: 'r', type: 'RANGE', rangeElementType: { type: 'DATE' } },
      { name: 'n', type: 'NUMERIC', precision: '5', scale: '1' },
    ],
  },
];

const TEMPLATES: Record<string, unknown>[] = [
  {
    dt: '2014-08-19T05:41:35.220000', ts: '2014-01-01 07:00:00.000001+00:00', price: '12345678.905', big: '-123456789012345678901234567890.0123456789',
    iv: '1-2 3 4:5:6.789', rd: '[2020-01-01, 2020-12-31)', rdt: '[2020-01-01T12:00:00, 2020-12-31T12:00:00)',
    rts: '[2014-01-01 07:00:00+00:00, 2015-01-01 07:00:00+00:00)', r_dt: ['1970-01-01T00:00:00.000001'], r_iv: ['0-0 0 0:0:0', '-1-0 0 0:0:1'],
    rec: { iv: '0-0 -1 0:0:0', r: '[UNBOUNDED, 2020-01-01)', n: '1234.5' },
  },
  {
    dt: null, ts: null, price: null, big: '0.0000000001', iv: null, rd: null, rdt: '[UNBOUNDED, UNBOUNDED)', rts: null,
    r_dt: [], r_iv: [], rec: null,
  },
  {
    dt: '9999-12-31 23:59:59.999999', ts: '0001-01-01 00:00:00Z', price: '-0.005', big: null, iv: '-10000-0 -3660000 -2562047:0:0',
    rd: { start: '0001-01-01', end: null }, rdt: { start: null, end: '9999-12-31T23:59:59.999999' }, rts: '[UNBOUNDED, 1970-01-01 00:00:00Z)',
    r_dt: ['2000-02-29 12:00:00', '2000-03-01 00:00:00'], r_iv: ['0-11 0 0:0:0'],
    rec: { iv: null, r: null, n: null },
  },
  {
    dt: '1970-01-01T00:00:00', ts: '1970-01-01T00:00:00Z', price: '99999999.99', big: '999999999999999999999999999999.9999999999', iv: '0-0 0 0:0:0.000001',
    rd: '[1969-12-31, 1970-01-01)', rdt: null, rts: '[1969-12-31 23:59:59.999999+00:00, UNBOUNDED)',
    r_dt: [], r_iv: ['10000-0 0 0:0:0'], rec: { iv: '0-0 0 -0:0:0.5', r: '[2020-02-28, 2020-02-29)', n: '-9999.9' },
  },
];

/** `rows` rows of the types table as NDJSON text. */
export function typesNdjson(rows: number): string {
  const lines: string[] = [];
  for (let id = 0; id < rows; id++) lines.push(JSON.stringify({ id, ...TEMPLATES[id % TEMPLATES.length] }));
  return lines.join('\n');
}

export function typesTable(rows: number, batchRows = 97): Table {
  return tableFromNdjson(typesNdjson(rows), TYPES_FIELDS, { batchRows });
}

const NANOS_PER_SECOND = 1_000_000_000n;
const MICROS_PER_SECOND = 1_000_000n;

/**
 * What the first template row must read back as, spelled out by hand: decimals at their declared
 * scale, DATETIME/TIMESTAMP as epoch microseconds, DATE as epoch days, INTERVAL as months / days /
 * nanoseconds (see readableRow in bq-values.ts for the spelling).
 */
export const FIRST_ROW_VALUES = {
  dt: String(1408426895n * MICROS_PER_SECOND + 220_000n),
  ts: String(1388559600n * MICROS_PER_SECOND + 1n),
  price: '12345678.91',
  big: '-123456789012345678901234567890.0123456789',
  iv: `14m 3d ${(4n * 3600n + 5n * 60n + 6n) * NANOS_PER_SECOND + 789_000_000n}ns`,
  rd: { start: 18262, end: 18627 },
  rdt: { start: String(1577880000n * MICROS_PER_SECOND), end: String(1609416000n * MICROS_PER_SECOND) },
  rts: { start: String(1388559600n * MICROS_PER_SECOND), end: String(1420095600n * MICROS_PER_SECOND) },
  r_dt: ['1'],
  r_iv: ['0m 0d 0ns', `-12m 0d ${NANOS_PER_SECOND}ns`],
  rec: { iv: '0m -1d 0ns', r: { start: null, end: 18262 }, n: '1234.5' },
};
