// A query result's REST schema (TableSchema JSON) as the Arrow schema the Storage Read API sends
// for the same columns, so a small result turned into Arrow here and a large one read through a
// session have one schema. The forms are the Storage Read API's "Arrow schema details", as the
// emulator's sources/bq-schema.ts serves them and src/emulator/README.md cites them; the reader
// keeps its own copy of the mapping because the reader's entry loads no emulator code.
import * as arrow from 'apache-arrow';
import type { TableFieldSchema } from './rest-types.js';

const EXTENSION = 'ARROW:extension:name';
const EXTENSION_METADATA: Readonly<Record<string, readonly [string, string][]>> = {
  GEOGRAPHY: [[EXTENSION, 'google:sqlType:geography'], ['ARROW:extension:metadata', '{"encoding": "WKT"}']],
  JSON: [[EXTENSION, 'google:sqlType:json']],
  DATETIME: [[EXTENSION, 'google:sqlType:datetime']],
  INTERVAL: [[EXTENSION, 'google:sqlType:interval']],
};

const CANONICAL: Readonly<Record<string, string>> = {
  INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', DECIMAL: 'NUMERIC', BIGDECIMAL: 'BIGNUMERIC', STRUCT: 'RECORD',
};

/** The canonical name of a REST field's type (the REST API writes the legacy INTEGER, FLOAT, BOOLEAN). */
export const canonicalType = (field: TableFieldSchema): string => CANONICAL[field.type.toUpperCase()] ?? field.type.toUpperCase();

/** A NUMERIC / BIGNUMERIC column's Arrow precision and scale: the declared ones, else 38, 9 and 76, 38. */
export function decimalShape(field: TableFieldSchema): { precision: number; scale: number; bitWidth: 128 | 256 } {
  const bitWidth = canonicalType(field) === 'NUMERIC' ? 128 : 256;
  if (field.precision !== undefined) return { precision: Number(field.precision), scale: Number(field.scale ?? 0), bitWidth };
  return bitWidth === 128 ? { precision: 38, scale: 9, bitWidth } : { precision: 76, scale: 38, bitWidth };
}

/** Whether every column has an Arrow form this side builds; a picosecond TIMESTAMP's depends on the session's options. */
export function inlineable(fields: readonly TableFieldSchema[]): boolean {
  return fields.every((f) => Number(f.timestampPrecision ?? 6) !== 12 && inlineable(f.fields ?? []));
}

function valueType(field: TableFieldSchema): arrow.DataType {
  const type = canonicalType(field);
  switch (type) {
    case 'INT64': return new arrow.Int64();
    case 'FLOAT64': return new arrow.Float64();
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const { precision, scale, bitWidth } = decimalShape(field);
      return new arrow.Decimal(scale, precision, bitWidth);
    }
    case 'BOOL': return new arrow.Bool();
    case 'STRING':
    case 'GEOGRAPHY':
    case 'JSON': return new arrow.Utf8();
    case 'BYTES': return new arrow.Binary();
    case 'DATE': return new arrow.DateDay();
    case 'DATETIME': return new arrow.TimestampMicrosecond(null);
    case 'TIMESTAMP': return new arrow.TimestampMicrosecond('UTC');
    case 'TIME': return new arrow.TimeMicrosecond();
    case 'INTERVAL': return new arrow.IntervalMonthDayNano();
    case 'RANGE': {
      const bound = valueType({ name: 'bound', type: field.rangeElementType?.type ?? 'DATE' });
      return new arrow.Struct([new arrow.Field('start', bound, true), new arrow.Field('end', bound, true)]);
    }
    case 'RECORD': return new arrow.Struct((field.fields ?? []).map(arrowField));
    default: throw new TypeError(`column ${field.name}: unknown BigQuery type ${field.type}`);
  }
}

/** One column: REPEATED is a non-nullable List of non-nullable `item`s, which carry the extension metadata. */
function arrowField(field: TableFieldSchema): arrow.Field {
  const metadataEntries = EXTENSION_METADATA[canonicalType(field)];
  const metadata = metadataEntries ? new Map(metadataEntries) : null;
  const mode = (field.mode ?? 'NULLABLE').toUpperCase();
  if (mode === 'REPEATED') return new arrow.Field(field.name, new arrow.List(new arrow.Field('item', valueType(field), false, metadata)), false);
  return new arrow.Field(field.name, valueType(field), mode !== 'REQUIRED', metadata);
}

export function arrowSchema(fields: readonly TableFieldSchema[]): arrow.Schema {
  return new arrow.Schema(fields.map(arrowField));
}
