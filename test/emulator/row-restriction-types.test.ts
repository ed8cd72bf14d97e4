import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRowRestriction, RowRestrictionError } from '../../src/emulator/row-restriction/index.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';

// Declared NUMERIC(P, S) / BIGNUMERIC(P, S) columns arrive at their own scale, not 9 / 38: the
// restriction engine must read them at that scale, whichever way it compares.
const FIELDS: BqField[] = [
  { name: 'id', type: 'INT64' },
  { name: 'price', type: 'NUMERIC', precision: 10, scale: 2 },
  { name: 'qty', type: 'NUMERIC', precision: 5 },
  { name: 'big', type: 'BIGNUMERIC', precision: 50, scale: 20 },
  { name: 'plain', type: 'NUMERIC' },
  { name: 'iv', type: 'INTERVAL' },
  { name: 'r', type: 'RANGE', rangeElementType: { type: 'DATE' } },
  { name: 'tsp', type: 'TIMESTAMP', timestampPrecision: 12 },
];
const ROWS = [
  { id: 1, price: '12.34', qty: 3, big: '0.00000000000000000001', plain: '12.34', iv: '0-0 1 0:0:0', r: '[2020-01-01, 2020-02-01)', tsp: '2020-01-01T00:00:00.000000000001Z' },
  { id: 2, price: '0.5', qty: 12, big: '123456789.5', plain: '1.5', iv: null, r: null },
  { id: 3, price: '-7', qty: -1, big: '-1', plain: '-7.00', iv: '1-0 0 0:0:0', r: '[UNBOUNDED, 2020-01-01)' },
  { id: 4, price: null, qty: null, big: null, plain: null, iv: null, r: null },
];
const table = tableFromNdjson(ROWS.map((row) => JSON.stringify(row)).join('\n'), FIELDS);

function ids(restriction: string): number[] {
  const batch = table.batches[0]!;
  const kept = compileRowRestriction(restriction, table.schema).filter(batch);
  const idColumn = batch.getChild('id')!;
  return Array.from(kept, (row) => Number(idColumn.get(row)));
}

test('declared-scale decimals compare exactly against literals of every kind', () => {
  assert.deepEqual(ids('price = 12.34'), [1]);
  assert.deepEqual(ids('price > 0.5'), [1]);
  assert.deepEqual(ids('price >= 0.5'), [1, 2]);
  assert.deepEqual(ids("price = NUMERIC '-7'"), [3]);
  assert.deepEqual(ids('price IN (0.5, -7)'), [2, 3]);
  assert.deepEqual(ids('price BETWEEN 0 AND 13'), [1, 2]);
  assert.deepEqual(ids('qty > 3'), [2]);
  assert.deepEqual(ids('qty = 3'), [1]);
  assert.deepEqual(ids("big = BIGNUMERIC '0.00000000000000000001'"), [1]);
  assert.deepEqual(ids("big > BIGNUMERIC '123456789.49999999999999999999'"), [2]);
  assert.deepEqual(ids('price IS NULL'), [4]);
});

test('declared-scale decimals compare exactly against columns of another scale and against FLOAT64', () => {
  assert.deepEqual(ids('price = plain'), [1, 3]);
  assert.deepEqual(ids('price < plain'), [2]);
  assert.deepEqual(ids('qty > price'), [2, 3]);
  assert.deepEqual(ids('big < price'), [1]);
  assert.deepEqual(ids('price = 12.34e0'), [1]);
  assert.deepEqual(ids('price < 0.75e0'), [2, 3]);
});

test('INTERVAL, RANGE and picosecond TIMESTAMP columns can be tested for NULL but not compared', () => {
  assert.deepEqual(ids('iv IS NULL'), [2, 4]);
  assert.deepEqual(ids('r IS NOT NULL'), [1, 3]);
  assert.deepEqual(ids('tsp IS NOT NULL'), [1]);
  assert.throws(() => compileRowRestriction("iv = '0-0 1 0:0:0'", table.schema), RowRestrictionError);
  assert.throws(() => compileRowRestriction("tsp > '2020-01-01'", table.schema), /picosecond TIMESTAMP/);
});
