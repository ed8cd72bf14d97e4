import { util, type Data, type RecordBatch } from 'apache-arrow';
import { BatchSchemaMismatchError } from './errors.js';
import type { ColumnRef } from './ir.js';

export type RowTest = (row: number) => boolean;
export const NEVER: RowTest = () => false;
export const ALWAYS: RowTest = () => true;

/**
 * A column of one record batch, ready to be read by row index (0 .. numRows-1).
 * arrow-js keeps `values` (fixed width) and `valueOffsets` (variable width) already sliced to the
 * batch's rows; only bit-packed buffers (validity bitmaps, BOOL values) are addressed with `offset`.
 */
export interface BoundColumn {
  readonly data: Data;
  /** True where the value, or any STRUCT that encloses it, is NULL. */
  readonly isNull: RowTest;
}

export function bindColumn(batch: RecordBatch, column: ColumnRef): BoundColumn {
  const levels: Data[] = [];
  let data: Data | undefined = batch.data;
  for (const index of column.indices) {
    data = data.children[index];
    if (!data) throw new BatchSchemaMismatchError(`Record batch has no column ${column.names.join('.')}`);
    levels.push(data);
  }
  if (!util.compareTypes(data.type, column.arrowType)) {
    throw new BatchSchemaMismatchError(
      `Column ${column.names.join('.')} is ${String(data.type)} in the record batch but ${String(column.arrowType)} in the schema`);
  }
  return { data, isNull: nullTest(levels) };
}

function nullTest(levels: readonly Data[]): RowTest {
  const nullable = levels.filter((level) => level.nullCount > 0);
  if (nullable.length === 0) return NEVER;
  if (nullable.length === 1) {
    const { nullBitmap, offset } = nullable[0]!;
    return (row) => {
      const bit = offset + row;
      return (nullBitmap[bit >> 3]! & (1 << (bit & 7))) === 0;
    };
  }
  const bitmaps = nullable.map((level) => level.nullBitmap);
  const offsets = nullable.map((level) => level.offset);
  return (row) => {
    for (let i = 0; i < bitmaps.length; i++) {
      const bit = offsets[i]! + row;
      if ((bitmaps[i]![bit >> 3]! & (1 << (bit & 7))) === 0) return true;
    }
    return false;
  };
}
