// What common Parquet readers make of bqread's Parquet files. polars rebuilds Arrow extension types
// from the Arrow schema arrow-rs embeds in the file, so the Read API's extension names made it
// refuse DATETIME, GEOGRAPHY and JSON columns; DuckDB reads the Parquet schema alone; hyparquet
// shows that schema's logical types as written; parquet-wasm is bqread's own way back to Arrow.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataType, tableFromIPC, type Field, type Table } from 'apache-arrow';
import { parquetMetadata, parquetSchema, type SchemaTree } from 'hyparquet';
import pl from 'nodejs-polars';
import * as parquet from 'parquet-wasm';
import { childFields } from '../../src/arrow/child-fields.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { writeParquet } from '../../src/sinks/write-batches.js';
import { exportText } from '../helpers/bigquery-export.js';
import { canonicalRows, type Canonical } from '../helpers/canonical.js';

let dir: string;
let duckdb: DuckDBInstance;
let sql: DuckDBConnection;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-parquet-readers-'));
  duckdb = await DuckDBInstance.create(':memory:');
  sql = await duckdb.connect();
});
after(() => {
  sql.closeSync();
  duckdb.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 'dt', type: 'DATETIME' },
  { name: 'geo', type: 'GEOGRAPHY' },
  { name: 'js', type: 'JSON' },
  { name: 'iv', type: 'INTERVAL' },
  { name: 'r_geo', type: 'GEOGRAPHY', mode: 'REPEATED' },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'dt', type: 'DATETIME' }, { name: 'js', type: 'JSON' }] },
];

const ROWS = [
  {
    id: 0, dt: '2026-01-02T03:04:05.250001', geo: 'POINT(1 2)', js: { a: [1, 'ü'] }, iv: '1-2 3 4:5:6.789',
    r_geo: ['POINT(0 0)', 'LINESTRING(0 0, 1 1)'], rec: { dt: '0001-01-01T00:00:00', js: 'text' },
  },
  { id: 1, dt: null, geo: null, js: null, iv: null, r_geo: [], rec: null },
  {
    id: 2, dt: '9999-12-31T23:59:59.999999', geo: 'POLYGON((0 0, 1 0, 1 1, 0 0))', js: [], iv: '-10000-0 -3660000 -2562047:0:0',
    r_geo: ['POINT(-1.5 2.5)'], rec: { dt: null, js: null },
  },
];

const CASES: Record<string, Table> = {
  'values': tableFromNdjson(ROWS.map((row) => JSON.stringify(row)).join('\n'), FIELDS),
  'all NULL': tableFromNdjson(ROWS.map((_, id) => JSON.stringify({ id, r_geo: [] })).join('\n'), FIELDS),
  'no rows': tableFromNdjson('', FIELDS),
};

async function parquetFile(table: Table, name: string): Promise<string> {
  const file = path.join(dir, `${name.replace(/\W/g, '-')}.parquet`);
  await writeParquet(table, file);
  return file;
}

// ---- polars -------------------------------------------------------------------------------

const dtypes = (df: pl.DataFrame) => Object.fromEntries(Object.entries(df.schema as Record<string, pl.DataType>).map(([name, type]) => [name, String(type)]));

/**
 * A polars type that `field`'s values reach JavaScript in exactly: 64-bit integers and
 * timestamps as text (polars hands them over as doubles, timestamps as Dates), times as
 * nanoseconds, dates as days, decimals as their full-scale text. Temporal types go through Int64
 * first (`final` false), since polars casts them to text as formatted dates.
 */
function exactType(field: Field, final: boolean): pl.DataType {
  const type = field.type as DataType;
  if (DataType.isList(type)) return pl.List(exactType(type.children[0]!, final));
  if (DataType.isStruct(type)) return pl.Struct(Object.fromEntries(type.children.map((c) => [c.name, exactType(c, final)])));
  if (DataType.isInt(type) || DataType.isTimestamp(type) || DataType.isTime(type)) return final ? pl.Utf8 : pl.Int64;
  if (DataType.isDate(type)) return pl.Int32;
  if (DataType.isFloat(type)) return pl.Float64;
  if (DataType.isBool(type)) return pl.Bool;
  return pl.Utf8;
}

function polarsRows(file: string, fields: readonly Field[]): unknown[] {
  const df = pl.readParquet(file, { columns: fields.map((f) => f.name) });
  return df
    .select(...fields.map((f) => pl.col(f.name).cast(exactType(f, false))))
    .select(...fields.map((f) => pl.col(f.name).cast(exactType(f, true))))
    .toRecords();
}

