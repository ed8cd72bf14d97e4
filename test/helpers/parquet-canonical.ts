// A Parquet file's rows as an independent reader (hyparquet) gives them, in the canonical form of
// test/helpers/canonical.ts, so they compare value for value with the Arrow rows they were written
// from. Values are taken raw (integers, microseconds, days, decimal bytes) rather than through
// hyparquet's conversions to Date and Number, which round.
import { DataType, type Field, type Schema } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Canonical } from './canonical.js';
import { parseIntervalText } from '../../src/interval-text.js';

const raw = (value: unknown) => value;
const PARSERS = {
  timestampFromMilliseconds: raw, timestampFromMicroseconds: raw, timestampFromNanoseconds: raw, dateFromDays: raw,
  jsonFromBytes: (bytes: Uint8Array) => bytes && Buffer.from(bytes).toString('utf8'),
};

function signedBigEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return BigInt.asIntN(bytes.length * 8, value);
}

/** A decimal as canonical.ts writes it: its little-endian 32-bit words in hex. */
function decimalWords(unscaled: bigint, bitWidth: number): string {
  let bits = BigInt.asUintN(bitWidth, unscaled);
  const words: string[] = [];
  for (let k = 0; k < bitWidth / 32; k++, bits >>= 32n) words.push((bits & 0xffffffffn).toString(16));
  return words.join(':');
}

/** BigQuery's INTERVAL text, which Parquet holds, as canonical.ts writes the Arrow value. */
function intervalCanonical(text: string): Canonical {
  const parts = parseIntervalText(text);
  return typeof parts === 'string' ? `not an INTERVAL: ${text}` : `${parts.months}m ${parts.days}d ${parts.nanos}ns`;
}

function canonicalOf(field: Field, value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  const type = field.type as DataType;
  if (DataType.isList(type)) return (value as unknown[]).map((item) => canonicalOf(type.children[0]!, item));
  if (DataType.isStruct(type)) {
    const out: { [key: string]: Canonical } = {};
    for (const child of type.children) out[child.name] = canonicalOf(child, (value as Record<string, unknown>)[child.name]);
    return out;
  }
  if (DataType.isDecimal(type)) {
    const unscaled = value instanceof Uint8Array ? signedBigEndian(value) : BigInt(value as number | bigint);
    return decimalWords(unscaled, type.bitWidth);
  }
  if (DataType.isInterval(type)) return intervalCanonical(value as string);
  if (DataType.isBinary(type)) return Buffer.from(value as Uint8Array).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? value : String(value);
  return value as Canonical;
}

const toArrayBuffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** The file's rows in canonical form, for the Arrow `schema` it was written from. */
export async function parquetCanonicalRows(bytes: Uint8Array, schema: Schema): Promise<Canonical[]> {
  const file = toArrayBuffer(bytes);
  const metadata = parquetMetadata(file);
  // Without their DECIMAL annotation hyparquet hands out the unscaled integers or bytes exactly.
  for (const element of metadata.schema) {
    if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
      delete element.converted_type;
      delete element.logical_type;
    }
  }
  const rows = (await parquetReadObjects({ file, metadata, compressors, utf8: false, parsers: PARSERS })) as Record<string, unknown>[];
  return rows.map((row) => {
    const out: { [key: string]: Canonical } = {};
    for (const field of schema.fields) out[field.name] = canonicalOf(field, row[field.name]);
    return out;
  });
}
