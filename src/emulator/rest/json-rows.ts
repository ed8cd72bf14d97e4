// Rows of an Arrow table in BigQuery's REST JSON (TableRow, TableCell): each row {"f": [{"v": ...}]},
// every scalar a string in the text BigQuery writes (INT64 and NUMERIC digits, FLOAT64 with NaN
// and Infinity, BOOL true/false, BYTES base64, DATE/TIME/DATETIME ISO text, GEOGRAPHY WKT, JSON
// its text, INTERVAL canonical), REPEATED an array of {"v"}, RECORD {"f": [...]}, NULL null;
// RANGE "[start, end)", each bound as its type's cell, UNBOUNDED where open (the text
// @google-cloud/bigquery's BigQueryRange.fromStringValue_ parses).
// TIMESTAMP is microseconds since the epoch as an integer string under formatOptions.useInt64Timestamp
// (which Google's clients ask for), else seconds as a floating-point string ("1.6E9").
// https://cloud.google.com/bigquery/docs/reference/rest/v2/DataFormatOptions
import { DataType, type Data, type Field, type Table } from 'apache-arrow';
import { bqTypeOf, repeatedItem } from '../../bq-type.js';
import { scalarPlanOf } from '../../sinks/values.js';
import { scalarTextOf } from '../../sinks/text/value-text.js';
import { isValid } from '../../sinks/text/column-data.js';
import { rangeElementTypeOf } from '../sources/bq-schema.js';

export interface JsonCell { readonly v: JsonValue }
export type JsonValue = string | null | readonly JsonCell[] | { readonly f: readonly JsonCell[] };
export interface JsonRow { readonly f: readonly JsonCell[] }

type CellOf = (data: Data, index: number) => JsonValue;

export interface RowFormat {
  /** formatOptions.useInt64Timestamp: TIMESTAMP as integer microseconds. */
  readonly int64Timestamp: boolean;
}

/** Rows start .. start + count - 1 of the table. */
export function jsonRows(table: Table, start: number, count: number, format: RowFormat): JsonRow[] {
  const cells = table.schema.fields.map((field) => cellOf(field, format));
  const rows: JsonRow[] = [];
  let first = 0;
  for (const batch of table.batches) {
    const end = first + batch.numRows;
    for (let row = Math.max(start, first); row < Math.min(end, start + count); row++) {
      const at = row - first;
      rows.push({ f: cells.map((cell, i) => ({ v: cell(batch.data.children[i]!, at) })) });
    }
    first = end;
    if (first >= start + count) break;
  }
  return rows;
}

function cellOf(field: Field, format: RowFormat): CellOf {
  const item = repeatedItem(field);
  if (item) {
    const itemCell = cellOf(item, format);
    return (data, i) => {
      if (!isValid(data, i)) return null;
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      const out: JsonCell[] = [];
      for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out.push({ v: itemCell(child, j) });
      return out;
    };
  }
  const type = field.type as DataType;
  if (rangeElementTypeOf(type)) {
    const [start, end] = type.children.map((bound) => cellOf(bound, format)) as [CellOf, CellOf];
    const text = (cell: CellOf, data: Data, i: number) => (cell(data, i) as string | null) ?? 'UNBOUNDED';
    return (data, i) => (isValid(data, i) ? `[${text(start, data.children[0]!, i)}, ${text(end, data.children[1]!, i)})` : null);
  }
  if (DataType.isStruct(type)) {
    const children = type.children.map((child) => cellOf(child, format));
    return (data, i) => (isValid(data, i) ? { f: children.map((child, k) => ({ v: child(data.children[k]!, i) })) } : null);
  }
  const text = bqTypeOf(field) === 'TIMESTAMP' && DataType.isTimestamp(type) ? timestampText(type.unit, format) : scalarTextOf(scalarPlanOf(field));
  return (data, i) => (isValid(data, i) ? text(data, i) : null);
}

/** Microseconds per unit of Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n];

function timestampText(unit: number, format: RowFormat): (data: Data, i: number) => string {
  const micros = (data: Data, i: number) => {
    const count = (data.values as BigInt64Array)[i]!;
    return unit === 3 ? count / 1000n : count * MICROS_PER_UNIT[unit]!;
  };
  if (format.int64Timestamp) return (data, i) => String(micros(data, i));
  return (data, i) => javaDouble(Number(micros(data, i)) / 1e6);
}

/** A double as Java's Double.toString writes it, which BigQuery's float TIMESTAMPs follow ("1.6094592E9"). */
function javaDouble(value: number): string {
  const magnitude = Math.abs(value);
  if (value === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) return Number.isInteger(value) ? `${value}.0` : String(value);
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
