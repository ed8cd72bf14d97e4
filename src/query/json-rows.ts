// A query result's JSON rows (jobs.getQueryResults' `{f: [{v}]}`) as one Arrow RecordBatch with
// the schema the Storage Read API sends for the same columns (arrow-schema.ts). Data is laid out
// straight into typed arrays: arrow's builders would round microsecond timestamps to milliseconds.
import * as arrow from 'apache-arrow';
import { arrowSchema, canonicalType, decimalShape } from './arrow-schema.js';
import type { JsonCell, JsonRow, TableFieldSchema } from './rest-types.js';
import { parseDecimal, writeDecimalWords } from '../decimal-text.js';
import { parseIntervalText, writeIntervalParts } from '../interval-text.js';
import { dateDays, datetimeMicros, rangeBounds, timeMicros, timestampMicros } from './value-text.js';

/** Stands in for the cells of a NULL record's fields: NULL where nullable, a zero value where REQUIRED. */
const UNDER_NULL = Symbol('under a NULL record');
type Cell = JsonCell | typeof UNDER_NULL;

const absent = (cell: Cell): cell is null | typeof UNDER_NULL => cell === null || cell === UNDER_NULL;
const utf8 = new TextEncoder();

/** The rows as one record batch of the Storage Read API's Arrow schema for `fields`. */
export function batchFromJsonRows(fields: readonly TableFieldSchema[], rows: readonly JsonRow[]): arrow.RecordBatch {
  const schema = arrowSchema(fields);
  const struct = new arrow.Struct(schema.fields);
  const children = fields.map((f, k) => column(f, schema.fields[k]!.type as arrow.DataType, rows.map((row) => row.f[k]?.v ?? null)));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: struct, length: rows.length, nullCount: 0, children }));
}

function column(field: TableFieldSchema, type: arrow.DataType, cells: readonly Cell[]): arrow.Data {
  if ((field.mode ?? '').toUpperCase() !== 'REPEATED') return values(field, type, cells, (field.mode ?? '').toUpperCase() !== 'REQUIRED');
  const list = type as arrow.List;
  const offsets = new Int32Array(cells.length + 1);
  const items: Cell[] = [];
  cells.forEach((cell, i) => {
    // BigQuery has no NULL arrays: an absent one is empty.
    if (!absent(cell)) for (const item of cell as readonly { v: JsonCell }[]) items.push(item.v);
    offsets[i + 1] = items.length;
  });
  const child = values(field, list.children[0]!.type as arrow.DataType, items, false);
  return arrow.makeData({ type: list, length: cells.length, nullCount: 0, valueOffsets: offsets, child });
}

function values(field: TableFieldSchema, type: arrow.DataType, cells: readonly Cell[], nullable: boolean): arrow.Data {
  const n = cells.length;
  const validity = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  cells.forEach((cell, i) => {
    if (absent(cell) && nullable) nullCount++;
    else validity[i >> 3]! |= 1 << (i & 7);
  });
  const nulls = { nullCount, nullBitmap: nullCount > 0 ? validity : null };
  const each = (write: (text: string, i: number) => void) => cells.forEach((cell, i) => {
    if (!absent(cell)) write(cell as string, i);
  });

  switch (canonicalType(field)) {
    case 'INT64':
    case 'TIMESTAMP':
    case 'DATETIME':
    case 'TIME': {
      const parse = { INT64: BigInt, TIMESTAMP: timestampMicros, DATETIME: datetimeMicros, TIME: timeMicros }[canonicalType(field) as 'INT64'];
      const data = new BigInt64Array(n);
      each((text, i) => (data[i] = parse(text)));
      return arrow.makeData({ type: type as arrow.Int64, length: n, ...nulls, data });
    }
    case 'FLOAT64': {
      // BigQuery writes NaN, Infinity and -Infinity as Number() reads them.
      const data = new Float64Array(n);
      each((text, i) => (data[i] = Number(text)));
      return arrow.makeData({ type: type as arrow.Float64, length: n, ...nulls, data });
    }
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const { scale, bitWidth } = decimalShape(field);
      const words = bitWidth / 32;
      const data = new Uint32Array(n * words);
      each((text, i) => {
        writeDecimalWords(data, i * words, words, parseDecimal(text, scale) ?? fail(field, text));
      });
      return arrow.makeData({ type: type as arrow.Decimal, length: n, ...nulls, data });
    }
    case 'BOOL': {
      const data = new Uint8Array((n + 7) >> 3);
      each((text, i) => {
        if (text === 'true') data[i >> 3]! |= 1 << (i & 7);
      });
      return arrow.makeData({ type: type as arrow.Bool, length: n, ...nulls, data });
    }
    case 'DATE': {
      const data = new Int32Array(n);
      each((text, i) => (data[i] = dateDays(text)));
      return arrow.makeData({ type: type as arrow.DateDay, length: n, ...nulls, data });
    }
    case 'INTERVAL': {
      const data = new Int32Array(4 * n);
      each((text, i) => {
        const parts = parseIntervalText(text);
        if (typeof parts === 'string') fail(field, text);
        writeIntervalParts(data, i, parts);
      });
      return arrow.makeData({ type: type as arrow.IntervalMonthDayNano, length: n, ...nulls, data });
    }
    case 'BYTES': return variableWidth(type, cells, nulls, (text) => Buffer.from(text, 'base64'));
    case 'STRING':
    case 'GEOGRAPHY':
    case 'JSON': return variableWidth(type, cells, nulls, (text) => utf8.encode(text));
    case 'RANGE': {
      const starts: Cell[] = cells.map((cell) => (absent(cell) ? UNDER_NULL : null));
      const ends = [...starts];
      each((text, i) => ([starts[i], ends[i]] = rangeBounds(text)));
      const bound: TableFieldSchema = { name: 'bound', type: field.rangeElementType?.type ?? 'DATE' };
      const [start, end] = (type as arrow.Struct).children;
      return arrow.makeData({
        type: type as arrow.Struct, length: n, ...nulls,
        children: [values(bound, start!.type as arrow.DataType, starts, true), values(bound, end!.type as arrow.DataType, ends, true)],
      });
    }
    case 'RECORD': {
      const struct = type as arrow.Struct;
      const children = (field.fields ?? []).map((sub, k) => column(sub, struct.children[k]!.type as arrow.DataType,
        cells.map((cell) => (absent(cell) ? UNDER_NULL : (cell as JsonRow).f[k]?.v ?? null))));
      return arrow.makeData({ type: struct, length: n, ...nulls, children });
    }
    default: return fail(field, '(unknown type)');
  }
}

function variableWidth(type: arrow.DataType, cells: readonly Cell[], nulls: { nullCount: number; nullBitmap: Uint8Array | null }, encode: (text: string) => Uint8Array): arrow.Data {
  const chunks = cells.map((cell) => (absent(cell) ? undefined : encode(cell as string)));
  const valueOffsets = new Int32Array(cells.length + 1);
  chunks.forEach((chunk, i) => (valueOffsets[i + 1] = valueOffsets[i]! + (chunk?.byteLength ?? 0)));
  const data = new Uint8Array(valueOffsets[cells.length]!);
  chunks.forEach((chunk, i) => chunk && data.set(chunk, valueOffsets[i]));
  return arrow.makeData({ type: type as arrow.Utf8, length: cells.length, ...nulls, valueOffsets, data });
}

function fail(field: TableFieldSchema, text: string): never {
  throw new TypeError(`column ${field.name}: not a ${field.type} value: ${JSON.stringify(text)}`);
}
