// BigQuery's text forms of values, as its JSON and CSV exports write them, read straight from the
// Arrow buffers (arrow's own getters round timestamps to milliseconds and box every value). Built
// from a ValuePlan, without apache-arrow, so worker threads format with the same code as the
// calling thread and the bytes cannot depend on where they were made.
import { isValid, type ColumnData } from './column-data.js';
import type { FieldPlan, ScalarPlan, ValuePlan } from './text-plan.js';

/** Text of the non-null value at `index`. */
export type TextOf = (data: ColumnData, index: number) => string;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A column's UTF-8 text at an index, read through a Buffer over its values made once per buffer:
 * Buffer's toString makes a short string for less than TextDecoder's decode of a fresh view per
 * call (malformed bytes become U+FFFD in both, as the WHATWG decoder does).
 */
function utf8Reader(): TextOf {
  let seen: Uint8Array | undefined;
  let bytes: Buffer = Buffer.alloc(0);
  return (data, index) => {
    const values = data.values as Uint8Array;
    if (values !== seen) {
      seen = values;
      bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    }
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    return bytes.toString('utf8', Number(offsets[index]), Number(offsets[index + 1]));
  };
}

function bytesText(byteWidth: number): TextOf {
  if (byteWidth > 0) {
    return (data, i) => Buffer.from((data.values as Uint8Array).subarray(i * byteWidth, (i + 1) * byteWidth)).toString('base64');
  }
  return (data, i) => {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    return Buffer.from((data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1]))).toString('base64');
  };
}

