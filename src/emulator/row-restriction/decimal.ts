/**
 * Exact NUMERIC / BIGNUMERIC arithmetic on scaled bigints (value = unscaled * 10^-scale),
 * rounding half away from zero as GoogleSQL does.
 */
import { pow10, roundDiv } from '../../decimal-text.js';

const NUMERIC_MAX_UNSCALED = 10n ** 38n - 1n;
const BIGNUMERIC_MIN_UNSCALED = -(2n ** 255n);
const BIGNUMERIC_MAX_UNSCALED = 2n ** 255n - 1n;

export const fitsNumeric = (unscaled: bigint): boolean =>
  unscaled >= -NUMERIC_MAX_UNSCALED && unscaled <= NUMERIC_MAX_UNSCALED;

export const fitsBigNumeric = (unscaled: bigint): boolean =>
  unscaled >= BIGNUMERIC_MIN_UNSCALED && unscaled <= BIGNUMERIC_MAX_UNSCALED;

/** The exact binary value of a finite double, rounded to `scale` decimal places. */
export function decimalFromDouble(value: number, scale: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biasedExponent !== 0) {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  const unscaled = exponent >= 0
    ? (mantissa << BigInt(exponent)) * pow10(scale)
    : roundDiv(mantissa * pow10(scale), 1n << BigInt(-exponent));
  return bits >> 63n ? -unscaled : unscaled;
}

/** The double nearest to unscaled * 10^-scale. */
export const decimalToDouble = (unscaled: bigint, scale: number): number => Number(`${unscaled}e-${scale}`);