/** What `exactType` makes of a canonical value of `field` (INTERVAL as its text, as Parquet holds it). */
function polarsValue(field: Field, value: Canonical): unknown {
  const type = field.type as DataType;
  if (value === null) return null;
  if (DataType.isList(type)) return (value as Canonical[]).map((item) => polarsValue(type.children[0]!, item));
  if (DataType.isStruct(type)) {
    return Object.fromEntries(type.children.map((c) => [c.name, polarsValue(c, (value as Record<string, Canonical>)[c.name]!)]));
  }
  if (DataType.isDecimal(type)) {
    const [whole, fraction = ''] = exportText(field, value).split('.');
    return `${whole}.${fraction.padEnd(type.scale, '0')}`;
  }
  if (DataType.isTime(type)) return String(BigInt(value as string) * 1000n);
  if (DataType.isFloat(type)) return Number(value);
  if (DataType.isInterval(type)) return exportText(field, value);
  return value;
}

function expectedRows(table: Table, fields: readonly Field[], rows: number): unknown[] {
  return canonicalRows(table).slice(0, rows).map((row) =>
    Object.fromEntries(fields.map((f) => [f.name, polarsValue(f, (row as Record<string, Canonical>)[f.name]!)])));
}

const SMALL_DTYPES = {
  id: 'DataType(Int64)',
  dt: 'DataType(Datetime(us,))',
  geo: 'DataType(String)',
  js: 'DataType(String)',
  iv: 'DataType(String)',
  r_geo: 'DataType(List(DataType(String)))',
  rec: 'DataType(Struct(Field("dt", DataType(Datetime(us,))),Field("js", DataType(String))))',
};

test('polars opens DATETIME as a Datetime without time zone, GEOGRAPHY, JSON and INTERVAL as String, with every value', async () => {
  const files: Record<string, string> = {};
  for (const [name, table] of Object.entries(CASES)) {
    const file = (files[name] = await parquetFile(table, name));
    const df = pl.readParquet(file);
    assert.deepEqual(dtypes(df), SMALL_DTYPES, name);
    assert.equal(df.height, table.numRows, name);
    assert.deepEqual(polarsRows(file, table.schema.fields), expectedRows(table, table.schema.fields, table.numRows), name);
  }
  // As polars hands them over unconverted.
  const [first, , last] = pl.readParquet(files.values!).toRecords();
  assert.equal(first!.geo, 'POINT(1 2)');
  assert.equal(first!.js, '{"a":[1,"ü"]}');
  assert.equal(first!.iv, '1-2 3 4:5:6.789');
  assert.deepEqual(last!.r_geo, ['POINT(-1.5 2.5)']);
});

// ---- the file itself ----------------------------------------------------------------------

function logicalText(element: SchemaTree['element']): string {
  const logical = element.logical_type;
  if (!logical) return '';
  if (logical.type === 'TIMESTAMP') return ` TIMESTAMP(${logical.unit}, ${logical.isAdjustedToUTC ? 'UTC' : 'local'})`;
  if (logical.type === 'TIME') return ` TIME(${logical.unit})`;
  if (logical.type === 'DECIMAL') return ` DECIMAL(${logical.precision},${logical.scale})`;
  return ` ${logical.type}`;
}

/** Each leaf column of the file by its path (LIST's `list.item` levels left out), as physical type and logical type. */
function parquetLeaves(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const leaves: Record<string, string> = {};
  const walk = (node: SchemaTree, at: string[]): void => {
    const named = ['list', 'item'].includes(node.element.name) ? at : [...at, node.element.name];
    if (node.children.length === 0) leaves[named.join('.')] = `${node.element.type}${logicalText(node.element)}`;
    for (const child of node.children) walk(child, named);
  };
  for (const child of parquetSchema(metadata).children) walk(child, []);
  assert.deepEqual(metadata.key_value_metadata?.map((kv) => kv.key), ['ARROW:schema']);
  return leaves;
}

test('Parquet\'s own types: DATETIME a local TIMESTAMP(MICROS), GEOGRAPHY, JSON and INTERVAL STRING; BigQuery\'s names kept as field metadata', async () => {
  const table = CASES.values!;
  const file = await parquetFile(table, 'values');
  assert.deepEqual(parquetLeaves(file), {
    'id': 'INT64',
    'dt': 'INT64 TIMESTAMP(MICROS, local)',
    'geo': 'BYTE_ARRAY STRING',
    'js': 'BYTE_ARRAY STRING',
    'iv': 'BYTE_ARRAY STRING',
    'r_geo': 'BYTE_ARRAY STRING',
    'rec.dt': 'INT64 TIMESTAMP(MICROS, local)',
    'rec.js': 'BYTE_ARRAY STRING',
  });
  // Read back by bqread's own means, the embedded Arrow schema names no extension type.
  const back = tableFromIPC(parquet.readParquet(readFileSync(file)).intoIPCStream());
  const metadataOf = (field: Field) => Object.fromEntries(field.metadata);
  const [, dt, geo, js, iv, rGeo, rec] = back.schema.fields;
  assert.deepEqual(metadataOf(dt!), { 'bigquery:type': 'DATETIME' });
  assert.deepEqual(metadataOf(geo!), { 'bigquery:type': 'GEOGRAPHY' });
  assert.deepEqual(metadataOf(js!), { 'bigquery:type': 'JSON' });
  assert.deepEqual(metadataOf(iv!), { 'bigquery:type': 'INTERVAL' });
  assert.deepEqual(metadataOf(childFields(rGeo!.type as DataType)[0]!), { 'bigquery:type': 'GEOGRAPHY' });
  assert.deepEqual(childFields(rec!.type as DataType).map(metadataOf), [{ 'bigquery:type': 'DATETIME' }, { 'bigquery:type': 'JSON' }]);
  const interval = table.schema.fields.find((f) => f.name === 'iv')!;
  assert.deepEqual(canonicalRows(back), canonicalRows(table).map((row) => {
    const r = row as Record<string, Canonical>;
    return { ...r, iv: r.iv === null ? null : exportText(interval, r.iv!) };
  }));
});

