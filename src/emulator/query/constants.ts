// A constant of the engine (a literal, a CAST of one) as a one-row Arrow column of its BigQuery
// type, built by the NDJSON loader so it has exactly the Storage Read API's Arrow form.
import type * as arrow from 'apache-arrow';
import { schemaFields } from '../../arrow/child-fields.js';
import { formatDate } from '../../sinks/text/value-text.js';
import type { BqField } from '../sources/bq-schema.js';
import { tableFromNdjson } from '../sources/ndjson.js';
import { splitMicros } from '../../temporal-text.js';
import { castValue, type SqlValue } from '../row-restriction/values.js';
import type { ScalarTypeName } from '../row-restriction/types.js';

/** A one-row Arrow column and its field (type, mode, metadata). */
export interface OneRowColumn {
  readonly field: arrow.Field<arrow.DataType>;
  readonly data: arrow.Data;
}

/** The column the NDJSON loader reads from one row holding `cell` under the field `bqField`. */
export function oneRowColumn(bqField: BqField, cell: unknown): OneRowColumn {
  const table = tableFromNdjson(JSON.stringify({ [bqField.name]: cell }), [bqField]);
  return { field: schemaFields(table.schema)[0]!, data: table.batches[0]!.data.children[0]! };
}

export function constantColumn(name: string, type: ScalarTypeName, value: SqlValue | null): OneRowColumn {
  const column = oneRowColumn({ name: 'v', type }, value === null ? null : cellOf(type, value));
  return { field: column.field.clone({ name }), data: column.data };
}

const pad = (n: bigint | number, width = 2) => String(n).padStart(width, '0');

/** HH:MM:SS.ffffff of microseconds since midnight. */
function timeText(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  return `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}.${pad(micros % 1_000_000n, 6)}`;
}

/** The NDJSON cell the loader reads back as this value. */
function cellOf(type: ScalarTypeName, value: SqlValue): unknown {
  switch (type) {
    case 'INT64': return String(value);
    case 'FLOAT64': return Number.isFinite(value) ? value : String(value);
    case 'NUMERIC':
    case 'BIGNUMERIC': return castValue(value, type, 'STRING');
    case 'BYTES': return Buffer.from(value as Uint8Array).toString('base64');
    case 'DATE': return formatDate(value as number);
    case 'TIME': return timeText(value as bigint);
    case 'DATETIME':
    case 'TIMESTAMP': {
      const { day, timeOfDay } = splitMicros(value as bigint);
      return `${formatDate(Number(day))}T${timeText(timeOfDay)}`;
    }
    default: return value;
  }
}
