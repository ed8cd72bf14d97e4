// What arrow-rs cannot write to Parquet, or common readers cannot read back, turned into what they
// can before a batch crosses over.
// INTERVAL (Arrow's month-day-nano interval) has no lossless Parquet type (Parquet's INTERVAL holds
// unsigned milliseconds), so it is written as BigQuery's canonical text, `Y-M D H:M:S[.F]`.
// The Read API's extension names (`google:sqlType:datetime`, ...) would travel in the Arrow schema
// that arrow-rs embeds in the file, and readers that rebuild extension types from it refuse the
// column (polars: "cannot create series from Extension"); the BigQuery type moves to a key of its
// own, which readers keep as plain field metadata or ignore. JSON stays a STRING: arrow-rs writes
// Parquet's JSON type only for the canonical `arrow.json` extension, which parquet-wasm 0.8 leaves
// out of its build (and which polars refuses as well).
import { DataType, Field, List, makeData, RecordBatch, Schema, Struct, Utf8, type Data } from 'apache-arrow';
import { childTypes } from '../arrow/child-fields.js';
import { intervalTextColumn } from './interval-text-column.js';
import { isValid } from './text/column-data.js';

/**
 * Where a field keeps the BigQuery type its extension name gave, spelled as `bq show --schema` does
 * (DATETIME, GEOGRAPHY, JSON, INTERVAL): a key outside Arrow's `ARROW:` namespace, which no reader
 * gives a meaning.
 */
const BIGQUERY_TYPE_KEY = 'bigquery:type';
const EXTENSION_NAME = 'ARROW:extension:name';
const EXTENSION_METADATA = 'ARROW:extension:metadata';
const BIGQUERY_EXTENSION = /^google:sqlType:(\w+)$/;

/** The BigQuery type named by a Read API extension name on `field`, if any. */
function extensionType(field: Field): string | undefined {
  return BIGQUERY_EXTENSION.exec(field.metadata.get(EXTENSION_NAME) ?? '')?.[1]?.toUpperCase();
}

function withoutExtension(field: Field, bqType: string): Map<string, string> {
  const metadata = new Map(field.metadata);
  metadata.delete(EXTENSION_NAME);
  metadata.delete(EXTENSION_METADATA);
  return metadata.set(BIGQUERY_TYPE_KEY, bqType);
}

function fieldNeedsConversion(field: Field): boolean {
  return extensionType(field) !== undefined || typeNeedsConversion(field.type as DataType);
}

function typeNeedsConversion(type: DataType): boolean {
  if (DataType.isInterval(type)) return true;
  return type.children?.some(fieldNeedsConversion) ?? false;
}

function convertType(type: DataType, name: string): DataType {
  if (!typeNeedsConversion(type)) return type;
  if (DataType.isInterval(type)) return new Utf8();
  if (DataType.isList(type)) return new List(convertField(type.children[0]!));
  if (DataType.isStruct(type)) return new Struct(type.children.map(convertField));
  throw new TypeError(`column ${name}: cannot write Arrow type ${String(type)} to Parquet`);
}

function convertField(field: Field): Field {
  if (!fieldNeedsConversion(field)) return field;
  const bqType = extensionType(field);
  const metadata = bqType ? withoutExtension(field, bqType) : field.metadata;
  return new Field(field.name, convertType(field.type as DataType, field.name), field.nullable, metadata);
}

/** The validity of `data` as a fresh bitmap at offset 0 (arrow keeps a slice's offset for bits). */
function validityOf(data: Data): { nullCount: number; nullBitmap?: Uint8Array } {
  if (data.nullCount === 0) return { nullCount: 0 };
  const bits = new Uint8Array((data.length + 7) >> 3);
  for (let i = 0; i < data.length; i++) if (isValid(data, i)) bits[i >> 3]! |= 1 << (i & 7);
  return { nullCount: data.nullCount, nullBitmap: bits };
}

function convertData(data: Data, from: DataType, to: DataType): Data {
  if (!typeNeedsConversion(from)) return data;
  if (DataType.isInterval(from)) {
    const { offsets, text } = intervalTextColumn(data, (from as unknown as { unit: number }).unit);
    return makeData({ type: to as Utf8, length: data.length, ...validityOf(data), valueOffsets: offsets, data: text });
  }
  if (DataType.isList(from)) {
    const child = convertData(data.children[0]!, childTypes(from)[0]!, childTypes(to)[0]!);
    return makeData({ type: to as List, length: data.length, ...validityOf(data), valueOffsets: data.valueOffsets as Int32Array, child });
  }
  const toChildren = childTypes(to);
  const children = childTypes(from).map((type, c) => convertData(data.children[c]!, type, toChildren[c]!));
  return makeData({ type: to as Struct, length: data.length, ...validityOf(data), children });
}

/** The schema the Parquet writer is given for batches of `schema` (`schema` itself when nothing needs changing). */
export function parquetSchemaOf(schema: Schema): Schema {
  const fields = schema.fields.map(convertField);
  return fields.every((f, c) => f === schema.fields[c]) ? schema : new Schema(fields, schema.metadata);
}

/** A function that makes a batch of `schema` writable to Parquet (the batch itself when nothing needs changing). */
export function parquetWritable(schema: Schema): (batch: RecordBatch) => RecordBatch {
  const converted = parquetSchemaOf(schema);
  if (converted === schema) return (batch) => batch;
  const from = new Struct(schema.fields);
  const to = new Struct(converted.fields);
  return (batch) => new RecordBatch(converted, convertData(batch.data, from, to) as Data<Struct>);
}