// ---- DuckDB -------------------------------------------------------------------------------

async function duckTypes(file: string): Promise<Record<string, string>> {
  const described = await sql.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  return Object.fromEntries(described.getRowObjectsJson().map((row) => [row.column_name as string, row.column_type as string]));
}

async function duckRows(query: string): Promise<unknown[]> {
  return (await sql.runAndReadAll(query)).getRowObjectsJson();
}

test('DuckDB reads DATETIME as TIMESTAMP and GEOGRAPHY, JSON and INTERVAL as VARCHAR, with every value', async () => {
  for (const [name, table] of Object.entries(CASES)) {
    const file = await parquetFile(table, name);
    assert.deepEqual(await duckTypes(file), {
      id: 'BIGINT', dt: 'TIMESTAMP', geo: 'VARCHAR', js: 'VARCHAR', iv: 'VARCHAR', r_geo: 'VARCHAR[]',
      rec: 'STRUCT(dt TIMESTAMP, js VARCHAR)',
    }, name);
    const rows = await duckRows(`SELECT epoch_us(dt)::VARCHAR AS dt, geo, js, iv, r_geo, epoch_us(rec.dt)::VARCHAR AS rec_dt, rec.js AS rec_js
      FROM read_parquet('${file}') ORDER BY id`);
    const expected = expectedRows(table, table.schema.fields, table.numRows).map((row) => {
      const { dt, geo, js, iv, r_geo, rec } = row as Record<string, unknown>;
      const inner = rec as Record<string, unknown> | null;
      return { dt, geo, js, iv, r_geo, rec_dt: inner?.dt ?? null, rec_js: inner?.js ?? null };
    });
    assert.deepEqual(rows, expected, name);
  }
});

// ---- the demo table: every BigQuery type --------------------------------------------------

// Rows 7 to 24 of the demo table hold the types' extreme values.
const DEMO_ROWS = 30;

test('the demo table (every BigQuery type) in polars: each column\'s type and values', async () => {
  const table = generateDemoTable({ rows: DEMO_ROWS, seed: 5 });
  const file = await parquetFile(table, 'demo');
  // polars' decimals stop at precision 38: BIGNUMERIC (76) is refused, alone or with the rest.
  assert.throws(() => pl.readParquet(file, { columns: ['f_bignumeric'] }), /precision must be between 1 and 38/);
  const readable = table.schema.fields.filter((f) => f.name !== 'f_bignumeric');
  const df = pl.readParquet(file, { columns: readable.map((f) => f.name) });
  // nodejs-polars cannot hand a Binary column to JavaScript, nor name its type; it reads it all the same.
  assert.equal(df.getColumn('f_bytes').nullCount(), canonicalRows(table).filter((r) => (r as Record<string, Canonical>).f_bytes === null).length);
  const shown = readable.filter((f) => f.name !== 'f_bytes');
  assert.deepEqual(dtypes(df.select(...shown.map((f) => f.name))), {
    id: 'DataType(Int64)',
    f_float64: 'DataType(Float64)',
    f_numeric: 'DataType(Decimal(38,9))',
    f_string: 'DataType(String)',
    f_bool: 'DataType(Bool)',
    f_date: 'DataType(Date)',
    f_datetime: 'DataType(Datetime(us,))',
    f_time: 'DataType(Time)',
    f_timestamp: 'DataType(Datetime(us,UTC))',
    f_geography: 'DataType(String)',
    f_json: 'DataType(String)',
    f_interval: 'DataType(String)',
    f_range_date: 'DataType(Struct(Field("start", DataType(Date)),Field("end", DataType(Date))))',
    f_range_datetime: 'DataType(Struct(Field("start", DataType(Datetime(us,))),Field("end", DataType(Datetime(us,)))))',
    f_range_timestamp: 'DataType(Struct(Field("start", DataType(Datetime(us,UTC))),Field("end", DataType(Datetime(us,UTC)))))',
    r_int64: 'DataType(List(DataType(Int64)))',
    r_string: 'DataType(List(DataType(String)))',
    rec: 'DataType(Struct(Field("a", DataType(Int64)),Field("b", DataType(String)),'
      + 'Field("inner", DataType(Struct(Field("x", DataType(Float64)),Field("d", DataType(Date))))),Field("tags", DataType(List(DataType(String))))))',
    r_rec: 'DataType(List(DataType(Struct(Field("k", DataType(String)),Field("v", DataType(Int64))))))',
  });
  assert.deepEqual(polarsRows(file, shown), expectedRows(table, shown, DEMO_ROWS));
});

