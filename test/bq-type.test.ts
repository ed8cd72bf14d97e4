import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateDay, Decimal, Field, Struct, TimestampMicrosecond, TimestampNanosecond, Utf8 } from 'apache-arrow';
import { bqSchemaField } from '../src/bq-type.js';

const describe = (type: ConstructorParameters<typeof Field>[1]) => bqSchemaField(new Field('x', type, true));

test('decimals: the undeclared forms (BIGNUMERIC at 76 or 77 digits) print no parameters, declared ones do', () => {
  assert.deepEqual(describe(new Decimal(9, 38, 128)), { name: 'x', type: 'NUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(38, 76, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(38, 77, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Decimal(0, 29, 128)), { name: 'x', type: 'NUMERIC', mode: 'NULLABLE', precision: '29' });
  assert.deepEqual(describe(new Decimal(38, 38, 256)), { name: 'x', type: 'BIGNUMERIC', mode: 'NULLABLE', precision: '38', scale: '38' });
});

test('a picosecond TIMESTAMP is known in nanoseconds, the form NANOS gives it alone; a struct of start and end is a RECORD', () => {
  assert.deepEqual(describe(new TimestampNanosecond('UTC')), { name: 'x', type: 'TIMESTAMP', mode: 'NULLABLE', timestampPrecision: '12' });
  assert.deepEqual(describe(new TimestampMicrosecond('UTC')), { name: 'x', type: 'TIMESTAMP', mode: 'NULLABLE' });
  assert.deepEqual(describe(new Utf8()), { name: 'x', type: 'STRING', mode: 'NULLABLE' });
  const startEnd = new Struct([new Field('start', new DateDay(), true), new Field('end', new DateDay(), true)]);
  assert.deepEqual(describe(startEnd), {
    name: 'x', type: 'RECORD', mode: 'NULLABLE',
    fields: [{ name: 'start', type: 'DATE', mode: 'NULLABLE' }, { name: 'end', type: 'DATE', mode: 'NULLABLE' }],
  });
});
