import { DataType, type Data, type RecordBatch, type Table } from 'apache-arrow';

/**
 * Exact, JSON-comparable values of an Arrow table: 64-bit integers, timestamps and times straight
 * from their int64 buffers (arrow's getters round timestamps to milliseconds), decimals as their
 * raw words, bytes as hex, month-day-nano intervals as `Mm Dd Nns`.
 */
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

// A sliced arrow Data keeps its offset for bit-packed buffers (validity, BOOL values) while its
// other buffers are already cut to the slice.
function bit(bits: Uint8Array, data: Data, index: number): boolean {
  const at = data.offset + index;
  return (bits[at >> 3]! & (1 << (at & 7))) !== 0;
}

function isValid(data: Data, index: number): boolean {
  if (!data.nullBitmap || data.nullBitmap.byteLength === 0 || data.nullCount === 0) return true;
  return bit(data.nullBitmap, data, index);
}

export function canonicalValue(data: Data, index: number): Canonical {
  if (!isValid(data, index)) return null;
  const type = data.type;
  if (DataType.isStruct(type)) {
    const out: { [key: string]: Canonical } = {};
    type.children.forEach((field, c) => (out[field.name] = canonicalValue(data.children[c]!, index)));
    return out;
  }
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const items: Canonical[] = [];
    for (let j = offsets[index]!; j < offsets[index + 1]!; j++) items.push(canonicalValue(data.children[0]!, j));
    return items;
  }
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    return Array.from((data.values as Uint32Array).subarray(index * words, (index + 1) * words), (w) => w.toString(16)).join(':');
  }
  if (DataType.isInterval(type)) {
    // MONTH_DAY_NANO: months, days, nanoseconds (two little-endian 32-bit words).
    const [months, days, low, high] = (data.values as Int32Array).subarray(4 * index, 4 * index + 4);
    const nanos = BigInt.asIntN(64, (BigInt(high! >>> 0) << 32n) | BigInt(low! >>> 0));
    return `${months}m ${days}d ${nanos}ns`;
  }
  if (DataType.isBool(type)) return bit(data.values as Uint8Array, data, index);
  if (DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    return Buffer.from((data.values as Uint8Array).subarray(offsets[index], offsets[index + 1])).toString('utf8');
  }
  if (DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    return Buffer.from((data.values as Uint8Array).subarray(offsets[index], offsets[index + 1])).toString('hex');
  }
  const value = (data.values as unknown as ArrayLike<number | bigint>)[index]!;
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
    const value = (row as Record<string, Canonical>)[key] ?? null;
    const id = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    if (byId.has(id)) throw new Error(`duplicate ${key} ${id}`);
    byId.set(id, row);
  }
  return byId;
}
