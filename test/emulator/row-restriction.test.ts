import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import {
  BatchSchemaMismatchError, compileRowRestriction, RowRestrictionError,
} from '../../src/emulator/row-restriction/index.js';

// ---- Arrow builders: the Storage API's mapping of BigQuery types, with nulls where a value is null ----

type Nullable<T> = T | null;

function validity(values: readonly unknown[]): Uint8Array | undefined {
  if (!values.includes(null)) return undefined;
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((value, i) => {
    if (value !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

const int64s = (values: Nullable<bigint>[]) => arrow.makeData({
  type: new arrow.Int64(), length: values.length, nullBitmap: validity(values),
  data: BigInt64Array.from(values, (value) => value ?? 0n),
});

const float64s = (values: Nullable<number>[]) => arrow.makeData({
  type: new arrow.Float64(), length: values.length, nullBitmap: validity(values),
  data: Float64Array.from(values, (value) => value ?? 0),
});

const bools = (values: Nullable<boolean>[]) => {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((value, i) => {
    if (value) bits[i >> 3]! |= 1 << (i & 7);
  });
  return arrow.makeData({ type: new arrow.Bool(), length: values.length, nullBitmap: validity(values), data: bits });
};

/** Offsets and bytes of a variable-width (STRING / BYTES) column. */
function packed(values: Nullable<Uint8Array>[]) {
  const valueOffsets = new Int32Array(values.length + 1);
  values.forEach((value, i) => {
    valueOffsets[i + 1] = valueOffsets[i]! + (value?.length ?? 0);
  });
  const data = new Uint8Array(valueOffsets[values.length]!);
  values.forEach((value, i) => data.set(value ?? new Uint8Array(0), valueOffsets[i]));
  return { length: values.length, nullBitmap: validity(values), valueOffsets, data };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const strings = (values: Nullable<string>[]) =>
  arrow.makeData({ type: new arrow.Utf8(), ...packed(values.map((value) => (value === null ? null : utf8(value)))) });
const binaries = (values: Nullable<Uint8Array>[]) => arrow.makeData({ type: new arrow.Binary(), ...packed(values) });

const MICROS_PER_DAY = 86_400_000_000n;
/** Microseconds since the epoch of an ISO-8601 UTC instant, plus sub-millisecond micros. */
const utcMicros = (iso: string, extraMicros = 0n) => BigInt(Date.parse(iso)) * 1000n + extraMicros;
const epochDays = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

const dates = (values: Nullable<string>[]) => arrow.makeData({
  type: new arrow.DateDay(), length: values.length, nullBitmap: validity(values),
  data: Int32Array.from(values, (value) => (value === null ? 0 : epochDays(value))),
});

const timestamps = (timezone: string | null, values: Nullable<bigint>[]) => arrow.makeData({
  type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, timezone), length: values.length,
  nullBitmap: validity(values), data: BigInt64Array.from(values, (value) => value ?? 0n),
});

const times = (values: Nullable<bigint>[]) => arrow.makeData({
  type: new arrow.TimeMicrosecond(), length: values.length, nullBitmap: validity(values),
  data: BigInt64Array.from(values, (value) => value ?? 0n),
});

/** Decimal128 (NUMERIC) or Decimal256 (BIGNUMERIC) from unscaled values, as little-endian 32-bit words. */
function decimals(bitWidth: 128 | 256, values: Nullable<bigint>[]) {
  const width = bitWidth / 32;
  const words = new Uint32Array(values.length * width);
  values.forEach((value, i) => {
    let rest = BigInt.asUintN(bitWidth, value ?? 0n);
    for (let w = 0; w < width; w++) {
      words[i * width + w] = Number(rest & 0xffffffffn);
      rest >>= 32n;
    }
  });
  const type = bitWidth === 128 ? new arrow.Decimal(9, 38, 128) : new arrow.Decimal(38, 76, 256);
  return arrow.makeData({ type, length: values.length, nullBitmap: validity(values), data: words });
}

function struct(fields: arrow.Field[], children: arrow.Data[], valid?: boolean[]) {
  return arrow.makeData({
    type: new arrow.Struct(fields), length: children[0]!.length, children,
    nullBitmap: valid ? validity(valid.map((isValid) => (isValid ? true : null))) : undefined,
  });
}

const extension = (name: string) => new Map([['ARROW:extension:name', name]]);

// ---- The fixture: one column per BigQuery type, six rows, row 2 mostly NULL ----

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const NUMERIC_MAX = 10n ** 38n - 1n;
const BIGNUMERIC_MAX = 2n ** 255n - 1n;
const BIGNUMERIC_MIN = -(2n ** 255n);

const innerFields = [new arrow.Field('z', new arrow.Int64(), true)];
const recFields = [
  new arrow.Field('x', new arrow.Int64(), true),
  new arrow.Field('name', new arrow.Utf8(), true),
  new arrow.Field('inner', new arrow.Struct(innerFields), true),
];
const itemField = new arrow.Field('item', new arrow.Int64(), true);

const fields = [
  new arrow.Field('i', new arrow.Int64(), true),
  new arrow.Field('f', new arrow.Float64(), true),
  new arrow.Field('b', new arrow.Bool(), true),
  new arrow.Field('s', new arrow.Utf8(), true),
  new arrow.Field('bin', new arrow.Binary(), true),
  new arrow.Field('d', new arrow.DateDay(), true),
  new arrow.Field('dt', new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, null), true),
  new arrow.Field('ts', new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), true),
  new arrow.Field('t', new arrow.TimeMicrosecond(), true),
  new arrow.Field('n', new arrow.Decimal(9, 38, 128), true),
  new arrow.Field('bn', new arrow.Decimal(38, 76, 256), true),
  new arrow.Field('rec', new arrow.Struct(recFields), true),
  new arrow.Field('arr', new arrow.List(itemField), true),
  new arrow.Field('geo', new arrow.Utf8(), true, extension('google:sqlType:geography')),
  new arrow.Field('js', new arrow.Utf8(), true, extension('google:sqlType:json')),
  new arrow.Field('my col', new arrow.Int64(), true),
  new arrow.Field('u', new arrow.Int32(), true),
];
const schema = new arrow.Schema(fields);

const columns: arrow.Data[] = [
  int64s([1n, 2n, null, INT64_MAX, INT64_MIN, 0n]),
  float64s([1.5, -0.5, NaN, null, 2, 0]),
  bools([true, false, null, true, false, true]),
  strings(['apple', 'banana', null, 'Apple', 'a_%c', 'é']),
  binaries([Uint8Array.of(0), Uint8Array.of(0xff), null, utf8('abc'), new Uint8Array(0), utf8('a')]),
  dates(['2024-01-01', '1970-01-01', null, '0001-01-01', '9999-12-31', '2024-02-29']),
  timestamps(null, [
    utcMicros('2024-01-01T00:00:00Z'), utcMicros('2024-01-01T00:00:00Z', 1n), null, 0n,
    utcMicros('9999-12-31T23:59:59.999Z', 999n), utcMicros('2024-02-29T12:30:00Z'),
  ]),
  timestamps('UTC', [
    utcMicros('2024-01-01T00:00:00Z'), utcMicros('2024-01-01T00:00:00Z', 1n), null, -1n, 0n,
    utcMicros('2024-02-29T12:30:00Z'),
  ]),
  times([0n, 45_296_789_012n, null, MICROS_PER_DAY - 1n, 1n, 43_200_000_000n]),
  decimals(128, [1_500_000_000n, -1n, null, NUMERIC_MAX, 0n, 2_000_000_000n]),
  decimals(256, [1n, BIGNUMERIC_MIN, null, BIGNUMERIC_MAX, 0n, 2n * 10n ** 38n]),
  struct(recFields, [
    int64s([10n, 20n, 30n, null, 50n, 60n]),
    strings(['a', 'b', 'c', 'd', null, 'f']),
    struct(innerFields, [int64s([1n, 2n, 3n, 4n, 5n, 6n])], [true, false, true, true, true, true]),
  ], [true, true, false, true, true, true]),
  arrow.makeData({
    type: new arrow.List(itemField), length: 6, valueOffsets: Int32Array.of(0, 1, 1, 3, 3, 3, 4),
    nullBitmap: validity([1, 1, null, 1, 1, 1]), child: int64s([1n, 2n, 3n, 4n]),
  }),
  strings(['POINT(1 1)', 'POINT(2 2)', null, 'POINT(3 3)', 'POINT(4 4)', 'POINT(5 5)']),
  strings(['{}', '[]', null, '1', '"x"', 'null']),
  int64s([5n, 6n, 7n, 8n, 9n, 10n]),
  arrow.makeData({ type: new arrow.Int32(), length: 6, data: Int32Array.of(1, 2, 3, 4, 5, 6) }),
];
const batch = new arrow.RecordBatch(schema, struct(fields, columns));

const rowsOf = (text: string, target: arrow.RecordBatch = batch) =>
  Array.from(compileRowRestriction(text, schema).filter(target));

/** Asserts each restriction keeps exactly the listed rows of the fixture. */
function expectRows(cases: ReadonlyArray<readonly [string, readonly number[]]>): void {
  for (const [text, expected] of cases) assert.deepEqual(rowsOf(text), expected, text);
}

function expectError(text: string, message: string): void {
  assert.throws(() => compileRowRestriction(text, schema), (error: unknown) => {
    assert.ok(error instanceof RowRestrictionError, `${text}: ${String(error)}`);
    assert.equal(error.name, 'RowRestrictionError');
    assert.equal(error.message, message, text);
    return true;
  });
}

// ---- Evaluation ----

test('INT64: every comparison operator, exact at the int64 extremes', () => {
  expectRows([
    ['i = 1', [0]], ['i != 1', [1, 3, 4, 5]], ['i <> 1', [1, 3, 4, 5]],
    ['i < 1', [4, 5]], ['i <= 1', [0, 4, 5]], ['i > 1', [1, 3]], ['i >= 1', [0, 1, 3]],
    ['1 < i', [1, 3]], ['i = 0x2', [1]],
    ['i = 9223372036854775807', [3]], ['i > 9223372036854775806', [3]],
    ['i = -9223372036854775808', [4]], ['i < -9223372036854775807', [4]],
    ['`my col` = 7', [2]], ['i = `my col`', []], ['i < `my col`', [0, 1, 4, 5]],
  ]);
});

test('FLOAT64: numeric coercions both ways and IEEE NaN', () => {
  expectRows([
    ['f = 1.5', [0]], ['f = 15e-1', [0]], ['f = -0.5', [1]], ['f < .5', [1, 5]], ['f > -1e3', [0, 1, 4, 5]],
    ['f = 2', [4]], ['i > 1.5', [1, 3]], ['i = 1.0', [0]], ['f = i', [5]],
    // INT64 against a FLOAT64 literal compares as FLOAT64 (BigQuery's supertype), rounding the column to nearest
    ['i = 9223372036854775807.0', [3]], ['i = -9223372036854775808.0', [4]], ['i > 9007199254740992.0', [3]],
    // NaN compares unordered, as in IEEE 754: never =, <, >, always !=
    ['f = f', [0, 1, 4, 5]], ['f != f', [2]], ["f = CAST('nan' AS FLOAT64)", []],
    ["f < CAST('inf' AS FLOAT64)", [0, 1, 4, 5]],
  ]);
});

test('BOOL: bare columns, IS [NOT] TRUE/FALSE/NULL, comparisons of conditions', () => {
  expectRows([
    ['b', [0, 3, 5]], ['NOT b', [1, 4]], ['NOT NOT b', [0, 3, 5]], ['b = TRUE', [0, 3, 5]], ['b != FALSE', [0, 3, 5]],
    ['b > FALSE', [0, 3, 5]], ['b IS TRUE', [0, 3, 5]], ['b IS NOT TRUE', [1, 2, 4]],
    ['b IS FALSE', [1, 4]], ['b IS NOT FALSE', [0, 2, 3, 5]], ['b IS NULL', [2]], ['b IS NOT NULL', [0, 1, 3, 4, 5]],
    ['b = (i = 1)', [0, 1, 4]], ['(i > 0) IS NULL', [2]],
  ]);
});

test('STRING: byte-order comparison, quoting styles and escapes', () => {
  expectRows([
    ["s = 'apple'", [0]], ['s = "apple"', [0]], ["s = '''apple'''", [0]], ['s = """apple"""', [0]],
    ["s > 'apple'", [1, 5]], ["s < 'b'", [0, 3, 4]], ["s >= 'Apple'", [0, 1, 3, 4, 5]],
    [String.raw`s = 'b\x61nana'`, [1]], [String.raw`s = "\u00e9"`, [5]], [String.raw`s = '\303\251'`, [5]],
    [String.raw`s = '\xc3\xa9'`, [5]], ["s = r'a_%c'", [4]], ["s IN ('banana', 'é', 'kiwi')", [1, 5]],
  ]);
});

test('LIKE: %, _ per character, escapes, backtracking, NOT LIKE', () => {
  expectRows([
    ["s LIKE 'a%'", [0, 4]], ["s LIKE 'A%'", [3]], ["s LIKE '%an%'", [1]], ["s LIKE '%n_n_'", [1]],
    ["s LIKE '_'", [5]], ["s LIKE 'apple'", [0]], ["s LIKE '%'", [0, 1, 3, 4, 5]], ["s LIKE ''", []],
    [String.raw`s LIKE 'a\\_\\%c'`, [4]], [String.raw`s LIKE 'a\\_%'`, [4]], ["s LIKE 'a_%c'", [4]],
    ["s NOT LIKE '%a%'", [3, 5]], ["s LIKE NULL", []], ["'abc' LIKE 'a%'", [0, 1, 2, 3, 4, 5]],
    ["rec.name LIKE '%'", [0, 1, 3, 5]],
    ["bin LIKE b'a%'", [3, 5]], ["bin LIKE b'_'", [0, 1, 5]],
  ]);
});

test('BYTES: unsigned byte order and bytes literals', () => {
  expectRows([
    [String.raw`bin = b'\x00'`, [0]], ['bin = B"abc"', [3]], ["bin = b''", [4]], ["bin > b'a'", [1, 3]],
    [String.raw`bin < b'\x01'`, [0, 4]], ["bin = CAST('abc' AS BYTES)", [3]], [String.raw`bin = rb'\x00'`, []],
  ]);
});

test('DATE: typed literals, string coercion, and comparison with DATETIME', () => {
  expectRows([
    ["d = DATE '2024-02-29'", [5]], ["d = '2024-01-01'", [0]], ["d < '1970-01-02'", [1, 3]],
    ["d = CAST('2024-1-1' AS DATE)", [0]], ["d = DATE '0001-01-01'", [3]], ["d = '9999-12-31'", [4]],
    ["d BETWEEN '0001-01-01' AND '1970-01-01'", [1, 3]],
    ["d >= DATETIME '2024-01-01 00:00:00'", [0, 4, 5]], ["d > DATETIME '2024-01-01 00:00:00.000001'", [4, 5]],
    ['dt = d', [0]], ['d < dt', [1, 3, 4, 5]],
  ]);
});

test('DATETIME and TIMESTAMP: microsecond precision, separators and zone offsets', () => {
  expectRows([
    ["dt = '2024-01-01 00:00:00.000001'", [1]], ["dt = DATETIME '2024-01-01T00:00:00'", [0]],
    ["dt > '2024-01-01'", [1, 4, 5]], ["dt < DATE '2024-01-01'", [3]], ["dt = '9999-12-31 23:59:59.999999'", [4]],
    ["ts = '2024-01-01 00:00:00.000001'", [1]], ["ts = TIMESTAMP '2024-01-01 00:00:00.000001+00'", [1]],
    ["ts = TIMESTAMP '2024-01-01 01:00:00+01:00'", [0]], ["ts = '2023-12-31 19:00:00-05'", [0]],
    ["ts = '2024-01-01T00:00:00Z'", [0]], ["ts = '2024-01-01 00:00:00 UTC'", [0]], ["ts = '2024-01-01'", [0]],
    ["ts < '1970-01-01'", [3]], ["ts >= TIMESTAMP '1970-01-01 00:00:00'", [0, 1, 4, 5]],
    ["ts < '1969-12-31 23:59:59.999999'", []], ["ts <= '1969-12-31 23:59:59.999999'", [3]],
    ["ts = CAST('2024-02-29 12:30:00' AS TIMESTAMP)", [5]],
    ["d = CAST(TIMESTAMP '2024-02-29 20:00:00-03' AS DATE)", [5]],
  ]);
});

test('TIME: literals and string coercion', () => {
  expectRows([
    ["t = '12:34:56.789012'", [1]], ["t > TIME '12:00:00'", [1, 3]], ["t < '00:00:00.000002'", [0, 4]],
    ["t = TIME '12:00:00'", [5]], ["t = '23:59:59.999999'", [3]],
  ]);
});

test('NUMERIC: exact comparisons with literals, INT64 and FLOAT64', () => {
  expectRows([
    ['n = 1.5', [0]], ["n = NUMERIC '1.5'", [0]], ["n = DECIMAL '2'", [5]], ['n = 2', [5]], ['n < 0', [1]],
    ['n = -0.000000001', [1]], ['n > 1e-9', [0, 3, 5]], ['n > -1e-9', [0, 3, 4, 5]],
    ["n = NUMERIC '99999999999999999999999999999.999999999'", [3]],
    ["n > NUMERIC '99999999999999999999999999999.999999998'", [3]],
    ["n = CAST('1.50' AS NUMERIC)", [0]], ['n = CAST(2 AS NUMERIC)', [5]], ['n IN (0, 2)', [4, 5]],
    ['n BETWEEN 0 AND 2', [0, 4, 5]], ['i < n', [0, 3, 4, 5]], ['n > f', [1, 5]],
  ]);
});

test('BIGNUMERIC: exact at 38 decimal places and at the 256-bit extremes', () => {
  expectRows([
    ["bn = BIGNUMERIC '1e-38'", [0]], ["bn = BIGDECIMAL '0.00000000000000000000000000000000000001'", [0]],
    ['bn = 1e-38', [0]], ['bn < 0', [1]], ['bn = 2', [5]], ['bn = n', [4, 5]], ['bn > n', [3]],
    [`bn = BIGNUMERIC '${BIGNUMERIC_MIN}e-38'`, [1]], [`bn = BIGNUMERIC '${BIGNUMERIC_MAX}e-38'`, [3]],
    [`bn > BIGNUMERIC '${BIGNUMERIC_MAX - 1n}e-38'`, [3]], [`bn < BIGNUMERIC '${BIGNUMERIC_MIN + 1n}e-38'`, [1]],
  ]);
});

test('STRUCT fields: nested paths, case-insensitive names, NULL parents make children NULL', () => {
  expectRows([
    ['rec.x = 10', [0]], ['rec.x = 30', []], ['rec.x IS NULL', [2, 3]], ['rec IS NULL', [2]],
    ['rec IS NOT NULL', [0, 1, 3, 4, 5]], ['rec.inner.z > 3', [3, 4, 5]], ['rec.inner.z = 2', []],
    ['rec.inner IS NULL', [1, 2]], ['REC.X = 10', [0]], ['`rec`.`x` = 20', [1]],
    ['arr IS NULL', [2]], ['geo IS NOT NULL', [0, 1, 3, 4, 5]], ['u IS NULL', []],
  ]);
});

test('three-valued logic: NULL propagates, AND/OR short-circuit on FALSE/TRUE', () => {
  const all = [0, 1, 2, 3, 4, 5];
  expectRows([
    ['TRUE', all], ['FALSE', []], ['NULL', []], ['NOT NULL', []], ['1 = 1', all], ["'a' < 'b'", all],
    ['NULL IS NULL', all], ['i = NULL', []], ['i != NULL', []], ['NOT (i = NULL)', []],
    ['i = 1 OR NULL', [0]], ['i > 0 AND NULL', []], ['NOT (i = 1 OR NULL)', []], ['i = 1 OR i IS NULL', [0, 2]],
    ['(NULL AND FALSE) IS FALSE', all], ['(NULL OR TRUE) IS TRUE', all], ['(NULL AND TRUE) IS NULL', all],
  ]);
});

test('IN and BETWEEN with NULLs', () => {
  expectRows([
    ['i IN (1, 2)', [0, 1]], ['i IN (1, NULL)', [0]], ['i IN (NULL)', []], ['i NOT IN (1, 2)', [3, 4, 5]],
    ['i NOT IN (1, NULL)', []], ['i IN (1.0, 2.5)', [0]], ['i BETWEEN 0 AND 2', [0, 1, 5]],
    ['i NOT BETWEEN 0 AND 2', [3, 4]], ['i BETWEEN NULL AND 2', []], ['i NOT BETWEEN NULL AND 1', [1, 3]],
    ['i BETWEEN 1 AND 2 AND b', [0]],
  ]);
});

test('precedence: NOT over AND over OR, parentheses, case-insensitive keywords, comments', () => {
  expectRows([
    ['i = 1 OR i = 0 AND NOT b', [0]], ['(i = 1 OR i = 0) AND NOT b', []],
    ['NOT i = 1', [1, 3, 4, 5]], ['NOT b AND i = 2', [1]], ['NOT (b AND i = 1)', [1, 3, 4, 5]],
    ['i between 0 and 1 and b is not null', [0, 5]],
    ['i = 1 -- first\n OR /* second */ i = 2 # done', [0, 1]],
  ]);
});

test('CAST of literals', () => {
  expectRows([
    ["i = CAST('2' AS INT64)", [1]], ['i = CAST(1.5 AS INT64)', [1]], ['i = CAST(-1.5 AS INT64)', []],
    ["i = CAST(NUMERIC '0.5' AS INTEGER)", [0]], ["f = CAST('1.5' AS FLOAT64)", [0]],
    ["s = CAST(b'apple' AS STRING)", [0]], ['s = CAST(NULL AS STRING)', []], ["b = CAST('TRUE' AS BOOL)", [0, 3, 5]],
    ['b = CAST(0 AS BOOL)', [1, 4]], ["s = CAST(NUMERIC '-0.50' AS STRING)", []],
  ]);
});

test('a sliced batch (nonzero offsets) gives the same rows as the whole batch', () => {
  const restrictions = [
    'i > 0', 'i IS NULL', 'f = f', 'b', 'b IS NOT TRUE', "s LIKE 'a%'", "s > 'b'", "bin > b'a'", "d > '1970-01-01'",
    "dt > '2000-01-01'", 'ts >= TIMESTAMP "1970-01-01"', "t > '00:00:00'", 'n > 0', 'bn > 0', 'i < n', 'dt = d',
    'i IN (1, 0)', "bin LIKE b'a%'", 'rec.x > 15', 'rec.x IS NULL', 'rec IS NULL', 'rec.inner.z > 3', 'rec.inner IS NULL', 'arr IS NULL',
  ];
  for (const [begin, end] of [[1, 5], [2, 6], [3, 4]] as const) {
    const slice = batch.slice(begin, end);
    for (const text of restrictions) {
      const expected = rowsOf(text).filter((row) => row >= begin && row < end).map((row) => row - begin);
      assert.deepEqual(rowsOf(text, slice), expected, `${text} on rows ${begin}..${end}`);
    }
  }
  assert.deepEqual(rowsOf('rec.x = 30 OR rec IS NULL', batch.slice(2, 4)), [0]);
});

test('referencedColumns lists top-level schema names once, in order of use', () => {
  const compiled = compileRowRestriction("REC.x = 1 AND i = 2 OR rec.name = 'a' OR `my col` = 1 OR i IS NULL", schema);
  assert.deepEqual(compiled.referencedColumns, ['rec', 'i', 'my col']);
  assert.equal(compiled.text, "REC.x = 1 AND i = 2 OR rec.name = 'a' OR `my col` = 1 OR i IS NULL");
  assert.deepEqual(compileRowRestriction('TRUE', schema).referencedColumns, []);
});

test('a batch whose columns differ from the compiled schema is refused', () => {
  const compiled = compileRowRestriction('i = 1', schema);
  const otherFields = [new arrow.Field('i', new arrow.Int32(), true)];
  const other = new arrow.RecordBatch(new arrow.Schema(otherFields), struct(otherFields, [
    arrow.makeData({ type: new arrow.Int32(), length: 2, data: Int32Array.of(1, 2) }),
  ]));
  assert.throws(() => compiled.filter(other), BatchSchemaMismatchError);
});

test('filters a million rows well within a second', () => {
  const rowCount = 1_000_000;
  const bigFields = [new arrow.Field('k', new arrow.Int64(), false), new arrow.Field('v', new arrow.Float64(), false)];
  const big = new arrow.RecordBatch(new arrow.Schema(bigFields), struct(bigFields, [
    arrow.makeData({ type: new arrow.Int64(), length: rowCount, data: BigInt64Array.from({ length: rowCount }, (_, i) => BigInt(i)) }),
    arrow.makeData({ type: new arrow.Float64(), length: rowCount, data: Float64Array.from({ length: rowCount }, (_, i) => i / 2) }),
  ]));
  const compiled = compileRowRestriction('k >= 250000 AND v < 400000', big.schema);
  const started = performance.now();
  const rows = compiled.filter(big);
  const elapsed = performance.now() - started;
  assert.equal(rows.length, 550_000);
  assert.equal(rows[0], 250_000);
  assert.equal(rows[rows.length - 1], 799_999);
  // typically ~30 ms; the bound leaves room for a loaded machine
  assert.ok(elapsed < 1500, `took ${elapsed.toFixed(0)} ms`);
});

// ---- Errors ----

test('empty restriction is an error', () => {
  expectError('', 'Row restriction is empty');
  expectError('  \n -- only a comment', 'Row restriction is empty');
});

test('syntax errors name the token and its 1-based line:column', () => {
  expectError('i = 1 x', 'Syntax error: Expected end of input but got identifier "x" [at 1:7]');
  expectError('i = 1\n  AND )', 'Syntax error: Unexpected ")" [at 2:7]');
  expectError('i = ', 'Syntax error: Unexpected end of input [at 1:5]');
  expectError('i IN ()', 'Syntax error: Unexpected ")" [at 1:7]');
  expectError('i IN 1', 'Syntax error: Expected "(" but got integer literal "1" [at 1:6]');
  expectError('i BETWEEN 1 OR 2', 'Syntax error: Expected keyword AND but got keyword OR [at 1:13]');
  expectError('i IS 5', 'Syntax error: Expected keyword NULL, TRUE or FALSE but got integer literal "5" [at 1:6]');
  expectError('i = 1 = 2', 'Syntax error: Unexpected "=": comparison operators are not associative, add parentheses [at 1:7]');
  expectError('i = SELECT', 'Syntax error: Unexpected keyword SELECT [at 1:5]');
  // reserved keywords name columns only when backquoted
  expectError('by = 1', 'Syntax error: Unexpected keyword BY [at 1:1]');
  expectError("s = 'abc", 'Syntax error: Unclosed string literal [at 1:5]');
  expectError(String.raw`s = '\q'`, String.raw`Syntax error: Illegal escape sequence: \q [at 1:5]`);
  expectError('i = $1', 'Syntax error: Illegal input character "$" [at 1:5]');
  expectError('i = 1e', 'Syntax error: Invalid floating point literal "1e" [at 1:5]');
  expectError('i + 1 = 2', 'Syntax error: Operator "+" is not supported in row restrictions [at 1:3]');
  expectError('i = 1 /* open', 'Syntax error: Unclosed comment [at 1:7]');
  expectError('st_equals(geo, geo)', 'Function calls are not supported in row restrictions: st_equals() [at 1:1]');
});

test('unknown names and fields', () => {
  expectError('foo = 1', 'Unrecognized name: foo [at 1:1]');
  expectError('i = 1 AND\n  bar IS NULL', 'Unrecognized name: bar [at 2:3]');
  expectError('rec.nope = 1', 'Field name nope does not exist in STRUCT<x INT64, name STRING, inner STRUCT<z INT64>> [at 1:1]');
  expectError('i.x = 1', 'Cannot access field x on a value with type INT64 [at 1:1]');
});

test('type mismatches are reported like BigQuery signatures', () => {
  expectError('s = 1', 'No matching signature for operator = for argument types: STRING, INT64. Supported signature: ANY = ANY [at 1:1]');
  expectError('b = 1', 'No matching signature for operator = for argument types: BOOL, INT64. Supported signature: ANY = ANY [at 1:1]');
  expectError("i > '5'", 'No matching signature for operator > for argument types: INT64, STRING. Supported signature: ANY > ANY [at 1:1]');
  expectError("ts > DATE '2024-01-01'", 'No matching signature for operator > for argument types: TIMESTAMP, DATE. Supported signature: ANY > ANY [at 1:1]');
  expectError("s = b'a'", 'No matching signature for operator = for argument types: STRING, BYTES. Supported signature: ANY = ANY [at 1:1]');
  expectError("i IN (1, 'a')", 'No matching signature for operator IN for argument types INT64 and {INT64, STRING} [at 1:1]');
  expectError('s NOT BETWEEN 1 AND 2', 'No matching signature for operator NOT BETWEEN for argument types: STRING, INT64, INT64. Supported signature: (ANY) NOT BETWEEN (ANY) AND (ANY) [at 1:1]');
  expectError("ts BETWEEN DATE '2024-01-01' AND DATE '2024-02-01'",
    'No matching signature for operator BETWEEN for argument types: TIMESTAMP, DATE, DATE. Supported signature: (ANY) BETWEEN (ANY) AND (ANY) [at 1:1]');
  expectError("i LIKE 'a%'", 'No matching signature for operator LIKE for argument types: INT64, STRING. Supported signatures: STRING LIKE STRING; BYTES LIKE BYTES [at 1:1]');
  expectError('b AND i', 'No matching signature for operator AND for argument types: BOOL, INT64 [at 1:1]');
  expectError("NOT s", 'No matching signature for operator NOT for argument types: STRING [at 1:1]');
  expectError('i IS NOT TRUE', 'No matching signature for operator IS NOT TRUE for argument types: INT64 [at 1:1]');
  expectError('i', 'Row restriction should return type BOOL, but returns INT64 [at 1:1]');
  expectError('rec.x', 'Row restriction should return type BOOL, but returns INT64 [at 1:1]');
});

test('types BigQuery cannot compare: ARRAY, STRUCT, GEOGRAPHY, JSON, and unmapped Arrow types', () => {
  expectError('arr = 1', 'Equality is not defined for arguments of type ARRAY<INT64> [at 1:1]');
  expectError('arr IN (1)', 'Equality is not defined for arguments of type ARRAY<INT64> [at 1:1]');
  expectError('arr > 1', 'Ordering is not defined for arguments of type ARRAY<INT64> [at 1:1]');
  expectError('rec = rec', 'Equality is not defined for arguments of type STRUCT<x INT64, name STRING, inner STRUCT<z INT64>> [at 1:1]');
  expectError("geo = 'POINT(1 1)'", 'Equality is not defined for arguments of type GEOGRAPHY [at 1:1]');
  expectError("js = '{}'", 'Equality is not defined for arguments of type JSON [at 1:1]');
  expectError("geo LIKE 'POINT%'", 'No matching signature for operator LIKE for argument types: GEOGRAPHY, STRING. Supported signatures: STRING LIKE STRING; BYTES LIKE BYTES [at 1:1]');
  expectError('u = 1', 'Column u has Arrow type Int32, which has no BigQuery type and cannot be compared [at 1:1]');
});

test('bad literals, casts and coercions', () => {
  expectError('i = 9223372036854775808', 'Invalid integer literal: 9223372036854775808 [at 1:5]');
  expectError('i = -9223372036854775809', 'Invalid integer literal: -9223372036854775809 [at 1:6]');
  expectError("DATE '2024-02-30' = d", 'Invalid DATE literal: "2024-02-30" [at 1:1]');
  expectError("ts = TIMESTAMP '2024-01-01 25:00:00'", 'Invalid TIMESTAMP literal: "2024-01-01 25:00:00" [at 1:6]');
  expectError("n = NUMERIC '1e30'", 'Invalid NUMERIC literal: "1e30" [at 1:5]');
  expectError("d = '2024-13-01'", 'Could not cast literal "2024-13-01" to type DATE [at 1:5]');
  expectError("t = '2024-01-01'", 'Could not cast literal "2024-01-01" to type TIME [at 1:5]');
  expectError('n = 1e30', 'Could not cast literal 1e30 to type NUMERIC [at 1:5]');
  expectError("i = CAST('x' AS INT64)", 'Could not cast literal "x" to type INT64 [at 1:5]');
  expectError('d = CAST(TRUE AS DATE)', 'Invalid cast from BOOL to DATE [at 1:5]');
  expectError("s = CAST(DATE '2024-01-01' AS STRING)", 'CAST from DATE to STRING is not supported in row restrictions [at 1:5]');
  expectError('i = CAST(1 AS FOO)', 'Type not found: FOO [at 1:5]');
  expectError("CAST(i AS STRING) = 'a'", 'CAST is only supported on literals in row restrictions [at 1:1]');
  expectError('s LIKE s', 'LIKE patterns must be literals in row restrictions [at 1:8]');
  expectError(String.raw`s LIKE 'abc\\'`, 'LIKE pattern ends with a backslash [at 1:8]');
});

test('errors carry their position', () => {
  try {
    compileRowRestriction('i = 1 AND\n   nope = 2', schema);
    assert.fail('expected a RowRestrictionError');
  } catch (error) {
    assert.ok(error instanceof RowRestrictionError);
    assert.deepEqual(error.position, { line: 2, column: 4 });
  }
});
