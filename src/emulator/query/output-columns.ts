// A SELECT item's values for the chosen rows of one record batch, as Arrow Data of the Storage
// Read API's type for it: a column (top level or a STRUCT's field), a constant (a literal or a
// parameter, in the NDJSON loader's exact types), or a condition (BOOL).
import * as arrow from 'apache-arrow';
import { takeColumn } from '../../arrow/take.js';
import { childFields, schemaFields } from '../../arrow/child-fields.js';
import { bindColumn } from '../row-restriction/columns.js';
import { compilePredicate } from '../row-restriction/evaluate.js';
import type { ColumnRef, Predicate } from '../row-restriction/ir.js';
import { NULL, TRUE } from '../row-restriction/readers.js';

export interface OutputColumn {
  readonly field: arrow.Field<arrow.DataType>;
  /** Values at `rows` of `batch` (every row, in order, when undefined). */
  values(batch: arrow.RecordBatch, rows: Int32Array | undefined): arrow.Data;
}

const allRows = (count: number) => Int32Array.from({ length: count }, (_, i) => i);

/**
 * A schema column, or a field of a STRUCT column: NULL where the STRUCT is, or for a REPEATED field
 * an empty array, as BigQuery has no NULL arrays (a REPEATED column stays a non-nullable List).
 */
export function columnOutput(name: string, column: ColumnRef, schema: arrow.Schema): OutputColumn {
  let source: arrow.Field<arrow.DataType> = schemaFields(schema)[column.indices[0]!]!;
  for (const index of column.indices.slice(1)) source = childFields(source.type)[index]!;
  const nested = column.indices.length > 1;
  const repeated = arrow.DataType.isList(source.type);
  const field = new arrow.Field(name, source.type, (nested && !repeated) || source.nullable, source.metadata);
  return {
    field,
    values(batch, rows) {
      if (!nested) {
        const data = batch.data.children[column.indices[0]!]!;
        return rows ? takeColumn(data, rows) : data;
      }
      const bound = bindColumn(batch, column);
      const chosen = rows ?? allRows(batch.numRows);
      const taken = takeColumn(bound.data, chosen);
      if (repeated) return emptyWhere(taken, (j) => bound.isNull(chosen[j]!));
      // The leaf's own validity misses a NULL enclosing STRUCT: rebuild it from the whole path.
      const bitmap = new Uint8Array((chosen.length + 7) >> 3);
      let nulls = 0;
      for (let j = 0; j < chosen.length; j++) {
        if (bound.isNull(chosen[j]!)) nulls++;
        else bitmap[j >> 3]! |= 1 << (j & 7);
      }
      return new arrow.Data(taken.type, 0, taken.length, nulls, [taken.valueOffsets, taken.values, nulls ? bitmap : undefined], taken.children);
    },
  };
}

/** A List whose rows `isNull` picks are empty (their items dropped); compact at offset 0 in and out. */
function emptyWhere(list: arrow.Data, isNull: (row: number) => boolean): arrow.Data {
  const offsets = list.valueOffsets as Int32Array;
  const kept = new Int32Array(list.length + 1);
  const items: number[] = [];
  for (let j = 0; j < list.length; j++) {
    if (!isNull(j)) for (let k = offsets[j]!; k < offsets[j + 1]!; k++) items.push(k);
    kept[j + 1] = items.length;
  }
  return new arrow.Data(list.type, 0, list.length, 0, [kept, undefined, undefined], [takeColumn(list.children[0]!, Int32Array.from(items))]);
}

/** The same value on every row: `data` is one row of it. */
export function constantOutput(field: arrow.Field<arrow.DataType>, data: arrow.Data): OutputColumn {
  return { field, values: (batch, rows) => takeColumn(data, new Int32Array(rows?.length ?? batch.numRows)) };
}

/** A condition's outcome per row: TRUE, FALSE or NULL. */
export function conditionOutput(name: string, predicate: Predicate): OutputColumn {
  const compiled = compilePredicate(predicate);
  return {
    field: new arrow.Field(name, new arrow.Bool(), true),
    values(batch, rows) {
      const test = compiled(batch);
      const chosen = rows ?? allRows(batch.numRows);
      const length = chosen.length;
      const values = new Uint8Array((length + 7) >> 3);
      const validity = new Uint8Array((length + 7) >> 3);
      let nulls = 0;
      for (let j = 0; j < length; j++) {
        const truth = test(chosen[j]!);
        if (truth === NULL) {
          nulls++;
          continue;
        }
        validity[j >> 3]! |= 1 << (j & 7);
        if (truth === TRUE) values[j >> 3]! |= 1 << (j & 7);
      }
      return arrow.makeData({ type: new arrow.Bool(), length, nullCount: nulls, nullBitmap: nulls ? validity : null, data: values });
    },
  };
}