test('the demo table in DuckDB and in the Parquet schema: what each BigQuery type becomes', async () => {
  const table = generateDemoTable({ rows: DEMO_ROWS, seed: 5 });
  const file = await parquetFile(table, 'demo');
  assert.deepEqual(parquetLeaves(file), {
    'id': 'INT64',
    'f_float64': 'DOUBLE',
    'f_numeric': 'FIXED_LEN_BYTE_ARRAY DECIMAL(38,9)',
    'f_bignumeric': 'FIXED_LEN_BYTE_ARRAY DECIMAL(76,38)',
    'f_string': 'BYTE_ARRAY STRING',
    'f_bytes': 'BYTE_ARRAY',
    'f_bool': 'BOOLEAN',
    'f_date': 'INT32 DATE',
    'f_datetime': 'INT64 TIMESTAMP(MICROS, local)',
    'f_time': 'INT64 TIME(MICROS)',
    'f_timestamp': 'INT64 TIMESTAMP(MICROS, UTC)',
    'f_geography': 'BYTE_ARRAY STRING',
    'f_json': 'BYTE_ARRAY STRING',
    'f_interval': 'BYTE_ARRAY STRING',
    'f_range_date.start': 'INT32 DATE',
    'f_range_date.end': 'INT32 DATE',
    'f_range_datetime.start': 'INT64 TIMESTAMP(MICROS, local)',
    'f_range_datetime.end': 'INT64 TIMESTAMP(MICROS, local)',
    'f_range_timestamp.start': 'INT64 TIMESTAMP(MICROS, UTC)',
    'f_range_timestamp.end': 'INT64 TIMESTAMP(MICROS, UTC)',
    'r_int64': 'INT64',
    'r_string': 'BYTE_ARRAY STRING',
    'rec.a': 'INT64',
    'rec.b': 'BYTE_ARRAY STRING',
    'rec.inner.x': 'DOUBLE',
    'rec.inner.d': 'INT32 DATE',
    'rec.tags': 'BYTE_ARRAY STRING',
    'r_rec.k': 'BYTE_ARRAY STRING',
    'r_rec.v': 'INT64',
  });
  // DuckDB's decimals stop at 38 digits too: it reads BIGNUMERIC as DOUBLE.
  assert.deepEqual(await duckTypes(file), {
    id: 'BIGINT', f_float64: 'DOUBLE', f_numeric: 'DECIMAL(38,9)', f_bignumeric: 'DOUBLE', f_string: 'VARCHAR',
    f_bytes: 'BLOB', f_bool: 'BOOLEAN', f_date: 'DATE', f_datetime: 'TIMESTAMP', f_time: 'TIME',
    f_timestamp: 'TIMESTAMP WITH TIME ZONE', f_geography: 'VARCHAR', f_json: 'VARCHAR', f_interval: 'VARCHAR',
    f_range_date: 'STRUCT("start" DATE, "end" DATE)',
    f_range_datetime: 'STRUCT("start" TIMESTAMP, "end" TIMESTAMP)',
    f_range_timestamp: 'STRUCT("start" TIMESTAMP WITH TIME ZONE, "end" TIMESTAMP WITH TIME ZONE)',
    r_int64: 'BIGINT[]', r_string: 'VARCHAR[]',
    rec: 'STRUCT(a BIGINT, b VARCHAR, "inner" STRUCT(x DOUBLE, d DATE), tags VARCHAR[])',
    r_rec: 'STRUCT(k VARCHAR, v BIGINT)[]',
  });
  const rows = await duckRows(`SELECT epoch_us(f_datetime)::VARCHAR AS f_datetime, f_geography, f_json, f_interval,
    lower(hex(f_bytes)) AS f_bytes FROM read_parquet('${file}') ORDER BY id`);
  const names = ['f_datetime', 'f_geography', 'f_json', 'f_interval', 'f_bytes'];
  const fields = names.map((name) => table.schema.fields.find((f) => f.name === name)!);
  assert.deepEqual(rows, expectedRows(table, fields, DEMO_ROWS));
});
