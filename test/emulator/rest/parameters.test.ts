import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { generateDemoTable } from '../../../src/emulator/sources/demo.js';
import { cells, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
let emulator: Emulator;

before(async () => {
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.demo`, data: generateDemoTable({ rows: 200, seed: 5 }) }] });
});

after(async () => {
  await emulator.close();
});

/** A scalar parameter in BigQuery's queryParameters shape. */
const scalar = (type: string, value: string | null, name?: string) =>
  ({ ...(name && { name }), parameterType: { type }, parameterValue: { value } });

// Every BigQuery type as a parameter: [its parameter, the REST schema field, the REST cell back].
const EVERY_TYPE: [string, Record<string, unknown>, Record<string, unknown>, unknown][] = [
  ['INT64', scalar('INT64', '-9223372036854775808'), { type: 'INTEGER', mode: 'NULLABLE' }, '-9223372036854775808'],
  ['FLOAT64', scalar('FLOAT64', '-1.5e-7'), { type: 'FLOAT', mode: 'NULLABLE' }, '-1.5e-7'],
  ['NUMERIC', scalar('NUMERIC', '-99999999999999999999999999999.999999999'), { type: 'NUMERIC', mode: 'NULLABLE' }, '-99999999999999999999999999999.999999999'],
  ['BIGNUMERIC', scalar('BIGNUMERIC', '0.00000000000000000000000000000000000001'), { type: 'BIGNUMERIC', mode: 'NULLABLE' }, '0.00000000000000000000000000000000000001'],
  ['BOOL', scalar('BOOL', 'false'), { type: 'BOOLEAN', mode: 'NULLABLE' }, 'false'],
  ['STRING', scalar('STRING', 'δέλτα 🚀 \'"'), { type: 'STRING', mode: 'NULLABLE' }, 'δέλτα 🚀 \'"'],
  ['BYTES', scalar('BYTES', 'AP8='), { type: 'BYTES', mode: 'NULLABLE' }, 'AP8='],
  ['DATE', scalar('DATE', '0001-01-01'), { type: 'DATE', mode: 'NULLABLE' }, '0001-01-01'],
  ['DATETIME', scalar('DATETIME', '2020-02-29 23:59:59.999999'), { type: 'DATETIME', mode: 'NULLABLE' }, '2020-02-29T23:59:59.999999'],
  ['TIME', scalar('TIME', '00:00:00.000001'), { type: 'TIME', mode: 'NULLABLE' }, '00:00:00.000001'],
  ['TIMESTAMP', scalar('TIMESTAMP', '2020-01-01 00:00:00.000001+01:00'), { type: 'TIMESTAMP', mode: 'NULLABLE' }, '1577833200000001'],
  ['JSON', scalar('JSON', '{"a":[1,null]}'), { type: 'JSON', mode: 'NULLABLE' }, '{"a":[1,null]}'],
  ['GEOGRAPHY', scalar('GEOGRAPHY', 'POINT(1 2)'), { type: 'GEOGRAPHY', mode: 'NULLABLE' }, 'POINT(1 2)'],
  ['INTERVAL', scalar('INTERVAL', '1-2 3 4:5:6.789'), { type: 'INTERVAL', mode: 'NULLABLE' }, '1-2 3 4:5:6.789'],
  [
    'RANGE<DATE>',
    { parameterType: { type: 'RANGE', rangeElementType: { type: 'DATE' } }, parameterValue: { rangeValue: { start: { value: '2020-01-01' }, end: { value: null } } } },
    { type: 'RANGE', mode: 'NULLABLE', rangeElementType: { type: 'DATE' } },
    '[2020-01-01, UNBOUNDED)',
  ],
  [
    'ARRAY<INT64>',
    { parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } }, parameterValue: { arrayValues: [{ value: '1' }, { value: '2' }] } },
    { type: 'INTEGER', mode: 'REPEATED' },
    [{ v: '1' }, { v: '2' }],
  ],
  [
    'empty ARRAY<STRING>',
    { parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [] } },
    { type: 'STRING', mode: 'REPEATED' },
    [],
  ],
  [
    'STRUCT<n INT64, tags ARRAY<STRING>>',
    {
      parameterType: { type: 'STRUCT', structTypes: [{ name: 'n', type: { type: 'INT64' } }, { name: 'tags', type: { type: 'ARRAY', arrayType: { type: 'STRING' } } }] },
      parameterValue: { structValues: { n: { value: '7' }, tags: { arrayValues: [{ value: '' }] } } },
    },
    { type: 'RECORD', mode: 'NULLABLE', fields: [{ name: 'n', type: 'INTEGER', mode: 'NULLABLE' }, { name: 'tags', type: 'STRING', mode: 'REPEATED' }] },
    { f: [{ v: '7' }, { v: [{ v: '' }] }] },
  ],
  [
    'ARRAY<STRUCT<d DATE>>',
    {
      parameterType: { type: 'ARRAY', arrayType: { type: 'STRUCT', structTypes: [{ name: 'd', type: { type: 'DATE' } }] } },
      parameterValue: { arrayValues: [{ structValues: { d: { value: '2021-03-04' } } }, { structValues: { d: { value: null } } }] },
    },
    { type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'd', type: 'DATE', mode: 'NULLABLE' }] },
    [{ v: { f: [{ v: '2021-03-04' }] } }, { v: { f: [{ v: null }] } }],
  ],
];

test('a named parameter of every BigQuery type comes back as its value, in its type', async () => {
  for (const [label, parameter, field, cell] of EVERY_TYPE) {
    const { status, body } = await runQuery(emulator, PROJECT, 'SELECT @p AS v', {
      parameterMode: 'NAMED', queryParameters: [{ ...parameter, name: 'p' }], formatOptions: { useInt64Timestamp: true },
    });
    assert.equal(status, 200, `${label}: ${JSON.stringify(body)}`);
    assert.deepEqual((body.schema as { fields: unknown[] }).fields, [{ name: 'v', ...field }], label);
    assert.deepEqual(cells(body.rows), [[cell]], label);
  }
});

test('a NULL parameter of a scalar type is NULL', async () => {
  for (const type of ['INT64', 'STRING', 'TIMESTAMP', 'NUMERIC', 'BOOL']) {
    const { body } = await runQuery(emulator, PROJECT, 'SELECT @p IS NULL AS missing, @p AS v', { parameterMode: 'NAMED', queryParameters: [scalar(type, null, 'p')] });
    assert.deepEqual(cells(body.rows), [['true', null]], type);
  }
});

test('positional parameters fill the ? in order', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT id, ? AS tag FROM ds.demo WHERE id >= ? AND id < ? ORDER BY id', {
    parameterMode: 'POSITIONAL', queryParameters: [scalar('STRING', 'x'), scalar('INT64', '10'), scalar('INT64', '13')],
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(cells(body.rows), [['10', 'x'], ['11', 'x'], ['12', 'x']]);
});

test('scalar parameters filter rows as literals would, each type against its column', async () => {
  const pairs: [string, string, Record<string, unknown>][] = [
    ['id', 'id', scalar('INT64', '100')],
    ['f_numeric', 'f_numeric', scalar('NUMERIC', '0')],
    ['f_date', 'f_date', scalar('DATE', '1990-01-01')],
    ['f_timestamp', 'f_timestamp', scalar('TIMESTAMP', '1990-01-01T00:00:00Z')],
    ['f_datetime', 'f_datetime', scalar('DATETIME', '1990-01-01T00:00:00')],
    ['f_time', 'f_time', scalar('TIME', '12:00:00')],
    ['f_string', 'f_string', scalar('STRING', 'm')],
    ['f_float64', 'f_float64', scalar('FLOAT64', '0')],
  ];
  for (const [column, , parameter] of pairs) {
    const literal = column === 'id' ? '100' : column === 'f_numeric' ? 'NUMERIC \'0\'' : column === 'f_float64' ? '0.0'
      : column === 'f_string' ? "'m'" : `${{ f_date: 'DATE', f_timestamp: 'TIMESTAMP', f_datetime: 'DATETIME', f_time: 'TIME' }[column]} '${String((parameter.parameterValue as { value: string }).value)}'`;
    const byParameter = await runQuery(emulator, PROJECT, `SELECT id FROM ds.demo WHERE ${column} > @x`, { queryParameters: [{ ...parameter, name: 'x' }] });
    const byLiteral = await runQuery(emulator, PROJECT, `SELECT id FROM ds.demo WHERE ${column} > ${literal}`);
    assert.equal(byParameter.status, 200, JSON.stringify(byParameter.body));
    assert.ok(Number(byLiteral.body.totalRows) > 0, column);
    assert.deepEqual(cells(byParameter.body.rows), cells(byLiteral.body.rows), column);
  }
});

test('bad parameters are refused with 400 invalid', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ queryParameters: [scalar('INT64', 'ten', 'p')] }, /^Invalid value for query parameter @p: expected an integer, got "ten"$/],
    [{ queryParameters: [scalar('DATE', '2021-02-30', 'p')] }, /^Invalid value for query parameter @p: /],
    [{ queryParameters: [scalar('NOPE', '1', 'p')] }, /^Invalid value for query parameter @p: .*unknown type "NOPE"/],
    [{ parameterMode: 'POSITIONAL', queryParameters: [scalar('INT64', '1', 'p')] }, /^Positional parameters must not have names$/],
  ];
  for (const [extra, pattern] of cases) {
    const { status, body } = await runQuery(emulator, PROJECT, 'SELECT @p AS v', extra);
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.error!.errors[0]!.reason, 'invalid');
    assert.match(body.error!.message, pattern);
  }
});

test('a STRUCT or ARRAY parameter inside an expression is refused as unsupported', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.demo WHERE @a IS NULL', {
    queryParameters: [{ name: 'a', parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } }, parameterValue: { arrayValues: [] } }],
  });
  assert.equal(status, 400);
  assert.equal(body.error!.errors[0]!.reason, 'invalidQuery');
  assert.match(body.error!.message, /A query parameter of type ARRAY<INT64> in an expression is not supported by the bqread emulator's SQL subset at \[1:30\]/);
});
