// Int64 values (INT64, TIMESTAMP, TIME, INTERVAL's nanoseconds) read as exact doubles where they
// fit, which most do: BigInt arithmetic leaves a BigInt of garbage per step.

export const TWO_32 = 2 ** 32;
/** Below 2^52 in magnitude a count of any unit, and its days times the units in a day, are exact doubles. */
const SAFE_HIGH_WORD = 2 ** 20;

/** The int64 whose little-endian words are `words[low]` and `words[low + 1]`: a double where exact, else a BigInt. */
export function int64OfWords(words: Int32Array, low: number): number | bigint {
  const high = words[low + 1]!;
  return high >= -SAFE_HIGH_WORD && high < SAFE_HIGH_WORD ? high * TWO_32 + (words[low]! >>> 0) : (BigInt(high) << 32n) | BigInt(words[low]! >>> 0);
}

/**
 * Reads int64 values as exact doubles where they fit (the common case) and as BigInt otherwise,
 * through an int32 view of the column's words made once per buffer.
 */
export function int64Reader(): (values: BigInt64Array, index: number) => number | bigint {
  let seen: BigInt64Array | undefined;
  let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  return (values, index) => {
    if (values !== seen) {
      seen = values;
      words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    }
    return int64OfWords(words, 2 * index);
  };
}
