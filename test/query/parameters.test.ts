import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadOptionsError } from '../../src/read/errors.js';
import type { QueryParameter } from '../../src/protocol/query-parameter.js';
import { parametersJson } from '../../src/query/parameters.js';
import { parseParameterType } from '../../src/query/parameter-type.js';
import { parseParamFlags } from '../../src/cli/query-params.js';

const named = (parameters: readonly QueryParameter[]) => (name: string): QueryParameter => {
  const found = parameters.find((p) => p.name === name);
  assert.ok(found, `no parameter ${name}`);
  return found;
};

test('named parameters are typed from their values as the Node client types them', () => {
  const { parameterMode, queryParameters } = parametersJson({
    big: 9007199254740993n, n: 3, x: 1.5, s: 'é', ok: false, at: new Date('2026-01-02T03:04:05.678Z'),
    raw: Buffer.from([0, 255]), ids: [1n, 2n], rec: { a: 1n, tags: ['x'] }, nan: NaN,
  }, undefined);
  assert.equal(parameterMode, 'NAMED');
  const byName = named(queryParameters!);
  assert.deepEqual(byName('big'), { name: 'big', parameterType: { type: 'INT64' }, parameterValue: { value: '9007199254740993' } });
  assert.deepEqual(byName('n').parameterType, { type: 'INT64' });
  assert.deepEqual(byName('x'), { name: 'x', parameterType: { type: 'FLOAT64' }, parameterValue: { value: '1.5' } });
  assert.deepEqual(byName('s').parameterValue, { value: 'é' });
  assert.deepEqual(byName('ok'), { name: 'ok', parameterType: { type: 'BOOL' }, parameterValue: { value: 'false' } });
  assert.deepEqual(byName('at'), { name: 'at', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2026-01-02T03:04:05.678Z' } });
  assert.deepEqual(byName('raw'), { name: 'raw', parameterType: { type: 'BYTES' }, parameterValue: { value: 'AP8=' } });
  assert.deepEqual(byName('ids'), {
    name: 'ids', parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } }, parameterValue: { arrayValues: [{ value: '1' }, { value: '2' }] },
  });
  assert.deepEqual(byName('rec'), {
    name: 'rec',
    parameterType: { type: 'STRUCT', structTypes: [{ name: 'a', type: { type: 'INT64' } }, { name: 'tags', type: { type: 'ARRAY', arrayType: { type: 'STRING' } } }] },
    parameterValue: { structValues: { a: { value: '1' }, tags: { arrayValues: [{ value: 'x' }] } } },
  });
  assert.deepEqual(byName('nan'), { name: 'nan', parameterType: { type: 'FLOAT64' }, parameterValue: { value: 'NaN' } });
});

test('explicit types: NUMERIC from text, DATE and DATETIME from a Date, JSON, GEOGRAPHY, INTERVAL, RANGE, NULLs and empty arrays', () => {
  const { queryParameters } = parametersJson(
    {
      price: '12345678901234567890.123456789', big: '-1.5e-30', day: new Date('2026-03-04T23:59:59Z'), dt: new Date('2026-03-04T05:06:07.089Z'),
      t: '12:34:56.789012', doc: { a: [1, 2n] }, geo: 'POINT(1 2)', iv: '1-2 3 4:5:6.789', r: { start: '2026-01-01', end: null }, rt: '[2026-01-01, UNBOUNDED)',
      none: null, empty: [], nulls: { a: null },
    },
    {
      price: 'NUMERIC', big: 'BIGNUMERIC', day: 'DATE', dt: 'DATETIME', t: 'TIME', doc: 'JSON', geo: 'GEOGRAPHY', iv: 'INTERVAL', r: 'RANGE<DATE>', rt: 'RANGE<DATE>',
      none: 'INT64', empty: 'ARRAY<STRING>', nulls: 'STRUCT<a FLOAT64>',
    },
  );
  const byName = named(queryParameters!);
  assert.deepEqual(byName('price').parameterValue, { value: '12345678901234567890.123456789' });
  assert.deepEqual(byName('big').parameterType, { type: 'BIGNUMERIC' });
  assert.deepEqual(byName('day').parameterValue, { value: '2026-03-04' });
  assert.deepEqual(byName('dt').parameterValue, { value: '2026-03-04 05:06:07.089' });
  assert.deepEqual(byName('t').parameterValue, { value: '12:34:56.789012' });
  assert.deepEqual(byName('doc').parameterValue, { value: '{"a":[1,"2"]}' });
  assert.deepEqual(byName('geo'), { name: 'geo', parameterType: { type: 'GEOGRAPHY' }, parameterValue: { value: 'POINT(1 2)' } });
  assert.deepEqual(byName('iv').parameterValue, { value: '1-2 3 4:5:6.789' });
  const range = { type: 'RANGE', rangeElementType: { type: 'DATE' } };
  assert.deepEqual(byName('r'), { name: 'r', parameterType: range, parameterValue: { rangeValue: { start: { value: '2026-01-01' }, end: {} } } });
  assert.deepEqual(byName('rt').parameterValue, byName('r').parameterValue);
  assert.deepEqual(byName('none'), { name: 'none', parameterType: { type: 'INT64' }, parameterValue: {} });
  assert.deepEqual(byName('empty'), { name: 'empty', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [] } });
  assert.deepEqual(byName('nulls').parameterValue, { structValues: { a: {} } });
});

