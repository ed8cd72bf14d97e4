/**
 * Exact NUMERIC / BIGNUMERIC arithmetic on scaled bigints (value = unscaled * 10^-scale),
 * rounding half away from zero as GoogleSQL does.
 */

const NUMERIC_MAX_UNSCALED = 10n ** 38n - 1n;
const BIGNUMERIC_MIN_UNSCALED = -(2n ** 255n);
const BIGNUMERIC_MAX_UNSCALED = 2n ** 255n - 1n;
/** Beyond this many digits a value is out of every supported range; avoids building huge bigints. */
const MAX_DIGITS = 100;

export const pow10 = (exponent: number): bigint => 10n ** BigInt(exponent);

/** numerator / denominator (denominator > 0), rounded half away from zero. */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator - quotient * denominator);
  if (twiceRemainder >= denominator) return quotient + 1n;
  if (-twiceRemainder >= denominator) return quotient - 1n;
  return quotient;
}

export const fitsNumeric = (unscaled: bigint): boolean =>
  unscaled >= -NUMERIC_MAX_UNSCALED && unscaled <= NUMERIC_MAX_UNSCALED;

export const fitsBigNumeric = (unscaled: bigint): boolean =>
  unscaled >= BIGNUMERIC_MIN_UNSCALED && unscaled <= BIGNUMERIC_MAX_UNSCALED;

/**
 * Parses decimal text ('-12.5', '1e3', '.5') into an unscaled bigint at `scale`, or undefined
 * when the text is not a number. Out-of-range results are returned as is for the caller to check.
 */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const match = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const integerDigits = match[2] ?? '';
  const fractionDigits = match[3] ?? '';
  if (integerDigits === '' && fractionDigits === '') return undefined;
  const digits = (integerDigits + fractionDigits).replace(/^0+/, '');
  if (digits === '') return 0n;
  const shift = Number(match[4] ?? '0') - fractionDigits.length + scale;
  const negative = match[1] === '-';
  let unscaled: bigint;
  if (shift >= 0) {
    unscaled = digits.length + shift > MAX_DIGITS ? pow10(MAX_DIGITS) : BigInt(digits) * pow10(shift);
  } else {
    unscaled = -shift > digits.length ? 0n : roundDiv(BigInt(digits), pow10(-shift));
  }
  return negative ? -unscaled : unscaled;
}

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
