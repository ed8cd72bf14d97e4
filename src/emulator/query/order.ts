// ORDER BY over one batch: a permutation of its rows by the key columns, with BigQuery's order
// of values (NULL, then NaN, then numbers for FLOAT64, -0 equal to 0; strings by code point, i.e.
// UTF-8 bytes) and its default NULL placement (first ascending, last descending), as GoogleSQL's
// data types page states under "Ordering NULLs" and "Ordering floating points"
// (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types).
import * as arrow from 'apache-arrow';
import { decimalFromWords } from '../../decimal-text.js';

export interface SortKey {
  readonly data: arrow.Data;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

type Value = number | bigint | Uint8Array;
type Compare = (a: number, b: number) => number;

/** Row indices of the batch in key order; ties keep their order (the sort is stable). */
export function sortedRows(rowCount: number, keys: readonly SortKey[]): Int32Array {
  const compares = keys.map(keyCompare);
  const rows = Array.from({ length: rowCount }, (_, i) => i);
  rows.sort((a, b) => {
    for (const compare of compares) {
      const order = compare(a, b);
      if (order !== 0) return order;
    }
    return 0;
  });
  return Int32Array.from(rows);
}

function keyCompare(key: SortKey): Compare {
  const { data, descending, nullsFirst } = key;
  const value = valueReader(data);
  const isNull = (row: number) => data.nullCount > 0 && (data.nullBitmap[(data.offset + row) >> 3]! & (1 << ((data.offset + row) & 7))) === 0;
  const direction = descending ? -1 : 1;
  return (a, b) => {
    const aNull = isNull(a);
    const bNull = isNull(b);
    if (aNull || bNull) return aNull === bNull ? 0 : (aNull ? -1 : 1) * (nullsFirst ? 1 : -1);
    return direction * compareValues(value(a), value(b));
  };
}

function compareValues(a: Value, b: Value): number {
  if (a instanceof Uint8Array) return Buffer.compare(a, b as Uint8Array);
  if (typeof a === 'number' && (Number.isNaN(a) || Number.isNaN(b))) {
    // BigQuery orders NaN below every other FLOAT64.
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
  }
  const y = b as number | bigint;
  return a < y ? -1 : a > y ? 1 : 0;
}

function valueReader(data: arrow.Data): (row: number) => Value {
  const type = data.type;
  if (arrow.DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    return (row) => (bits[(data.offset + row) >> 3]! >> ((data.offset + row) & 7)) & 1;
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    return (row) => bytes.subarray(offsets[row], offsets[row + 1]);
  }
  if (arrow.DataType.isDecimal(type)) {
    const words = data.values as Uint32Array;
    const width = type.bitWidth / 32;
    return (row) => decimalFromWords(words, row * width, width);
  }
  const values = data.values as Float64Array | Int32Array | BigInt64Array;
  return (row) => values[row]!;
}
