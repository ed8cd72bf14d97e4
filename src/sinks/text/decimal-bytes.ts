// NUMERIC and BIGNUMERIC text, written as bytes from the values' two's-complement words.
import { TWO_32 } from './int64.js';
import type { TextBytes } from './text-bytes.js';

const DASH = 0x2d;
const DOT = 0x2e;

/** A decimal's magnitude, as little-endian uint32 words, while it is written (up to BIGNUMERIC's 8). */
const magnitudeWords = new Uint32Array(8);
/** Its nine-digit groups, least significant first: 256 bits have at most 78 digits. */
const magnitudeGroups = new Float64Array(9);
const BILLION = 1e9;

/**
 * The magnitude of a two's-complement decimal (`words` little-endian uint32 words from `at`) in
 * decimal digits: as one double below 2^53 (the common case), else nine digits at a time by long
 * division in 16-bit steps, where every intermediate is an exact double (a BigInt would leave
 * garbage at each step).
 */
function writeMagnitude(out: TextBytes, values: Uint32Array, at: number, words: number, negative: boolean): void {
  let carry = 1;
  for (let k = 0; k < words; k++) {
    let word = values[at + k]!;
    if (negative) {
      word = (~word >>> 0) + carry;
      carry = word > 0xffffffff ? 1 : 0;
      word >>>= 0;
    }
    magnitudeWords[k] = word;
  }
  let top = words - 1;
  while (top > 0 && magnitudeWords[top] === 0) top--;
  if (top === 0) return out.digits(magnitudeWords[0]!);
  if (top === 1 && magnitudeWords[1]! < 2 ** 21) return out.digits(magnitudeWords[1]! * TWO_32 + magnitudeWords[0]!);
  let groups = 0;
  while (top > 0 || magnitudeWords[0]! >= BILLION) {
    let rest = 0;
    for (let k = top; k >= 0; k--) {
      const word = magnitudeWords[k]!;
      let step = rest * 0x10000 + (word >>> 16);
      const high = Math.floor(step / BILLION);
      rest = step - high * BILLION;
      step = rest * 0x10000 + (word & 0xffff);
      const low = Math.floor(step / BILLION);
      rest = step - low * BILLION;
      magnitudeWords[k] = high * 0x10000 + low;
    }
    magnitudeGroups[groups++] = rest;
    while (top > 0 && magnitudeWords[top] === 0) top--;
  }
  out.digits(magnitudeWords[0]!);
  for (let k = groups - 1; k >= 0; k--) out.digits(magnitudeGroups[k]!, 9);
}

/**
 * Turns the digits written from `start` into a decimal of `scale` fraction digits: the point put
 * in (with leading zeros where the digits are fewer), then trailing zeros of the fraction dropped,
 * and the point itself when nothing follows it.
 */
function placeDecimalPoint(out: TextBytes, start: number, scale: number): void {
  const count = out.length - start;
  const bytes = out.room(scale + 2);
  if (count > scale) {
    const point = out.length - scale;
    for (let k = out.length; k > point; k--) bytes[k] = bytes[k - 1]!;
    bytes[point] = DOT;
    out.length += 1;
  } else {
    const shift = 2 + scale - count;
    for (let k = out.length - 1; k >= start; k--) bytes[k + shift] = bytes[k]!;
    bytes[start] = 0x30;
    bytes[start + 1] = DOT;
    for (let k = start + 2; k < start + shift; k++) bytes[k] = 0x30;
    out.length += shift;
  }
  while (bytes[out.length - 1] === 0x30) out.length--;
  if (bytes[out.length - 1] === DOT) out.length--;
}

/**
 * A decimal's two's-complement words (little-endian uint32, `words` per value) at `index` as text
 * with `scale` fraction digits, trailing zeros dropped.
 */
export function writeDecimal(out: TextBytes, values: Uint32Array, index: number, words: number, scale: number): void {
  const at = index * words;
  const negative = values[at + words - 1]! >= 2 ** 31;
  if (negative) out.byte(DASH);
  const start = out.length;
  writeMagnitude(out, values, at, words, negative);
  if (scale > 0) placeDecimalPoint(out, start, scale);
}
