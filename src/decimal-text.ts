/**
 * Decimal text ('-12.5', '1e3', '.5', '1.2E-5') as an exact scaled bigint (value = unscaled *
 * 10^-scale), rounding half away from zero as GoogleSQL does, and unscaled values to and from the
 * 32-bit words Arrow stores them in. Both sides need it (the emulator's NUMERIC literals,
 * coercions and tables; the reader turning a query's JSON rows into Arrow), so it is at the bottom
 * floor and neither imports the other.
 */

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

/** The unscaled value of a decimal stored as `width` little-endian two's-complement 32-bit words from `at` (Arrow's Decimal128/256). */
export function decimalFromWords(words: Uint32Array, at: number, width: number): bigint {
  let value = 0n;
  for (let k = width - 1; k >= 0; k--) value = (value << 32n) | BigInt(words[at + k]!);
  return BigInt.asIntN(32 * width, value);
}

/** Writes `value` as `width` little-endian two's-complement 32-bit words from `at` (Arrow's Decimal128/256). */
export function writeDecimalWords(out: Uint32Array, at: number, width: number, value: bigint): void {
  let bits = BigInt.asUintN(32 * width, value);
  for (let k = 0; k < width; k++) {
    out[at + k] = Number(bits & 0xffffffffn);
    bits >>= 32n;
  }
}
