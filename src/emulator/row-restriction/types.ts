import { DataType, DateUnit, Precision, TimeUnit, type Field } from 'apache-arrow';
import { childFields } from '../../arrow/child-fields.js';
import { PICOS_TIMESTAMP_KEY } from '../sources/picos-timestamp.js';

export type ScalarTypeName =
  | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BIGNUMERIC' | 'BOOL' | 'STRING' | 'BYTES'
  | 'DATE' | 'DATETIME' | 'TIMESTAMP' | 'TIME' | 'GEOGRAPHY' | 'JSON';

export interface ScalarType { readonly kind: ScalarTypeName }
export interface StructField { readonly name: string; readonly type: SqlType }
export interface StructType { readonly kind: 'STRUCT'; readonly fields: readonly StructField[] }
export interface ArrayType { readonly kind: 'ARRAY'; readonly element: SqlType }
/** An Arrow type outside BigQuery's Storage API mapping: it can be tested for NULL but not compared. */
export interface UnsupportedType { readonly kind: 'UNSUPPORTED'; readonly arrowType: string }
export type SqlType = ScalarType | StructType | ArrayType | UnsupportedType;

const SCALAR_NAMES: readonly ScalarTypeName[] = [
  'INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOL', 'STRING', 'BYTES',
  'DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'GEOGRAPHY', 'JSON',
];
const SCALARS = new Map<ScalarTypeName, ScalarType>(SCALAR_NAMES.map((kind) => [kind, { kind }]));

export const scalarType = (kind: ScalarTypeName): ScalarType => SCALARS.get(kind)!;

export const isScalar = (type: SqlType): type is ScalarType => SCALARS.has(type.kind as ScalarTypeName);

/**
 * The scale at which the engine holds NUMERIC and BIGNUMERIC values (constants, widened columns).
 * Columns declared NUMERIC(P, S) / BIGNUMERIC(P, S) arrive at their own scale S and are rescaled
 * while reading (readers.ts).
 */
export const NUMERIC_SCALE = 9;
export const BIGNUMERIC_SCALE = 38;

/** The type as BigQuery spells it in error messages: INT64, STRUCT<a INT64>, ARRAY<STRING>. */
export function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'STRUCT': return `STRUCT<${type.fields.map((field) => `${field.name} ${typeName(field.type)}`).join(', ')}>`;
    case 'ARRAY': return `ARRAY<${typeName(type.element)}>`;
    case 'UNSUPPORTED': return `UNSUPPORTED<${type.arrowType}>`;
    default: return type.kind;
  }
}

const EXTENSION_NAME_KEY = 'ARROW:extension:name';

/** Maps an Arrow field of a Storage API schema back to the BigQuery type it encodes. */
export function sqlTypeOfField(field: Field<DataType>): SqlType {
  const type = field.type;
  if (DataType.isInt(type) && type.bitWidth === 64 && type.isSigned) return scalarType('INT64');
  if (DataType.isFloat(type) && type.precision === Precision.DOUBLE) return scalarType('FLOAT64');
  // Any precision and scale: the service sends a column's declared NUMERIC(P, S) as Decimal(P, S)
  // (Storage Read API docs, "Arrow schema details").
  if (DataType.isDecimal(type)) {
    if (type.bitWidth === 128 && type.scale <= NUMERIC_SCALE) return scalarType('NUMERIC');
    if (type.bitWidth === 256 && type.scale <= BIGNUMERIC_SCALE) return scalarType('BIGNUMERIC');
  }
  if (DataType.isBool(type)) return scalarType('BOOL');
  if (DataType.isUtf8(type)) {
    // A stored picosecond TIMESTAMP (text until a session converts it): not comparable here.
    if (field.metadata.has(PICOS_TIMESTAMP_KEY)) return { kind: 'UNSUPPORTED', arrowType: 'picosecond TIMESTAMP' };
    const extension = field.metadata.get(EXTENSION_NAME_KEY);
    if (extension === 'google:sqlType:geography') return scalarType('GEOGRAPHY');
    if (extension === 'google:sqlType:json') return scalarType('JSON');
    return scalarType('STRING');
  }
  if (DataType.isBinary(type)) return scalarType('BYTES');
  if (DataType.isDate(type) && type.unit === DateUnit.DAY) return scalarType('DATE');
  if (DataType.isTimestamp(type) && type.unit === TimeUnit.MICROSECOND) {
    return scalarType(type.timezone ? 'TIMESTAMP' : 'DATETIME');
  }
  if (DataType.isTime(type) && type.unit === TimeUnit.MICROSECOND && type.bitWidth === 64) return scalarType('TIME');
  if (DataType.isStruct(type)) {
    return { kind: 'STRUCT', fields: childFields(type).map((child) => ({ name: child.name, type: sqlTypeOfField(child) })) };
  }
  if (DataType.isList(type)) return { kind: 'ARRAY', element: sqlTypeOfField(childFields(type)[0]!) };
  return { kind: 'UNSUPPORTED', arrowType: String(type) };
}
