import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_FIELDS, generateDemoTable } from '../../src/emulator/sources/demo.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { inlineable } from '../../src/query/arrow-schema.js';
import { batchFromJsonRows } from '../../src/query/json-rows.js';
import type { JsonRow, TableFieldSchema } from '../../src/query/rest-types.js';
import { canonicalRows } from '../helpers/canonical.js';
import { describeFields, restRows } from '../helpers/rest-rows.js';
import { TYPES_FIELDS, typesTable } from '../helpers/types-table.js';

test('every type from JSON rows has the Arrow schema and values the Storage Read API sends (demo table)', () => {
  const source = generateDemoTable({ rows: 400, seed: 5 });
  const batch = batchFromJsonRows(DEMO_FIELDS, restRows(source));
  assert.deepEqual(describeFields(batch.schema.fields), describeFields(source.schema.fields));
  assert.deepEqual(canonicalRows([batch]), canonicalRows(source));
});

test('declared NUMERIC/BIGNUMERIC, INTERVAL and the RANGEs, top level, REPEATED and in a RECORD', () => {
  const source = typesTable(40);
  const batch = batchFromJsonRows(TYPES_FIELDS, restRows(source));
  assert.deepEqual(describeFields(batch.schema.fields), describeFields(source.schema.fields));
  assert.deepEqual(canonicalRows([batch]), canonicalRows(source));
});

test('sparse shapes: zero rows, one all-NULL row, empty strings and arrays, a NULL record over a REQUIRED field', () => {
  const fields: TableFieldSchema[] = [
    { name: 's', type: 'STRING' },
    { name: 'b', type: 'BYTES' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' },
    { name: 'rec', type: 'RECORD', fields: [{ name: 'a', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'ts', type: 'TIMESTAMP' }] },
  ];
  const ndjson = '{"s":"","b":"","tags":[],"rec":null}\n{}\n{"s":"x","tags":["",""],"rec":{"a":"-9223372036854775808","ts":"1969-12-31 23:59:59.999999 UTC"}}\n';
  const expected = tableFromNdjson(ndjson, fields.map((f) => ({ ...f, type: f.type === 'INTEGER' ? 'INT64' : f.type, fields: f.fields?.map((s) => ({ ...s, type: s.type === 'INTEGER' ? 'INT64' : s.type })) })) as BqField[]);
  const rows: JsonRow[] = [
    { f: [{ v: '' }, { v: '' }, { v: [] }, { v: null }] },
    { f: [{ v: null }, { v: null }, { v: [] }, { v: null }] },
    { f: [{ v: 'x' }, { v: null }, { v: [{ v: '' }, { v: '' }] }, { v: { f: [{ v: '-9223372036854775808' }, { v: '-1' }] } }] },
  ];
  const batch = batchFromJsonRows(fields, rows);
  assert.deepEqual(canonicalRows([batch]), canonicalRows(expected));
  assert.deepEqual(describeFields(batch.schema.fields), describeFields(expected.schema.fields));
  const empty = batchFromJsonRows(fields, []);
  assert.equal(empty.numRows, 0);
  assert.deepEqual(describeFields(empty.schema.fields), describeFields(expected.schema.fields));
});

test('TIMESTAMP as float seconds (the API without useInt64Timestamp) and as text keep every microsecond', () => {
  const fields: TableFieldSchema[] = [{ name: 'ts', type: 'TIMESTAMP' }];
  const batch = batchFromJsonRows(fields, [{ f: [{ v: '1.700000000123456E9' }] }, { f: [{ v: '2023-11-14 22:13:20.123456+01:00' }] }, { f: [{ v: '0001-01-01 00:00:00 UTC' }] }]);
  assert.deepEqual(canonicalRows([batch]), [{ ts: '1700000000123456' }, { ts: '1699996400123456' }, { ts: '-62135596800000000' }]);
});

test('a picosecond TIMESTAMP, whose Arrow form the read session chooses, keeps a result off the jobs-response path', () => {
  assert.equal(inlineable([{ name: 'id', type: 'INT64' }, { name: 'ts', type: 'TIMESTAMP' }]), true);
  assert.equal(inlineable([{ name: 'ts', type: 'TIMESTAMP', timestampPrecision: '12' }]), false);
  assert.equal(inlineable([{ name: 'rec', type: 'RECORD', fields: [{ name: 'ts', type: 'TIMESTAMP', timestampPrecision: 12 }] }]), false);
});
