// Which BigQuery type an Arrow field of a Read API session carries. The Storage Read API maps each
// BigQuery type onto one Arrow type; the few that share an Arrow type (STRING, GEOGRAPHY and JSON
// are all Utf8) are told apart by the field's `ARROW:extension:name` metadata. Where the session's
// schema cannot tell two types apart, the one its shape is sure of is taken: a RANGE is sent
// exactly as a RECORD of `start` and `end` is (src/emulator/README.md, "RANGE"), so every struct
// is a RECORD, and a user's RECORD is never mistaken for a RANGE.
import { DataType, TimeUnit, type Decimal, type Field, type Schema } from 'apache-arrow';
import { BqReadError } from './errors.js';

/** BigQuery's spellings, as `bq show --schema` prints them (legacy names for the old types). */
export type BqTypeName =
  | 'INTEGER' | 'FLOAT' | 'NUMERIC' | 'BIGNUMERIC' | 'STRING' | 'BYTES' | 'BOOLEAN' | 'DATE'
  | 'DATETIME' | 'TIME' | 'TIMESTAMP' | 'GEOGRAPHY' | 'JSON' | 'INTERVAL' | 'RECORD';

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

export class UnsupportedArrowTypeError extends BqReadError {
  override name = 'UnsupportedArrowTypeError';
}

/** The BigQuery type of one value of `field` (for a REPEATED field, of its items). */
export function bqTypeOf(field: Field): BqTypeName {
  const extension = EXTENSION_TYPES[field.metadata.get(EXTENSION_NAME) ?? ''];
  if (extension) return extension;
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
  if (DataType.isStruct(type)) return 'RECORD';
  throw new UnsupportedArrowTypeError(`column ${field.name}: Arrow type ${String(type)} has no BigQuery equivalent`);
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
 * Whether a TIMESTAMP column has picosecond precision, which its Arrow form shows only in a session
 * with picos_timestamp_precision NANOS: that sends nanoseconds, to picosecond columns alone
 * (arrow.proto), where every other TIMESTAMP is in microseconds (the docs' "Arrow schema details").
 * Under MICROS it is a TIMESTAMP like any other and under PICOS text like a STRING.
 */
function isPicosTimestamp(type: DataType): boolean {
  return DataType.isTimestamp(type) && type.unit === TimeUnit.NANOSECOND && Boolean(type.timezone);
}

/** `field` described the way `bq show --schema` does. */
export function bqSchemaField(field: Field): BqSchemaField {
  const item = repeatedItem(field);
  const valueField = item ?? field;
  const type = bqTypeOf(valueField);
  const described = { name: field.name, type, mode: item ? 'REPEATED' : field.nullable ? 'NULLABLE' : 'REQUIRED' } as const;
  switch (type) {
    case 'RECORD': return { ...described, fields: (valueField.type as DataType).children.map((child) => bqSchemaField(child)) };
    case 'NUMERIC':
    case 'BIGNUMERIC': return { ...described, ...decimalParameters(valueField.type as Decimal) };
    case 'TIMESTAMP': return isPicosTimestamp(valueField.type as DataType) ? { ...described, timestampPrecision: '12' } : described;
    default: return described;
  }
}

/** A session's Arrow schema as the JSON list `bq show --schema` prints. */
export function bqSchemaFromArrow(schema: Schema): BqSchemaField[] {
  return schema.fields.map((field) => bqSchemaField(field));
}
