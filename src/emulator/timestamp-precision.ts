import {
  DataType, Field, List, RecordBatch, Schema, Struct, TimestampMicrosecond, TimestampNanosecond, Utf8, type Data,
} from 'apache-arrow';
import { childFields } from '../arrow/child-fields.js';
import { invalidArgument } from './api-error.js';
import { PICOS_TIMESTAMP_KEY, PICOS_TIMESTAMP_VALUE, parsePicosTimestamp } from './sources/picos-timestamp.js';

/**
 * ArrowSerializationOptions.picos_timestamp_precision (arrow.proto), applied to the columns it
 * governs: TIMESTAMP columns declared with picosecond precision, stored as text (see
 * sources/picos-timestamp.ts). MICROS (also the default) and NANOS truncate to an Arrow
 * TIMESTAMP(UTC) of that unit; PICOS sends the ISO 8601 text. Other columns are untouched
 * (java-bigquerystorage ITBigQueryStorageReadClientTest: "no impact on other columns types").
 * Truncation rounds toward the past, and a value outside a nanosecond TIMESTAMP's range
 * (1677..2262) fails the session: both unverified.
 */
export type PicosPrecision = 'MICROS' | 'NANOS' | 'PICOS';

export interface TimestampPrecision {
  readonly schema: Schema;
  apply(batch: RecordBatch): RecordBatch;
}

const isPicos = (field: Field<DataType>): boolean => field.metadata.get(PICOS_TIMESTAMP_KEY) === PICOS_TIMESTAMP_VALUE;

function hasPicos(field: Field<DataType>): boolean {
  return isPicos(field) || childFields(field.type).some(hasPicos);
}

function withoutMarker(metadata: Map<string, string>): Map<string, string> {
  const copy = new Map(metadata);
  copy.delete(PICOS_TIMESTAMP_KEY);
  return copy;
}

function convertField(field: Field<DataType>, precision: PicosPrecision): Field<DataType> {
  if (isPicos(field)) {
    const type = precision === 'PICOS' ? new Utf8() : precision === 'NANOS' ? new TimestampNanosecond('UTC') : new TimestampMicrosecond('UTC');
    return new Field(field.name, type, field.nullable, withoutMarker(field.metadata));
  }
  if (!hasPicos(field)) return field;
  const type = DataType.isList(field.type)
    ? new List(convertField(childFields(field.type)[0]!, precision))
    : new Struct(childFields(field.type).map((child) => convertField(child, precision)));
  return new Field(field.name, type, field.nullable, field.metadata);
}

const PICOS_PER_UNIT: Readonly<Record<'MICROS' | 'NANOS', bigint>> = { MICROS: 1_000_000n, NANOS: 1_000n };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** Stored text values as int64 counts of `precision`'s unit. */
function truncated(data: Data, type: DataType, precision: 'MICROS' | 'NANOS'): Data {
  const values = new BigInt64Array(data.length);
  const offsets = data.valueOffsets as Int32Array;
  const text = data.values as Uint8Array;
  const decoder = new TextDecoder();
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const stored = decoder.decode(text.subarray(offsets[i], offsets[i + 1]));
    const value = floorDiv(parsePicosTimestamp(stored), PICOS_PER_UNIT[precision]);
    if (value < INT64_MIN || value > INT64_MAX) {
      throw invalidArgument(`TIMESTAMP value ${stored} cannot be read with picos_timestamp_precision TIMESTAMP_PRECISION_${precision}`);
    }
    values[i] = value;
  }
  return data.clone(type, data.offset, data.length, data.nullCount, [undefined, values, data.nullBitmap] as never, []);
}

function convertData(data: Data, from: Field<DataType>, to: Field<DataType>, precision: PicosPrecision): Data {
  if (from === to) return data;
  if (isPicos(from)) return precision === 'PICOS' ? data.clone(to.type) : truncated(data, to.type, precision);
  const fromChildren = childFields(from.type);
  const toChildren = childFields(to.type);
  const children = data.children.map((child, i) => convertData(child, fromChildren[i]!, toChildren[i]!, precision));
  return data.clone(to.type, data.offset, data.length, data.nullCount, undefined, children);
}

/** The session's form of a (projected) schema's picosecond TIMESTAMP columns. */
export function compileTimestampPrecision(schema: Schema, precision: PicosPrecision): TimestampPrecision {
  if (!schema.fields.some(hasPicos)) return { schema, apply: (batch) => batch };
  const converted = new Schema(schema.fields.map((f: Field<DataType>) => convertField(f, precision)), schema.metadata);
  const root = new Field('', new Struct(schema.fields), false);
  const convertedRoot = new Field('', new Struct(converted.fields), false);
  return {
    schema: converted,
    apply: (batch) => new RecordBatch(converted, convertData(batch.data, root, convertedRoot, precision) as Data<Struct>),
  };
}
