// Which BigQuery type an Arrow field of a Read API session carries. The Storage Read API maps each
// BigQuery type onto one Arrow type; the few that share an Arrow type (STRING, GEOGRAPHY and JSON
// are all Utf8) are told apart by the field's `ARROW:extension:name` metadata, and RANGE from
// RECORD, a picosecond TIMESTAMP from a STRING or a TIMESTAMP, by bqread's own markers
// (protocol/bqread-markers.ts).
import { DataType, TimeUnit, type Decimal, type Field, type Schema } from 'apache-arrow';
import { PICOS_TIMESTAMP_PRECISION, RANGE_TYPE, TIMESTAMP_PRECISION_KEY, TYPE_KEY } from './protocol/bqread-markers.js';

/** BigQuery's spellings, as `bq show --schema` prints them (legacy names for the old types). */
export type BqTypeName =
  | 'INTEGER' | 'FLOAT' | 'NUMERIC' | 'BIGNUMERIC' | 'STRING' | 'BYTES' | 'BOOLEAN' | 'DATE'
  | 'DATETIME' | 'TIME' | 'TIMESTAMP' | 'GEOGRAPHY' | 'JSON' | 'INTERVAL' | 'RANGE' | 'RECORD';

/** The bounds' type of a RANGE column. */
export type RangeElementTypeName = 'DATE' | 'DATETIME' | 'TIMESTAMP';

/**
 * One column of a `bq show --schema` listing. The type parameters are int64s, which the REST API's
 * TableFieldSchema (and so `bq show`) writes as strings
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TableFieldSchema).
 */
export interface BqSchemaField {
  readonly name: string;
  readonly type: BqTypeName;
  readonly mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  readonly fields?: BqSchemaField[];
  readonly rangeElementType?: { readonly type: RangeElementTypeName };
  /** NUMERIC / BIGNUMERIC declared with parameters: digits in all. */
  readonly precision?: string;
  /** NUMERIC / BIGNUMERIC declared with parameters: digits after the point, left out when 0. */
  readonly scale?: string;
  /** A TIMESTAMP of picosecond precision: "12". */
  readonly timestampPrecision?: string;
}

const EXTENSION_NAME = 'ARROW:extension:name';
const EXTENSION_TYPES: Readonly<Record<string, BqTypeName>> = {
  'google:sqlType:geography': 'GEOGRAPHY',
  'google:sqlType:json': 'JSON',
  'google:sqlType:datetime': 'DATETIME',
  'google:sqlType:interval': 'INTERVAL',
};

export class UnsupportedArrowTypeError extends Error {
  override name = 'UnsupportedArrowTypeError';
}

/** The BigQuery type of one value of `field` (for a REPEATED field, of its items). */
export function bqTypeOf(field: Field): BqTypeName {
  const extension = EXTENSION_TYPES[field.metadata.get(EXTENSION_NAME) ?? ''];
  if (extension) return extension;
  // Text under picos_timestamp_precision PICOS, a timestamp otherwise.
  if (field.metadata.get(TIMESTAMP_PRECISION_KEY) === PICOS_TIMESTAMP_PRECISION) return 'TIMESTAMP';
  const type = field.type as DataType;
  if (DataType.isInt(type)) return 'INTEGER';
  if (DataType.isFloat(type)) return 'FLOAT';
  if (DataType.isDecimal(type)) return type.bitWidth > 128 ? 'BIGNUMERIC' : 'NUMERIC';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'STRING';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'BYTES';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isTimestamp(type)) return type.timezone ? 'TIMESTAMP' : 'DATETIME';
  if (DataType.isTime(type)) return 'TIME';
  if (DataType.isInterval(type)) return 'INTERVAL';
  if (rangeElementType(field)) return 'RANGE';
  if (DataType.isStruct(type)) return 'RECORD';
  throw new UnsupportedArrowTypeError(`column ${field.name}: Arrow type ${String(type)} has no BigQuery equivalent`);
}

