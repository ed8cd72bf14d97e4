import { DataType, type Data } from 'apache-arrow';

/**
 * BigQuery-style text of single Arrow values, for tests that assert exact values read back:
 * a Decimal at its own scale ('12.50' stays '12.5' only if the scale says so).
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
