import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { childFields } from '../../src/arrow/child-fields.js';
import { bqFieldToArrow, bqSchemaToArrow, parseBqSchemaJson, SchemaError, type BqField } from '../../src/emulator/sources/bq-schema.js';
import { loadNdjsonTable, NdjsonError, tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { ArrowIpcError, loadArrowIpcTable } from '../../src/emulator/sources/arrow-ipc.js';
import { DEMO_FIELDS, generateDemoTable } from '../../src/emulator/sources/demo.js';

// ---- helpers --------------------------------------------------------------------------------

/** Value i of `data`, exactly: timestamps as their int64, decimals as their words. */
function exact(data: arrow.Data, i: number): unknown {
  if (!data.getValid(i)) return null;
  const { type } = data;
  if (arrow.DataType.isStruct(type)) {
    return Object.fromEntries(type.children.map((f, k) => [f.name, exact(data.children[k]!, i)]));
  }
  if (arrow.DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const items: unknown[] = [];
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) items.push(exact(data.children[0]!, k));
    return items;
  }
  if (arrow.DataType.isTimestamp(type)) return (data.values as BigInt64Array)[i];
  if (arrow.DataType.isDecimal(type)) return Array.from((data.values as Uint32Array).subarray(i * data.stride, (i + 1) * data.stride));
  const value: unknown = arrow.makeVector(data).get(i);
  return value instanceof Uint8Array ? Array.from(value) : value;
}

/** All rows of a table as exact values, whatever its batches. */
function exactRows(table: arrow.Table): unknown[] {
  return table.batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, i) => exact(batch.data, i)));
}

/** A column's values across batches (by top-level field name), exactly. */
function columnValues(table: arrow.Table, name: string): unknown[] {
  const k = table.schema.fields.findIndex((f) => f.name === name);
  return table.batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, i) => exact(batch.data.children[k]!, i)));
}

