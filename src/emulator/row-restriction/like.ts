/**
 * GoogleSQL LIKE over UTF-8 or raw bytes, without decoding rows: `%` matches any run,
 * `_` one character (STRING) or one byte (BYTES), and a backslash makes the next character literal.
 */

const ANY_ONE = -1;
const ANY_RUN = -2;
/** Stands for "no unit left" so a pattern shorter than the text falls through to backtracking. */
const PATTERN_END = -3;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;
const BACKSLASH = 0x5c;

export interface LikePattern {
  /** Pattern units: a byte to match exactly (>= 0), ANY_ONE or ANY_RUN. */
  readonly units: Int32Array;
  /** STRING semantics: `_` and backtracking step over whole UTF-8 characters. */
  readonly matchCharacters: boolean;
}

/** Compiles a pattern's bytes; undefined when it ends with a lone backslash (BigQuery rejects it). */
export function compileLikePattern(pattern: Uint8Array, matchCharacters: boolean): LikePattern | undefined {
  const units: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const byte = pattern[i]!;
    if (byte === BACKSLASH) {
      if (++i >= pattern.length) return undefined;
      units.push(pattern[i]!);
    } else if (byte === PERCENT) {
      if (units[units.length - 1] !== ANY_RUN) units.push(ANY_RUN);
    } else {
      units.push(byte === UNDERSCORE ? ANY_ONE : byte);
    }
  }
  return { units: Int32Array.from(units), matchCharacters };
}

/** Byte length of the UTF-8 character whose lead byte is `lead`. */
const characterLength = (lead: number) => (lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4);

/** Whether text[start, end) matches; greedy with backtracking to the last `%`, linear for typical patterns. */
export function likeMatches(pattern: LikePattern, text: Uint8Array, start: number, end: number): boolean {
  const { units, matchCharacters } = pattern;
  const count = units.length;
  let unitIndex = 0;
  let position = start;
  let runUnit = -1;
  let runPosition = start;
  while (position < end) {
    const unit = unitIndex < count ? units[unitIndex]! : PATTERN_END;
    if (unit === ANY_RUN) {
      runUnit = unitIndex++;
      runPosition = position;
    } else if (unit === ANY_ONE) {
      position += matchCharacters ? characterLength(text[position]!) : 1;
      unitIndex++;
    } else if (unit === text[position]) {
      position++;
      unitIndex++;
    } else if (runUnit >= 0) {
      runPosition += matchCharacters ? characterLength(text[runPosition]!) : 1;
      position = runPosition;
      unitIndex = runUnit + 1;
    } else {
      return false;
    }
  }
  while (unitIndex < count && units[unitIndex] === ANY_RUN) unitIndex++;
  return unitIndex === count && position === end;
}
