// What arrow-rs cannot write to Parquet, turned into what it can before a batch crosses over.
// INTERVAL (Arrow's month-day-nano interval) has no lossless Parquet type (Parquet's INTERVAL holds
// unsigned milliseconds), so it is written as BigQuery's canonical text, `Y-M D H:M:S[.F]`.
import { DataType, Field, List, makeData, RecordBatch, Schema, Struct, Utf8, type Data } from 'apache-arrow';
import { isValid, scalarText } from './values.js';

const encoder = new TextEncoder();

function needsConversion(type: DataType): boolean {
  if (DataType.isInterval(type)) return true;
  return type.children?.some((child) => needsConversion(child.type)) ?? false;
}

function convertField(field: Field): Field {
  const type = field.type as DataType;
  if (!needsConversion(type)) return field;
  if (DataType.isInterval(type)) return new Field(field.name, new Utf8(), field.nullable);
  if (DataType.isList(type)) return new Field(field.name, new List(convertField(type.children[0]!)), field.nullable, field.metadata);
  if (DataType.isStruct(type)) return new Field(field.name, new Struct(type.children.map(convertField)), field.nullable, field.metadata);
  throw new TypeError(`column ${field.name}: cannot write Arrow type ${String(type)} to Parquet`);
}

/** The validity of `data` as a fresh bitmap at offset 0 (arrow keeps a slice's offset for bits). */
function validityOf(data: Data): { nullCount: number; nullBitmap?: Uint8Array } {
  if (data.nullCount === 0) return { nullCount: 0 };
  const bits = new Uint8Array((data.length + 7) >> 3);
  for (let i = 0; i < data.length; i++) if (isValid(data, i)) bits[i >> 3]! |= 1 << (i & 7);
  return { nullCount: data.nullCount, nullBitmap: bits };
}

function convertData(data: Data, from: DataType, to: DataType): Data {
  if (!needsConversion(from)) return data;
  if (DataType.isInterval(from)) {
    const text = scalarText(new Field('interval', from));
    const offsets = new Int32Array(data.length + 1);
    const parts: Uint8Array[] = [];
    let size = 0;
    for (let i = 0; i < data.length; i++) {
      if (isValid(data, i)) {
        const bytes = encoder.encode(text(data, i));
        parts.push(bytes);
        size += bytes.byteLength;
      }
      offsets[i + 1] = size;
    }
    const values = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      values.set(part, at);
      at += part.byteLength;
    }
    return makeData({ type: to as Utf8, length: data.length, ...validityOf(data), valueOffsets: offsets, data: values });
  }
  if (DataType.isList(from)) {
    const child = convertData(data.children[0]!, from.children[0]!.type, (to as List).children[0]!.type);
    return makeData({ type: to as List, length: data.length, ...validityOf(data), valueOffsets: data.valueOffsets, child });
  }
  const toChildren = (to as Struct).children;
  const children = from.children.map((f, c) => convertData(data.children[c]!, f.type, toChildren[c]!.type));
  return makeData({ type: to as Struct, length: data.length, ...validityOf(data), children });
}

/** A function that makes a batch of `schema` writable to Parquet (the batch itself when nothing needs changing). */
export function parquetWritable(schema: Schema): (batch: RecordBatch) => RecordBatch {
  const fields = schema.fields.map(convertField);
  if (fields.every((f, c) => f === schema.fields[c])) return (batch) => batch;
  const converted = new Schema(fields, schema.metadata);
  const from = new Struct(schema.fields);
  const to = new Struct(fields);
  return (batch) => new RecordBatch(converted, convertData(batch.data, from, to) as Data<Struct>);
}