test('positional parameters keep their order and take types by position', () => {
  const { parameterMode, queryParameters } = parametersJson([5n, null, 'x'], [undefined, 'DATE']);
  assert.equal(parameterMode, 'POSITIONAL');
  assert.deepEqual(queryParameters, [
    { parameterType: { type: 'INT64' }, parameterValue: { value: '5' } },
    { parameterType: { type: 'DATE' }, parameterValue: {} },
    { parameterType: { type: 'STRING' }, parameterValue: { value: 'x' } },
  ]);
  assert.deepEqual(parametersJson(undefined, undefined), {});
});

test('a parameter that cannot be sent is refused before anything is sent, naming it', () => {
  const refused = (params: Parameters<typeof parametersJson>[0], types: Parameters<typeof parametersJson>[1], message: RegExp) =>
    assert.throws(() => parametersJson(params, types), (err: unknown) => err instanceof ReadOptionsError && message.test(err.message));
  refused({ x: null }, undefined, /@x is NULL: give its type/);
  refused({ x: [] }, undefined, /@x is an empty .* array/);
  refused({ x: 2 ** 60 }, undefined, /@x is not an INT64.*bigint/);
  refused({ x: 2n ** 63n }, undefined, /out of INT64's range/);
  refused({ x: 1.5 }, { x: 'NUMERIC' }, /decimal string/);
  refused({ x: [1n, null] }, undefined, /NULL element/);
  refused({ x: { a: 1n, b: 2n } }, { x: 'STRUCT<a INT64>' }, /field b/);
  refused({ x: 1n }, { y: 'INT64' }, /@y, which params lacks/);
  refused({ 'a-b': 1n }, undefined, /not a GoogleSQL identifier/);
  refused([1n], { 0: 'INT64' }, /as an array/);
  refused({ x: 'a' }, { x: 'ARRAY<ARRAY<INT64>>' }, /no arrays of arrays/);
  refused({ x: 'a' }, { x: 'RANGE<INT64>' }, /RANGE holds/);
  refused({ x: 'a' }, { x: 'STRUCT<a INT64' }, /expected ">"/);
  refused({ x: new Date(NaN) }, undefined, /invalid Date/);
});

test('types are read as GoogleSQL writes them, legacy names included', () => {
  assert.deepEqual(parseParameterType('array<struct<`a b` integer, c ARRAY<boolean>>>'), {
    type: 'ARRAY', arrayType: { type: 'STRUCT', structTypes: [{ name: 'a b', type: { type: 'INT64' } }, { name: 'c', type: { type: 'ARRAY', arrayType: { type: 'BOOL' } } }] },
  });
});

test('--param flags: name:TYPE:value, name::value as STRING, :TYPE:value positional, NULL, JSON arrays', () => {
  assert.deepEqual(parseParamFlags(['min:NUMERIC:1.5', 'name::a:b', 'ids:ARRAY<INT64>:["1","2"]', 'none:DATE:NULL']), {
    params: { min: '1.5', name: 'a:b', ids: ['1', '2'], none: null },
    types: { min: 'NUMERIC', name: 'STRING', ids: 'ARRAY<INT64>', none: 'DATE' },
  });
  assert.deepEqual(parseParamFlags([':INT64:5', ':TIMESTAMP:2026-01-01 00:00:00 UTC']), {
    params: ['5', '2026-01-01 00:00:00 UTC'], types: ['INT64', 'TIMESTAMP'],
  });
  assert.throws(() => parseParamFlags(['a:INT64:1', ':INT64:2']), /every parameter a name, or none/);
  assert.throws(() => parseParamFlags(['a:1']), /expected name:TYPE:value/);
  assert.throws(() => parseParamFlags(['a:ARRAY<INT64>:[1,']), /JSON/);
});