/** The signed integer in little-endian two's-complement words. */
function wordsToBigInt(words: unknown): bigint {
  const list = words as number[];
  let value = 0n;
  list.forEach((word, k) => { value |= BigInt(word) << BigInt(32 * k); });
  return BigInt.asIntN(32 * list.length, value);
}

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bqread-sources-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function throwsWith(fn: () => unknown, errorClass: new (...args: never[]) => Error, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof errorClass, `expected ${errorClass.name}, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

// ---- schema ---------------------------------------------------------------------------------

test('parseBqSchemaJson accepts the array, {fields} and {schema: {fields}} forms, with aliases in any case', () => {
  const fields = [
    { name: 'a', type: 'integer', mode: 'required' },
    { name: 'b', type: 'Float' },
    { name: 'c', type: 'boolean', mode: 'NULLABLE', description: 'flag' },
    { name: 'd', type: 'decimal' },
    { name: 'e', type: 'BIGDECIMAL' },
    { name: 's', type: 'struct', mode: 'repeated', fields: [{ name: 'x', type: 'string' }] },
  ];
  const expected = [
    { name: 'a', type: 'INT64', mode: 'REQUIRED' },
    { name: 'b', type: 'FLOAT64', mode: 'NULLABLE' },
    { name: 'c', type: 'BOOL', mode: 'NULLABLE', description: 'flag' },
    { name: 'd', type: 'NUMERIC', mode: 'NULLABLE' },
    { name: 'e', type: 'BIGNUMERIC', mode: 'NULLABLE' },
    { name: 's', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'x', type: 'STRING', mode: 'NULLABLE' }] },
  ];
  assert.deepEqual(parseBqSchemaJson(JSON.stringify(fields)), expected);
  assert.deepEqual(parseBqSchemaJson(JSON.stringify({ fields })), expected);
  assert.deepEqual(parseBqSchemaJson(JSON.stringify({ schema: { fields } })), expected);
});

test('parseBqSchemaJson names the field path and the problem', () => {
  const bad = (fields: unknown, message: RegExp) =>
    throwsWith(() => parseBqSchemaJson(JSON.stringify(fields), 'schema.json'), SchemaError, message);
  bad([{ name: 'r', type: 'RECORD', fields: [{ name: 'x', type: 'INT99' }] }], /^schema\.json: field r\.x: unknown type "INT99"$/);
  bad([{ name: 'r', type: 'RECORD' }], /field r: RECORD needs a non-empty "fields" list/);
  bad([{ name: 'a', type: 'STRING', mode: 'OPTIONAL' }], /field a: unknown mode "OPTIONAL"/);
  bad([{ name: 'a', type: 'STRING' }, { name: 'A', type: 'INT64' }], /field A: duplicate field name/);
  bad([{ name: 'a', type: 'STRING', fields: [{ name: 'x', type: 'INT64' }] }], /field a: "fields" is only allowed on RECORD, not STRING/);
  bad([{ name: 'r', type: 'RECORD', fields: [{ type: 'INT64' }] }], /field #1 of r: missing or empty "name"/);
  bad([{ name: 'a' }], /field a: missing "type"/);
  bad([{ name: 'x'.repeat(301), type: 'INT64' }], /name is longer than 300 characters/);
  bad([], /schema has no fields/);
  bad([{ name: 'n', type: 'NUMERIC', scale: 2 }], /field n: "scale" needs "precision"/);
  bad([{ name: 'n', type: 'NUMERIC', precision: 40, scale: 2 }], /NUMERIC\(40, 2\) is invalid: needs 1 <= precision - scale <= 29 and 0 <= scale <= 9/);
  bad([{ name: 'n', type: 'NUMERIC', precision: 12, scale: 10 }], /NUMERIC\(12, 10\) is invalid/);
  bad([{ name: 'n', type: 'BIGNUMERIC', precision: 'x' }], /"precision" must be a non-negative integer, got "x"/);
  bad([{ name: 's', type: 'STRING', precision: 3 }], /only allowed on NUMERIC and BIGNUMERIC, not STRING/);
  bad([{ name: 'r', type: 'RANGE' }], /field r: RANGE needs "rangeElementType"/);
  bad([{ name: 'r', type: 'RANGE', rangeElementType: { type: 'TIME' } }], /field r: RANGE needs "rangeElementType"/);
  bad([{ name: 'd', type: 'DATE', rangeElementType: { type: 'DATE' } }], /"rangeElementType" is only allowed on RANGE, not DATE/);
  bad({ columns: [] }, /expected a JSON array of fields/);
  throwsWith(() => parseBqSchemaJson('[{', 's.json'), SchemaError, /^s\.json: invalid JSON/);
});

test('bqSchemaToArrow gives exactly the Storage Read API types, nullability and metadata', () => {
  const schema = bqSchemaToArrow([
    { name: 'i', type: 'INT64', mode: 'REQUIRED' },
    { name: 'f', type: 'FLOAT64' },
    { name: 'n', type: 'NUMERIC' },
    { name: 'bn', type: 'BIGNUMERIC' },
    { name: 's', type: 'STRING' },
    { name: 'b', type: 'BYTES' },
    { name: 'o', type: 'BOOL' },
    { name: 'd', type: 'DATE' },
    { name: 'dt', type: 'DATETIME' },
    { name: 't', type: 'TIME' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'g', type: 'GEOGRAPHY' },
    { name: 'j', type: 'JSON' },
    { name: 'ri', type: 'INT64', mode: 'REPEATED' },
    { name: 'rg', type: 'GEOGRAPHY', mode: 'REPEATED' },
    { name: 'rec', type: 'RECORD', mode: 'REQUIRED', fields: [{ name: 'x', type: 'JSON', mode: 'REQUIRED' }, { name: 'y', type: 'DATE' }] },
    { name: 'n92', type: 'NUMERIC', precision: '9', scale: '2' },
    { name: 'n5', type: 'DECIMAL', precision: 5 },
    { name: 'bn4010', type: 'BIGNUMERIC', precision: '40', scale: '10' },
    { name: 'iv', type: 'INTERVAL' },
    { name: 'rd', type: 'RANGE', rangeElementType: { type: 'DATE' } },
    { name: 'rdt', type: 'RANGE', rangeElementType: { type: 'datetime' } },
    { name: 'rts', type: 'RANGE', mode: 'REQUIRED', rangeElementType: { type: 'TIMESTAMP' } },
  ]);
  const field = (name: string) => schema.fields.find((f) => f.name === name)!;
  const describe = (f: arrow.Field) => ({ type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata) });
  const geography = { 'ARROW:extension:name': 'google:sqlType:geography', 'ARROW:extension:metadata': '{"encoding": "WKT"}' };
  const json = { 'ARROW:extension:name': 'google:sqlType:json' };
  assert.deepEqual(schema.fields.map(describe), [
    { type: 'Int64', nullable: false, metadata: {} },
    { type: 'Float64', nullable: true, metadata: {} },
    { type: 'Decimal[38e+9]', nullable: true, metadata: {} },
    { type: 'Decimal[76e+38]', nullable: true, metadata: {} },
    { type: 'Utf8', nullable: true, metadata: {} },
    { type: 'Binary', nullable: true, metadata: {} },
    { type: 'Bool', nullable: true, metadata: {} },
    { type: 'Date32<DAY>', nullable: true, metadata: {} },
    { type: 'Timestamp<MICROSECOND>', nullable: true, metadata: { 'ARROW:extension:name': 'google:sqlType:datetime' } },
    { type: 'Time64<MICROSECOND>', nullable: true, metadata: {} },
    { type: 'Timestamp<MICROSECOND, UTC>', nullable: true, metadata: {} },
    { type: 'Utf8', nullable: true, metadata: geography },
    { type: 'Utf8', nullable: true, metadata: json },
    { type: 'List<Int64>', nullable: false, metadata: {} },
    { type: 'List<Utf8>', nullable: false, metadata: {} },
    { type: 'Struct<{x:Utf8, y:Date32<DAY>}>', nullable: false, metadata: {} },
    { type: 'Decimal[9e+2]', nullable: true, metadata: {} },
    { type: 'Decimal[5e0]', nullable: true, metadata: {} },
    { type: 'Decimal[40e+10]', nullable: true, metadata: {} },
    { type: 'Interval<MONTH_DAY_NANO>', nullable: true, metadata: { 'ARROW:extension:name': 'google:sqlType:interval' } },
    { type: 'Struct<{start:Date32<DAY>, end:Date32<DAY>}>', nullable: true, metadata: {} },
    { type: 'Struct<{start:Timestamp<MICROSECOND>, end:Timestamp<MICROSECOND>}>', nullable: true, metadata: {} },
    { type: 'Struct<{start:Timestamp<MICROSECOND, UTC>, end:Timestamp<MICROSECOND, UTC>}>', nullable: false, metadata: {} },
  ]);
  assert.deepEqual([(field('n92').type as arrow.Decimal).bitWidth, (field('bn4010').type as arrow.Decimal).bitWidth], [128, 256]);
  assert.ok((field('rts').type as arrow.Struct).children.every((bound) => bound.nullable), 'a NULL bound means unbounded');
  const numeric = field('n').type as arrow.Decimal;
  assert.deepEqual([numeric.scale, numeric.precision, numeric.bitWidth], [9, 38, 128]);
  const bignumeric = field('bn').type as arrow.Decimal;
  assert.deepEqual([bignumeric.scale, bignumeric.precision, bignumeric.bitWidth], [38, 76, 256]);
  assert.equal((field('dt').type as arrow.Timestamp).timezone, null);
  assert.equal((field('ts').type as arrow.Timestamp).timezone, 'UTC');
  assert.equal((field('t').type as arrow.Time).bitWidth, 64);
  const item = (field('rg').type as arrow.List).children[0]!;
  assert.deepEqual([item.name, item.nullable, describe(item).metadata], ['item', false, geography]);
  assert.deepEqual((field('ri').type as arrow.List).children[0]!.name, 'item');
  const [x, y] = (field('rec').type as arrow.Struct).children;
  assert.deepEqual([describe(x!), y!.nullable], [{ type: 'Utf8', nullable: false, metadata: json }, true]);
  assert.deepEqual(describe(bqFieldToArrow({ name: 'g', type: 'geography', mode: 'REQUIRED' })), { type: 'Utf8', nullable: false, metadata: geography });
});

// ---- NDJSON ---------------------------------------------------------------------------------

const ALL_TYPES: BqField[] = [
  { name: 'i', type: 'INT64' },
  { name: 'f', type: 'FLOAT64' },
  { name: 'n', type: 'NUMERIC' },
  { name: 'bn', type: 'BIGNUMERIC' },
  { name: 's', type: 'STRING' },
  { name: 'b', type: 'BYTES' },
  { name: 'o', type: 'BOOL' },
  { name: 'd', type: 'DATE' },
  { name: 'dt', type: 'DATETIME' },
  { name: 't', type: 'TIME' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'g', type: 'GEOGRAPHY' },
  { name: 'j', type: 'JSON' },
];

function oneColumn(name: string, values: unknown[]): unknown[] {
  const text = values.map((v) => JSON.stringify(v === undefined ? {} : { [name]: v })).join('\n');
  return columnValues(tableFromNdjson(text, ALL_TYPES), name);
}

test('NDJSON INT64 and FLOAT64 values are exact', () => {
  assert.deepEqual(oneColumn('i', ['9223372036854775807', '-9223372036854775808', 42, -7, '0', null, undefined]),
    [9223372036854775807n, -9223372036854775808n, 42n, -7n, 0n, null, null]);
  assert.deepEqual(oneColumn('f', [1.5, 'NaN', 'Infinity', '-Infinity', '2.5e3', '-0.125', 7]),
    [1.5, NaN, Infinity, -Infinity, 2500, -0.125, 7]);
});

test('NDJSON NUMERIC and BIGNUMERIC are exact scaled integers in two\'s-complement words, rounded half away from zero', () => {
  const numeric = oneColumn('n', [
    '123.456', '-0.000000001', '99999999999999999999999999999.999999999', '-99999999999999999999999999999.999999999',
    '0.0000000005', '-0.0000000005', '0.00000000049', 1.25, '1.5e3', '-12E-2', '0', '+.5',
  ]);
  assert.ok(numeric.every((words) => (words as number[]).length === 4));
  assert.deepEqual(numeric.map(wordsToBigInt), [
    123456000000n, -1n, 10n ** 38n - 1n, -(10n ** 38n - 1n),
    1n, -1n, 0n, 1250000000n, 1500000000000n, -120000000n, 0n, 500000000n,
  ]);
  const bignumeric = oneColumn('bn', [
    '578960446186580977117854925043439539266.34992332820282019728792003956564819967',
    '-578960446186580977117854925043439539266.34992332820282019728792003956564819968',
    '1e-38', '-2.5', '0.000000000000000000000000000000000000015',
  ]);
  assert.ok(bignumeric.every((words) => (words as number[]).length === 8));
  assert.deepEqual(bignumeric.map(wordsToBigInt), [2n ** 255n - 1n, -(2n ** 255n), 1n, -25n * 10n ** 37n, 2n]);
  // The words themselves, for a reader that decodes them: -1 is all ones.
  assert.deepEqual(numeric[1], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
});

test('NDJSON STRING, BYTES, BOOL, GEOGRAPHY and JSON values', () => {
  assert.deepEqual(oneColumn('s', ['héllo 🚀', '', null]), ['héllo 🚀', '', null]);
  assert.deepEqual(oneColumn('b', ['AQID/w==', '', null]), [[1, 2, 3, 255], [], null]);
  assert.deepEqual(oneColumn('o', [true, false, 'true', 'FALSE', null]), [true, false, true, false, null]);
  assert.deepEqual(oneColumn('g', ['POINT(1 2)', 'LINESTRING(0 0, 1 1)']), ['POINT(1 2)', 'LINESTRING(0 0, 1 1)']);
  assert.deepEqual(oneColumn('j', [{ a: [1, 'x'] }, 'str', 5, [true], null]), ['{"a":[1,"x"]}', '"str"', '5', '[true]', null]);
});

test('NDJSON GEOGRAPHY is WKT: a geometry keyword, optionally Z/M, then EMPTY or a parenthesised body of coordinates', () => {
  const good = [
    'POINT(1 2)', 'point (-1.5 2e3)', 'POINT Z (1 2 3)', 'POINT ZM (1 2 3 4)', 'POINT M(1 2 3)', 'POINT EMPTY', ' POINT(.5 -0.25) ',
    'LINESTRING(0 0, 1 1)', 'POLYGON((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))',
    'MULTIPOINT((0 0), (1 1))', 'MULTIPOINT(0 0, 1 1)', 'MULTILINESTRING((0 0, 1 1), (2 2, 3 3))', 'MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))',
    'GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))', 'GEOMETRYCOLLECTION EMPTY',
  ];
  assert.deepEqual(oneColumn('g', good), good);
  const bad = [
    'NOT WKT', '', 'POINT', 'POINT()', 'POINT(1 2', 'POINT(1 2))', 'POINT(a b)', 'CIRCLE(1 2)', 'POINT(1 2) trailing', 'POINT(1)',
    'POINT(1 2 3 4 5)', 'LINESTRING(0 0,, 1 1)', 'LINESTRING(0 0 1 1,)', 'POINT EMPTY (1 2)', 'POINT Q (1 2)', 'GEOMETRYCOLLECTION(POINT(1 2), 3 4)',
    'LINESTRING(POINT(1 2))',
  ];
  for (const value of bad) {
    throwsWith(() => tableFromNdjson(`{"i": 1}\n${JSON.stringify({ g: value })}`, ALL_TYPES), NdjsonError,
      new RegExp(`^line 2: field g: expected a GEOGRAPHY as WKT, e\\.g\\. POINT\\(1 2\\), got ${JSON.stringify(value).replace(/[()]/g, '\\$&')}$`));
  }
});

test('NDJSON DATE, DATETIME, TIME and TIMESTAMP keep microseconds exactly', () => {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const dates = oneColumn('d', ['1970-01-01', '0001-01-01', '9999-12-31', '2024-02-29', '1969-12-31', '2024-3-5']);
  // arrow-js reads DateDay as epoch milliseconds; the stored int32 is days.
  assert.deepEqual(dates.map((ms) => (ms as number) / 86_400_000), [0, -719162, 2932896, day('2024-02-29'), -1, day('2024-03-05')]);

  const noon = BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n;
  assert.deepEqual(oneColumn('dt', ['2024-01-02 03:04:05.123456', '2024-01-02T03:04:05', '2024-01-02', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999']), [
    noon + 123456n, noon, noon - (3n * 3600n + 4n * 60n + 5n) * 1_000_000n,
    -62135596800000000n, 253402300799999999n,
  ]);

  assert.deepEqual(oneColumn('t', ['00:00:00', '23:59:59.999999', '12:34:56.5', null]),
    [0n, 86399999999n, ((12n * 3600n + 34n * 60n + 56n) * 1_000_000n) + 500000n, null]);

  const expected = noon + 123456n;
  const timestamps = oneColumn('ts', [
    '2024-01-02T03:04:05.123456Z', '2024-01-02 03:04:05.123456 UTC', '2024-01-02 04:34:05.123456+01:30',
    '2024-01-01T22:04:05.123456-05:00', '2024-01-02 03:04:05.123456', 1704164645.123456,
  ]);
  assert.deepEqual(timestamps, Array(6).fill(expected));
  assert.deepEqual(oneColumn('ts', [0, -1.5, '1969-12-31T23:59:59.999999Z']), [0n, -1_500_000n, -1n]);
});

test('NDJSON RECORD and REPEATED: missing and null fields, null records, empty arrays', () => {
  const fields: BqField[] = [
    { name: 'id', type: 'INT64', mode: 'REQUIRED' },
    {
      name: 'rec', type: 'RECORD', fields: [
        { name: 'a', type: 'INT64', mode: 'REQUIRED' },
        { name: 'inner', type: 'RECORD', fields: [{ name: 'ts', type: 'TIMESTAMP' }] },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      ],
    },
    { name: 'nums', type: 'INT64', mode: 'REPEATED' },
    { name: 'kv', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'k', type: 'STRING', mode: 'REQUIRED' }, { name: 'v', type: 'FLOAT64' }] },
  ];
  const text = [
    '{"id": 1, "rec": {"a": 5, "inner": {"ts": "1970-01-01T00:00:00.000001Z"}, "tags": ["x", "y"]}, "nums": [1, "2"], "kv": [{"k": "p", "v": 0.5}, {"k": "q"}]}',
    '',
    '{"id": 2, "rec": null, "nums": null}',
    '{"id": 3, "rec": {"a": "6", "inner": null}}',
  ].join('\r\n');
  const table = tableFromNdjson(text, fields);
  assert.deepEqual(exactRows(table), [
    { id: 1n, rec: { a: 5n, inner: { ts: 1n }, tags: ['x', 'y'] }, nums: [1n, 2n], kv: [{ k: 'p', v: 0.5 }, { k: 'q', v: null }] },
    { id: 2n, rec: null, nums: [], kv: [] },
    { id: 3n, rec: { a: 6n, inner: null, tags: [] }, nums: [], kv: [] },
  ]);
  const rec = table.batches[0]!.data.children[1]!;
  assert.equal(rec.nullCount, 1);
  assert.equal(rec.children[1]!.nullCount, 2, 'inner is NULL under the NULL record and where null');
  assert.equal(table.batches[0]!.data.children[2]!.nullCount, 0, 'REPEATED columns have no NULLs');
});

test('NDJSON errors name the line and the field', () => {
  const fields: BqField[] = [
    { name: 'id', type: 'INT64', mode: 'REQUIRED' },
    { name: 'n', type: 'NUMERIC' },
    { name: 'd', type: 'DATE' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'b', type: 'BYTES' },
    { name: 'rec', type: 'RECORD', fields: [{ name: 'inner', type: 'RECORD', fields: [{ name: 'x', type: 'FLOAT64' }] }] },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  ];
  const bad = (secondLine: string, message: RegExp) =>
    throwsWith(() => tableFromNdjson(`{"id": 1}\n${secondLine}`, fields), NdjsonError, message);
  bad('{"n": "1"}', /^line 2: field id: missing REQUIRED field$/);
  bad('{"id": null}', /^line 2: field id: REQUIRED field is null$/);
  bad('{"id": "1.5"}', /^line 2: field id: expected an integer, got "1.5"$/);
  bad('{"id": 1152921504606846976}', /^line 2: field id: integer .* lost precision .*write it as a string$/);
  bad('{"id": "9223372036854775808"}', /^line 2: field id: 9223372036854775808 is out of INT64 range$/);
  bad(`{"id": 2, "n": "1${'0'.repeat(29)}"}`, /^line 2: field n: 10+ is out of NUMERIC range \(at most 29 integer digits\)$/);
  bad('{"id": 2, "n": "1.2.3"}', /^line 2: field n: expected a NUMERIC, got "1.2.3"$/);
  bad('{"id": 2, "d": "2023-02-29"}', /^line 2: field d: invalid date in "2023-02-29"$/);
  bad('{"id": 2, "d": "2023/01/01"}', /^line 2: field d: expected a DATE as YYYY-MM-DD/);
  bad('{"id": 2, "ts": "2024-01-01 00:00:00.1234567"}', /^line 2: field ts: more than 6 fractional second digits/);
  bad('{"id": 2, "ts": -62135596801}', /^line 2: field ts: .* outside the TIMESTAMP range/);
  bad('{"id": 2, "b": "not base64!"}', /^line 2: field b: expected base64 BYTES/);
  bad('{"id": 2, "rec": {"inner": {"x": "abc"}}}', /^line 2: field rec\.inner\.x: expected a FLOAT64, got "abc"$/);
  bad('{"id": 2, "rec": {"inner": {"y": 1}}}', /^line 2: field rec\.inner\.y: not in the schema$/);
  bad('{"id": 2, "rec": [1]}', /^line 2: field rec: expected a JSON object \(RECORD\), got an array$/);
  bad('{"id": 2, "tags": "a"}', /^line 2: field tags: expected an array \(REPEATED\), got string "a"$/);
  bad('{"id": 2, "tags": ["a", null]}', /^line 2: field tags: array element 1 is null/);
  bad('{"id": 2, "tags": [1]}', /^line 2: field tags: expected a STRING string, got number 1$/);
  bad('{"id": 2,', /^line 2: invalid JSON/);
  bad('[1, 2]', /^line 2: expected a JSON object, got an array$/);
});

test('NDJSON rows are cut into record batches of batchRows', () => {
  const text = Array.from({ length: 5 }, (_, i) => JSON.stringify({ i: String(i), s: `r${i}` })).join('\n');
  const table = tableFromNdjson(text, ALL_TYPES, { batchRows: 2 });
  assert.deepEqual(table.batches.map((b) => b.numRows), [2, 2, 1]);
  assert.deepEqual(columnValues(table, 'i'), [0n, 1n, 2n, 3n, 4n]);
  assert.deepEqual(columnValues(table, 's'), ['r0', 'r1', 'r2', 'r3', 'r4']);
  assert.equal(tableFromNdjson('\n\n', ALL_TYPES).numRows, 0);
  assert.throws(() => tableFromNdjson(text, ALL_TYPES, { batchRows: 0 }), RangeError);
});

test('loadNdjsonTable reads the schema file and data file and names them in errors', () => {
  withTempDir((dir) => {
    const schemaPath = join(dir, 'schema.json');
    const dataPath = join(dir, 'data.ndjson');
    writeFileSync(schemaPath, JSON.stringify({ schema: { fields: [{ name: 'x', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'j', type: 'JSON' }] } }));
    writeFileSync(dataPath, '{"x": 1, "j": {"k": null}}\n{"x": "2"}\n');
    const table = loadNdjsonTable(dataPath, schemaPath);
    assert.deepEqual(exactRows(table), [{ x: 1n, j: '{"k":null}' }, { x: 2n, j: null }]);
    assert.equal(table.schema.fields[1]!.metadata.get('ARROW:extension:name'), 'google:sqlType:json');

    writeFileSync(dataPath, '{"x": 1}\n{"j": 1}\n');
    throwsWith(() => loadNdjsonTable(dataPath, schemaPath), NdjsonError, new RegExp(`^${escape(dataPath)}: line 2: field x: missing REQUIRED field$`));
    writeFileSync(schemaPath, '[{"name": "x", "type": "NUMBER"}]');
    throwsWith(() => loadNdjsonTable(dataPath, schemaPath), SchemaError, new RegExp(`^${escape(schemaPath)}: field x: unknown type "NUMBER"$`));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- Arrow IPC ------------------------------------------------------------------------------

test('loadArrowIpcTable loads both the file and the stream format with schema and values as written', () => {
  const table = generateDemoTable({ rows: 150, seed: 3, batchRows: 64 });
  withTempDir((dir) => {
    for (const format of ['file', 'stream'] as const) {
      const path = join(dir, `demo.${format}.arrow`);
      writeFileSync(path, arrow.tableToIPC(table, format));
      const loaded = loadArrowIpcTable(path);
      assert.equal(loaded.numRows, 150, format);
      assert.deepEqual(loaded.schema.fields.map((f) => [f.name, String(f.type), f.nullable, Object.fromEntries(f.metadata)]),
        table.schema.fields.map((f) => [f.name, String(f.type), f.nullable, Object.fromEntries(f.metadata)]), format);
      assert.deepEqual(exactRows(loaded), exactRows(table), format);
    }
  });
});

test('loadArrowIpcTable rejects a file that is not Arrow, naming it', () => {
  withTempDir((dir) => {
    const path = join(dir, 'rows.ndjson');
    writeFileSync(path, '{"a": 1}\n{"a": 2}\n');
    throwsWith(() => loadArrowIpcTable(path), ArrowIpcError, new RegExp(`^${escape(path)}: not an Arrow IPC file or stream`));
    const empty = join(dir, 'empty.arrow');
    writeFileSync(empty, '');
    throwsWith(() => loadArrowIpcTable(empty), ArrowIpcError, new RegExp(`^${escape(empty)}: not an Arrow IPC`));
    const truncated = join(dir, 'truncated.arrow');
    writeFileSync(truncated, arrow.tableToIPC(generateDemoTable({ rows: 10 }), 'file').subarray(0, 200));
    throwsWith(() => loadArrowIpcTable(truncated), ArrowIpcError, new RegExp(`^${escape(truncated)}: `));
  });
});

// ---- demo -----------------------------------------------------------------------------------

test('demo table has the schema of DEMO_FIELDS, covering every BigQuery type', () => {
  const table = generateDemoTable({ rows: 10 });
  assert.deepEqual(table.schema.fields.map(String), bqSchemaToArrow(DEMO_FIELDS).fields.map(String));
  const types = new Set<string>();
  const collect = (fields: BqField[]) => fields.forEach((f) => {
    types.add(f.type);
    if (f.mode === 'REPEATED') types.add(`REPEATED ${f.type}`);
    if (f.fields) collect(f.fields);
  });
  collect(DEMO_FIELDS);
  for (const type of ['INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'STRING', 'BYTES', 'BOOL', 'DATE', 'DATETIME', 'TIME',
    'TIMESTAMP', 'GEOGRAPHY', 'JSON', 'INTERVAL', 'RANGE', 'RECORD', 'REPEATED INT64', 'REPEATED STRING', 'REPEATED RECORD']) {
    assert.ok(types.has(type), `demo lacks ${type}`);
  }
  const rec = DEMO_FIELDS.find((f) => f.name === 'rec')!;
  assert.ok(rec.fields!.some((f) => f.type === 'RECORD') && rec.fields!.some((f) => f.mode === 'REPEATED'));
});

test('demo table is deterministic for a seed, whatever batchRows, and ids are 0..n-1', () => {
  const rows = 1500;
  const a = generateDemoTable({ rows, seed: 42, batchRows: 97 });
  const b = generateDemoTable({ rows, seed: 42, batchRows: 1000 });
  const c = generateDemoTable({ rows, seed: 42, batchRows: 97 });
  assert.deepEqual(a.batches.map((batch) => batch.numRows), [...Array<number>(15).fill(97), 45]);
  const rowsA = exactRows(a);
  assert.deepEqual(exactRows(b), rowsA);
  assert.deepEqual(exactRows(c), rowsA);
  assert.notDeepEqual(exactRows(generateDemoTable({ rows, seed: 43, batchRows: 97 })), rowsA);
  assert.deepEqual(columnValues(a, 'id'), Array.from({ length: rows }, (_, i) => BigInt(i)));
  assert.equal(generateDemoTable({ rows: 0 }).numRows, 0);
});

test('demo table has NULLs in every NULLABLE column and none elsewhere, and extreme values', () => {
  const rows = 3000;
  const table = generateDemoTable({ rows, seed: 9 });
  const [batch] = table.batches;
  const check = (field: arrow.Field, data: arrow.Data, path: string) => {
    if (field.nullable) {
      assert.ok(data.nullCount > 0.05 * data.length && data.nullCount < 0.3 * data.length, `${path}: ${data.nullCount} nulls of ${data.length}`);
    } else {
      assert.equal(data.nullCount, 0, path);
    }
    childFields(field.type as arrow.DataType).forEach((childField, k) => check(childField, data.children[k]!, `${path}.${childField.name}`));
  };
  table.schema.fields.forEach((field, k) => check(field, batch!.data.children[k]!, field.name));

  const maxAt = (name: string, special: number, expected: bigint) => {
    const values = columnValues(table, name);
    const hits = values.filter((v, i) => i % 1000 === special && v !== null);
    assert.ok(hits.length > 0, `${name}: no non-null row ${special} mod 1000`);
    for (const v of hits) assert.equal(typeof v === 'bigint' ? v : wordsToBigInt(v), expected, name);
  };
  maxAt('f_numeric', 11, 10n ** 38n - 1n);
  maxAt('f_numeric', 12, -(10n ** 38n - 1n));
  maxAt('f_bignumeric', 11, 2n ** 255n - 1n);
  maxAt('f_bignumeric', 12, -(2n ** 255n));
  maxAt('f_datetime', 15, -62135596800000000n);
  maxAt('f_timestamp', 20, 253402300799999999n);
  assert.deepEqual(columnValues(table, 'r_int64')[1021], [-(2n ** 63n), 2n ** 63n - 1n]);
  const floats = columnValues(table, 'f_float64');
  assert.ok(floats.some((v) => Number.isNaN(v)) && floats.includes(Infinity) && floats.includes(-Infinity));
});

test('every value of the demo table\'s JSON column is valid JSON', () => {
  const values = columnValues(generateDemoTable({ rows: 3000, seed: 9 }), 'f_json').filter((v) => v !== null) as string[];
  assert.ok(values.length > 2000);
  const invalid = values.filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(invalid, []);
});

test('demo table survives an Arrow IPC round trip with the same values and field metadata', () => {
  const table = generateDemoTable({ rows: 400, seed: 5, batchRows: 128 });
  const read = arrow.tableFromIPC(arrow.tableToIPC(table, 'stream'));
  assert.deepEqual(exactRows(read), exactRows(table));
  const geography = read.schema.fields.find((f) => f.name === 'f_geography')!;
  assert.equal(geography.metadata.get('ARROW:extension:metadata'), '{"encoding": "WKT"}');
  assert.deepEqual(read.batches.map((b) => b.numRows), [128, 128, 128, 16]);
});
