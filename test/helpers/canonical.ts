import { DataType, type Data, type RecordBatch, type Table } from 'apache-arrow';

/**
 * Exact, JSON-comparable values of an Arrow table: 64-bit integers, timestamps and times straight
 * from their int64 buffers (arrow's getters round timestamps to milliseconds), decimals as their
 * raw words, bytes as hex.
 */
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

function isValid(data: Data, index: number): boolean {
  if (!data.nullBitmap || data.nullBitmap.byteLength === 0 || data.nullCount === 0) return true;
  const bit = data.offset + index;
  return (data.nullBitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

export function canonicalValue(data: Data, index: number): Canonical {
  if (!isValid(data, index)) return null;
  const type = data.type as DataType;
  const i = data.offset + index;
  if (DataType.isStruct(type)) {
    const out: { [key: string]: Canonical } = {};
    type.children.forEach((field, c) => (out[field.name] = canonicalValue(data.children[c]!, index)));
    return out;
  }
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets!;
    const items: Canonical[] = [];
    for (let j = offsets[i]!; j < offsets[i + 1]!; j++) items.push(canonicalValue(data.children[0]!, j - data.children[0]!.offset));
    return items;
  }
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    return Array.from((data.values as Uint32Array).subarray(i * words, (i + 1) * words), (w) => w.toString(16)).join(':');
  }
  if (DataType.isBool(type)) return ((data.values as Uint8Array)[i >> 3]! & (1 << (i & 7))) !== 0;
  if (DataType.isUtf8(type)) {
    const offsets = data.valueOffsets!;
    return Buffer.from((data.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!)).toString('utf8');
  }
  if (DataType.isBinary(type)) {
    const offsets = data.valueOffsets!;
    return Buffer.from((data.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!)).toString('hex');
  }
  const value = (data.values as unknown as ArrayLike<number | bigint>)[i]!;
  if (typeof value === 'bigint') return value.toString();
  return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? value : String(value);
}

export function canonicalRows(source: Table | RecordBatch[]): Canonical[] {
  const batches = Array.isArray(source) ? source : source.batches;
  const rows: Canonical[] = [];
  for (const batch of batches) {
    for (let r = 0; r < batch.numRows; r++) rows.push(canonicalValue(batch.data, r));
  }
  return rows;
}

/** Rows keyed by a column, for comparing reads whose row order is not fixed. */
export function rowsById(rows: Canonical[], key = 'id'): Map<string, Canonical> {
  const byId = new Map<string, Canonical>();
  for (const row of rows) {
    const id = String((row as Record<string, Canonical>)[key]);
    if (byId.has(id)) throw new Error(`duplicate ${key} ${id}`);
    byId.set(id, row);
  }
  return byId;
}