/**
 * The bounds' type when `field` is a RANGE: a struct of `start` and `end` of T's Arrow type that
 * carries the RANGE marker. Without the marker it is a RECORD, whatever its fields: a RECORD of
 * two such fields has exactly a RANGE's Arrow form.
 */
export function rangeElementType(field: Field): RangeElementTypeName | undefined {
  const type = field.type as DataType;
  if (field.metadata.get(TYPE_KEY) !== RANGE_TYPE || !DataType.isStruct(type) || type.children.length !== 2) return undefined;
  const [start, end] = type.children as [Field, Field];
  if (start.name !== 'start' || end.name !== 'end' || String(start.type) !== String(end.type)) return undefined;
  const bound = start.type as DataType;
  if (DataType.isDate(bound)) return 'DATE';
  if (DataType.isTimestamp(bound)) return bound.timezone ? 'TIMESTAMP' : 'DATETIME';
  return undefined;
}

/**
 * The item field of a REPEATED column: the Read API sends REPEATED as a List (BigQuery has no
 * NULL arrays, so the list itself is never null); undefined for any other field.
 */
export function repeatedItem(field: Field): Field | undefined {
  const type = field.type as DataType;
  return DataType.isList(type) ? (type.children[0] as Field) : undefined;
}

/**
 * A decimal column's declared parameters. The Read API sends NUMERIC(P, S) as Decimal(P, S), and
 * NUMERIC and BIGNUMERIC without parameters as Decimal128(38, 9) and Decimal256(76, 38) (Storage
 * Read API docs, "Arrow schema details"; python-bigquery's test_list_rows_nullable_scalars_dtypes
 * accepts 77 for BIGNUMERIC, which no declared BIGNUMERIC(P, 38) can have). A declaration equal to
 * those is the same type, so it is not repeated.
 */
function decimalParameters(type: Decimal): Pick<BqSchemaField, 'precision' | 'scale'> {
  const undeclared = type.bitWidth > 128 ? (type.precision === 76 || type.precision === 77) && type.scale === 38 : type.precision === 38 && type.scale === 9;
  if (undeclared) return {};
  // NUMERIC(P) is NUMERIC(P, 0), as TableFieldSchema.scale documents.
  return type.scale === 0 ? { precision: String(type.precision) } : { precision: String(type.precision), scale: String(type.scale) };
}

/**
 * Whether a TIMESTAMP column has picosecond precision: marked so, or sent in nanoseconds, which
 * only picos_timestamp_precision NANOS does, to picosecond columns alone (arrow.proto; every other
 * TIMESTAMP is in microseconds, per the docs' "Arrow schema details").
 */
function isPicosTimestamp(field: Field): boolean {
  const type = field.type as DataType;
  return field.metadata.get(TIMESTAMP_PRECISION_KEY) === PICOS_TIMESTAMP_PRECISION
    || (DataType.isTimestamp(type) && type.unit === TimeUnit.NANOSECOND && Boolean(type.timezone));
}

/** `field` described the way `bq show --schema` does. */
export function bqSchemaField(field: Field): BqSchemaField {
  const item = repeatedItem(field);
  const valueField = item ?? field;
  const type = bqTypeOf(valueField);
  const described = { name: field.name, type, mode: item ? 'REPEATED' : field.nullable ? 'NULLABLE' : 'REQUIRED' } as const;
  switch (type) {
    case 'RANGE': return { ...described, rangeElementType: { type: rangeElementType(valueField)! } };
    case 'RECORD': return { ...described, fields: (valueField.type as DataType).children.map((child) => bqSchemaField(child as Field)) };
    case 'NUMERIC':
    case 'BIGNUMERIC': return { ...described, ...decimalParameters(valueField.type as Decimal) };
    case 'TIMESTAMP': return isPicosTimestamp(valueField) ? { ...described, timestampPrecision: PICOS_TIMESTAMP_PRECISION } : described;
    default: return described;
  }
}

/** A session's Arrow schema as the JSON list `bq show --schema` prints. */
export function bqSchemaFromArrow(schema: Schema): BqSchemaField[] {
  return schema.fields.map((field) => bqSchemaField(field));
}