/** Proleptic Gregorian date of a day number (days since 1970-01-01), exact for years 1..9999. */
export function formatDate(days: number): string {
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** A fraction of a second, `digits` wide, with trailing zeros dropped; empty when zero. */
function fraction(value: number, digits = 6): string {
  if (value === 0) return '';
  let width = digits;
  while (value % 10 === 0) {
    value /= 10;
    width--;
  }
  return `.${String(value).padStart(width, '0')}`;
}

const NANOS_PER_DAY = 86_400_000_000_000n;

/** `date` + separator + time of a nanosecond count since the epoch (up to nine fraction digits). */
function formatNanos(nanos: bigint, separator: string): string {
  let days = nanos / NANOS_PER_DAY;
  let rest = nanos % NANOS_PER_DAY;
  if (rest < 0n) {
    rest += NANOS_PER_DAY;
    days -= 1n;
  }
  const seconds = Number(rest / 1_000_000_000n);
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return `${formatDate(Number(days))}${separator}${time}${fraction(Number(rest % 1_000_000_000n), 9)}`;
}

/** Nanoseconds per unit of Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const NANOS_PER_UNIT: readonly bigint[] = [1_000_000_000n, 1_000_000n, 1000n, 1n];
const UNITS_PER_SECOND: readonly number[] = [1, 1e3, 1e6, 1e9];
const FRACTION_DIGITS: readonly number[] = [0, 3, 6, 9];
const TWO_32 = 2 ** 32;
/** Below 2^52 in magnitude a count of any unit, and its days times the units in a day, are exact doubles. */
const SAFE_HIGH_WORD = 2 ** 20;

/**
 * The same text as formatNanos for a count of `unit`s that is an exact double below 2^52, in double
 * arithmetic: most values are, and BigInt arithmetic leaves a BigInt of garbage per step.
 */
function formatUnits(count: number, unit: number, separator: string): string {
  const perSecond = UNITS_PER_SECOND[unit]!;
  const perDay = 86_400 * perSecond;
  let days = Math.floor(count / perDay);
  // The quotient is rounded; the remainder, exact, puts the day right.
  let rest = count - days * perDay;
  if (rest < 0) {
    days -= 1;
    rest += perDay;
  } else if (rest >= perDay) {
    days += 1;
    rest -= perDay;
  }
  const seconds = Math.floor(rest / perSecond);
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  // The fraction in the unit's own digits: the same text as nanoseconds' nine with their zeros dropped.
  return `${formatDate(days)}${separator}${time}${fraction(rest - seconds * perSecond, FRACTION_DIGITS[unit])}`;
}

/**
 * Reads int64 values as exact doubles where they fit (the common case) and as BigInt otherwise,
 * through an int32 view of the column's words made once per buffer.
 */
function int64Reader(): (values: BigInt64Array, index: number) => number | bigint {
  let seen: BigInt64Array | undefined;
  let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  return (values, index) => {
    if (values !== seen) {
      seen = values;
      words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    }
    const high = words[2 * index + 1]!;
    return high >= -SAFE_HIGH_WORD && high < SAFE_HIGH_WORD ? high * TWO_32 + (words[2 * index]! >>> 0) : values[index]!;
  };
}

/** `date` + separator + time of a count of `unit`s since the epoch. */
function formatTimePoint(count: number | bigint, unit: number, separator: string): string {
  return typeof count === 'number' ? formatUnits(count, unit, separator) : formatNanos(count * NANOS_PER_UNIT[unit]!, separator);
}

/**
 * A decimal's two's-complement words (little-endian uint32, `words` per value) at `index` as text
 * with `scale` fraction digits, trailing zeros dropped.
 */
function formatDecimal(values: Uint32Array, index: number, words: number, scale: number): string {
  const at = index * words;
  const low = values[at]!;
  const second = values[at + 1]!;
  // The words above the second, when they are all sign (0 or 0xffffffff); else 1.
  let upper = words > 2 ? values[at + 2]! : second >= 2 ** 31 ? 0xffffffff : 0;
  for (let k = 3; k < words && upper !== 1; k++) if (values[at + k] !== upper) upper = 1;
  // Below 2^53 in magnitude: exact as a double.
  let magnitude: number | bigint;
  let negative: boolean;
  if (upper === 0 && second < 2 ** 21) {
    magnitude = second * TWO_32 + low;
    negative = false;
  } else if (upper === 0xffffffff && second >= TWO_32 - 2 ** 21) {
    magnitude = -((second - TWO_32) * TWO_32 + low);
    negative = true;
  } else {
    let value = 0n;
    for (let k = words - 1; k >= 0; k--) value = (value << 32n) | BigInt(values[at + k]!);
    value = BigInt.asIntN(words * 32, value);
    negative = value < 0n;
    magnitude = negative ? -value : value;
  }
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/**
 * BigQuery's canonical INTERVAL text, `Y-M D H:M:S[.F]` (each part carries its own sign). `nanos`
 * as a number must be an exact integer below 2^53 in magnitude: most are, and BigInt arithmetic
 * leaves a BigInt of garbage per step.
 */
export function formatInterval(months: number, days: number, nanos: bigint | number): string {
  const m = Math.abs(months);
  const ym = `${months < 0 ? '-' : ''}${Math.floor(m / 12)}-${m % 12}`;
  if (typeof nanos === 'number') {
    // Each quotient of an exact multiple, so every step stays an exact integer.
    const micros = (nanos - (nanos % 1000)) / 1000;
    const abs = Math.abs(micros);
    const fractionMicros = abs % 1_000_000;
    const seconds = (abs - fractionMicros) / 1_000_000;
    const hms = `${micros < 0 ? '-' : ''}${Math.floor(seconds / 3600)}:${Math.floor(seconds / 60) % 60}:${seconds % 60}${fraction(fractionMicros)}`;
    return `${ym} ${days} ${hms}`;
  }
  // BigQuery keeps microseconds; 2^63 nanoseconds exceed a double's exact integers, so BigInt throughout.
  const micros = nanos / 1000n;
  const abs = micros < 0n ? -micros : micros;
  const seconds = abs / 1_000_000n;
  const hms = `${micros < 0n ? '-' : ''}${seconds / 3600n}:${(seconds / 60n) % 60n}:${seconds % 60n}${fraction(Number(abs % 1_000_000n))}`;
  return `${ym} ${days} ${hms}`;
}

function intervalText(unit: number): TextOf {
  if (unit === 0) return (data, i) => formatInterval((data.values as Int32Array)[i]!, 0, 0n); // YEAR_MONTH
  if (unit === 1) {
    // DAY_TIME: days and milliseconds.
    return (data, i) => {
      const v = data.values as Int32Array;
      // Milliseconds of an int32 are below 2^31 * 10^6 < 2^53 as nanoseconds.
      return formatInterval(0, v[2 * i]!, v[2 * i + 1]! * 1_000_000);
    };
  }
  return (data, i) => {
    // MONTH_DAY_NANO: months int32, days int32, nanoseconds int64 (little-endian words).
    const v = data.values as Int32Array;
    const high = v[4 * i + 3]!;
    const nanos = high >= -SAFE_HIGH_WORD && high < SAFE_HIGH_WORD ? high * TWO_32 + (v[4 * i + 2]! >>> 0) : (BigInt(high) << 32n) | BigInt(v[4 * i + 2]! >>> 0);
    return formatInterval(v[4 * i]!, v[4 * i + 1]!, nanos);
  };
}

function floatText(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * The text BigQuery's exports write for one scalar value (CSV cells; JSON strings for the types
 * JSON cannot hold exactly): INT64 and NUMERIC as digits, BYTES as base64, TIMESTAMP as
 * `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`, DATETIME as `YYYY-MM-DDTHH:MM:SS[.ffffff]`, GEOGRAPHY as WKT,
 * JSON as its text, INTERVAL as `Y-M D H:M:S[.F]`.
 */
export function scalarTextOf(plan: ScalarPlan): TextOf {
  switch (plan.kind) {
    case 'int': return (data, i) => String((data.values as ArrayLike<number | bigint>)[i]);
    case 'float': return (data, i) => floatText((data.values as Float64Array)[i]!);
    case 'decimal': {
      const { words, scale } = plan;
      return (data, i) => formatDecimal(data.values as Uint32Array, i, words, scale);
    }
    case 'utf8': return utf8Reader();
    case 'bytes': return bytesText(plan.byteWidth);
    case 'bool':
      return (data, i) => {
        const at = data.offset + i;
        return ((data.values as Uint8Array)[at >> 3]! & (1 << (at & 7))) !== 0 ? 'true' : 'false';
      };
    case 'date': return (data, i) => formatDate((data.values as Int32Array)[i]!);
    case 'timestamp': {
      const { unit, utc } = plan;
      const read = int64Reader();
      return (data, i) => {
        const text = formatTimePoint(read(data.values as BigInt64Array, i), unit, utc ? ' ' : 'T');
        return utc ? `${text} UTC` : text;
      };
    }
    case 'time': {
      const { unit } = plan;
      const read = int64Reader();
      return (data, i) => {
        const values = data.values as Int32Array | BigInt64Array;
        const count = values instanceof BigInt64Array ? read(values, i) : values[i]!;
        return formatTimePoint(count, unit, 'T').slice(11);
      };
    }
    case 'interval': return intervalText(plan.unit);
  }
}

// BigQuery's JSON exports write <, > and & as \u escapes, so the output is safe to embed in HTML.
const HTML_UNSAFE = /[<>&]/g;
const HAS_HTML_UNSAFE = /[<>&]/;
// eslint-disable-next-line no-control-regex -- JSON must escape exactly these control characters
const JSON_INLINE_UNSAFE = /[<>&\u0000-\u001f]/g;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const HTML_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

// What JSON.stringify would escape (control characters, quote, backslash, lone surrogates: any
// surrogate sends a string the long way) and what BigQuery escapes besides.
// eslint-disable-next-line no-control-regex -- these are the characters JSON escapes
const JSON_STRING_UNSAFE = /[\u0000-\u001f"\\<>&\ud800-\udfff]/;

export function jsonString(text: string): string {
  // Most text needs no escape: one scan instead of JSON.stringify's copy and a second scan.
  if (!JSON_STRING_UNSAFE.test(text)) return `"${text}"`;
  const quoted = JSON.stringify(text);
  return HAS_HTML_UNSAFE.test(quoted) ? quoted.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]!) : quoted;
}

/**
 * JSON text of one non-null value, as BigQuery's JSON export writes it: INT64, NUMERIC,
 * BIGNUMERIC, the time types and INTERVAL as strings, FLOAT64 as a number (NaN and infinities as
 * strings), BOOL as true/false, JSON columns inline, REPEATED as an array, RECORD as an object
 * whose NULL fields are left out.
 */
export function jsonTextOf(plan: ValuePlan): TextOf {
  if (plan.kind === 'list') {
    const itemText = jsonTextOf(plan.item);
    return (data, i) => {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      let out = '[';
      for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out += `${j > offsets[i]! ? ',' : ''}${isValid(child, j) ? itemText(child, j) : 'null'}`;
      return `${out}]`;
    };
  }
  if (plan.kind === 'record') return objectTextOf(plan.fields);
  const text = scalarTextOf(plan.text);
  switch (plan.json) {
    // A JSON value is written inline. BigQuery's JSON text is canonical (no raw control characters);
    // any that a source holds anyway can only sit inside strings, where they must be escaped.
    case 'inline': return (data, i) => text(data, i).replace(JSON_INLINE_UNSAFE, (c) => HTML_ESCAPES[c] ?? unicodeEscape(c));
    case 'literal': return text;
    case 'number':
      return (data, i) => {
        const value = text(data, i);
        return value === 'NaN' || value.endsWith('Infinity') ? `"${value}"` : value;
      };
    case 'string': return (data, i) => jsonString(text(data, i));
    case 'quoted': return (data, i) => `"${text(data, i)}"`;
  }
}

/** A JSON object over the children of a struct (a RECORD value, or a whole row of a batch). */
export function objectTextOf(fields: readonly FieldPlan[]): TextOf {
  // Each key with what precedes it, made once: `{"a":` for the first field present, `,"a":` after.
  const opening = fields.map((f) => `{${jsonString(f.name)}:`);
  const following = fields.map((f) => `,${jsonString(f.name)}:`);
  const values = fields.map((f) => jsonTextOf(f.value));
  return (data, i) => {
    let out = '';
    for (let c = 0; c < values.length; c++) {
      const child = data.children[c]!;
      if (!isValid(child, i)) continue;
      out += (out === '' ? opening[c]! : following[c]!) + values[c]!(child, i);
    }
    return out === '' ? '{}' : `${out}}`;
  };
}
