import { DataType, type Data, type RecordBatch, type Table } from 'apache-arrow';
import { canonicalValue, type Canonical } from './canonical.js';

/**
 * Exact values read back, spelled for tests written by hand: decimals as text at their column's
 * own scale; everything else as canonical.ts spells it.
 */

function isNull(data: Data, row: number): boolean {
  if (!data.nullBitmap || data.nullCount === 0) return false;
  const at = data.offset + row;
  return (data.nullBitmap[at >> 3]! & (1 << (at & 7))) === 0;
}

/** A Decimal128/256 value as plain decimal text at the column's scale, or null. */
export function decimalText(data: Data, row: number): string | null {
  if (isNull(data, row)) return null;
  const type = data.type;
  if (!DataType.isDecimal(type)) throw new TypeError(`not a decimal column: ${String(type)}`);
  const words = type.bitWidth / 32;
  const values = (data.values as Uint32Array).subarray(row * words, (row + 1) * words);
  let unscaled = 0n;
  for (let i = words - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(values[i]!);
  unscaled = BigInt.asIntN(type.bitWidth, unscaled);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(type.scale + 1, '0');
  const whole = digits.slice(0, digits.length - type.scale);
  const fraction = digits.slice(digits.length - type.scale);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function readableValue(data: Data, index: number): Canonical {
  const type = data.type;
  if (DataType.isDecimal(type)) return decimalText(data, index);
  if (isNull(data, index)) return null;
  if (DataType.isStruct(type)) {
    const out: { [key: string]: Canonical } = {};
    type.children.forEach((field, c) => (out[field.name] = readableValue(data.children[c]!, index)));
    return out;
  }
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const items: Canonical[] = [];
    for (let j = offsets[index]!; j < offsets[index + 1]!; j++) items.push(readableValue(data.children[0]!, j));
    return items;
  }
  return canonicalValue(data, index);
}

export function readableRows(source: Table | RecordBatch[]): Canonical[] {
  const batches = Array.isArray(source) ? source : source.batches;
  const rows: Canonical[] = [];
  for (const batch of batches) {
    for (let r = 0; r < batch.numRows; r++) rows.push(readableValue(batch.data, r));
  }
  return rows;
}
