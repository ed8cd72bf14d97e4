import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal, Field, TimestampMicrosecond, TimestampNanosecond, Utf8 } from 'apache-arrow';
import { bqSchemaField } from '../src/bq-type.js';

const describe = (type: ConstructorParameters<typeof Field>[1], metadata?: Map<string, string>) =>
  bqSchemaField(new Field('x', type, true, metadata));

test('decimals: the undeclared forms (BIGNUMERIC at 76 or 77 digits) print no parameters, declared ones do', () => {
  assert.deepEqual(describe(new Decimal(9, 38, 128)), { name: 'x', type: 'NUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(38, 76, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(38, 77, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(0, 29, 128)), { name: 'x', type: 'NUMERIC', mode: 'NULLABLE', precision: '29' });
  assert.deepEqual(describe(new Decimal(38, 38, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE', precision: '38', scale: '38' });
});

test('a picosecond TIMESTAMP is known by its marker in every form, and unmarked in nanoseconds', () => {
  const picos = { name: 'x', type: 'TIMESTAMP', mode: 'NULLABLE', timestampPrecision: '12' };
  const marker = new Map([['bqread:timestamp_precision', '12']]);
  assert.deepEqual(describe(new TimestampMicrosecond('UTC'), marker), picos);
  assert.deepEqual(describe(new Utf8(), marker), picos);
  // The service's form under TIMESTAMP_PRECISION_NANOS, whatever it marks.
  assert.deepEqual(describe(new TimestampNanosecond('UTC')), picos);
  assert.deepEqual(describe(new TimestampMicrosecond('UTC')), { name: 'x', type: 'TIMESTAMP', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Utf8()), { name: 'x', type: 'STRING', mode: 'NULLABLE' });
});
