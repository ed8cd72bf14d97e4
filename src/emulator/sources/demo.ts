// A synthetic table covering every BigQuery column type but picosecond TIMESTAMP (INTERVAL and
// RANGE included), for tests and benchmarks of 1-4 million rows.
// Values are written straight into typed arrays (no per-value builder calls). Row i's values
// come from PRNG streams seeded by (seed, column, i) alone, so they do not depend on batchRows.
// Every NULLABLE column is NULL in about 10% of rows; some rows hold the types' extreme values.
import * as arrow from 'apache-arrow';
import { childFields } from '../../arrow/child-fields.js';
import { fmix32 } from '../../hash.js';
import { bqSchemaToArrow, type BqField } from './bq-schema.js';

export const DEMO_FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED', description: 'row index, unique' },
  { name: 'f_float64', type: 'FLOAT64' },
  { name: 'f_numeric', type: 'NUMERIC' },
  { name: 'f_bignumeric', type: 'BIGNUMERIC' },
  { name: 'f_string', type: 'STRING' },
  { name: 'f_bytes', type: 'BYTES' },
  { name: 'f_bool', type: 'BOOL' },
  { name: 'f_date', type: 'DATE' },
  { name: 'f_datetime', type: 'DATETIME' },
  { name: 'f_time', type: 'TIME' },
  { name: 'f_timestamp', type: 'TIMESTAMP' },
  { name: 'f_geography', type: 'GEOGRAPHY' },
  { name: 'f_json', type: 'JSON' },
  { name: 'f_interval', type: 'INTERVAL' },
  { name: 'f_range_date', type: 'RANGE', rangeElementType: { type: 'DATE' } },
  { name: 'f_range_datetime', type: 'RANGE', rangeElementType: { type: 'DATETIME' } },
  { name: 'f_range_timestamp', type: 'RANGE', rangeElementType: { type: 'TIMESTAMP' } },
  { name: 'r_int64', type: 'INT64', mode: 'REPEATED' },
  { name: 'r_string', type: 'STRING', mode: 'REPEATED' },
  {
    name: 'rec', type: 'RECORD', fields: [
      { name: 'a', type: 'INT64', mode: 'REQUIRED' },
      { name: 'b', type: 'STRING' },
      { name: 'inner', type: 'RECORD', fields: [{ name: 'x', type: 'FLOAT64' }, { name: 'd', type: 'DATE' }] },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
    ],
  },
  {
    name: 'r_rec', type: 'RECORD', mode: 'REPEATED', fields: [
      { name: 'k', type: 'STRING', mode: 'REQUIRED' },
      { name: 'v', type: 'INT64' },
    ],
  },
];

// Row numbers seed the PRNG as 32-bit integers; ids and string digits stay below 2^31.
const MAX_ROWS = 2 ** 31 - 1;

/** Rows per record batch unless told otherwise. */
const DEFAULT_DEMO_BATCH_ROWS = 65536;

export interface DemoTableOptions {
  rows: number;
  /** 32-bit seed (default 1). */
  seed?: number;
  batchRows?: number;
}

export function generateDemoTable(options: DemoTableOptions): arrow.Table {
  const { rows, seed = 1, batchRows = DEFAULT_DEMO_BATCH_ROWS } = options;
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > MAX_ROWS) {
    throw new RangeError(`rows must be an integer in 0..${MAX_ROWS}, got ${rows}`);
  }
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) {
    throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  }
  const schema = bqSchemaToArrow(DEMO_FIELDS);
  const structType = new arrow.Struct(schema.fields);
  const batches: arrow.RecordBatch[] = [];
  for (let start = 0; start < rows; start += batchRows) {
    const length = Math.min(batchRows, rows - start);
    const children = generateColumns(schema, start, length, seed >>> 0);
    batches.push(new arrow.RecordBatch(schema, arrow.makeData({ type: structType, length, nullCount: 0, children })));
  }
  return new arrow.Table(schema, batches);
}

// ---- per-row random numbers -------------------------------------------------------------

let prngState = 0;

/**
 * mulberry32: the next 32 random bits of the current row's stream, as a signed int32
 * (V8 keeps those unboxed; take `>>> 1` before `%` for a non-negative number).
 */
function next(): number {
  let t = (prngState = (prngState + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return t ^ (t >>> 14);
}

/** Starts the stream of `row` (below 2^32) for a column's seed. */
function startRow(seed: number, row: number): void {
  prngState = fmix32(seed ^ Math.imul(row, 0x9e3779b1));
}

// A value is NULL when 10 random bits fall below this: 102/1024, about 10%.
const NULL_CUTOFF = 102;
const TWO32 = 2 ** 32;

// ---- constants for the extreme rows (row % 1000 picks them) -----------------------------

function int64Words(value: bigint): [number, number] {
  const bits = BigInt.asUintN(64, value);
  return [Number(bits & 0xffffffffn), Number(bits >> 32n)];
}

function decimalWords(value: bigint, words: number): Uint32Array {
  const out = new Uint32Array(words);
  let bits = BigInt.asUintN(words * 32, value);
  for (let k = 0; k < words; k++, bits >>= 32n) out[k] = Number(bits & 0xffffffffn);
  return out;
}

const NUMERIC_MAX_WORDS = decimalWords(10n ** 38n - 1n, 4);
const NUMERIC_MIN_WORDS = decimalWords(-(10n ** 38n - 1n), 4);
const BIGNUMERIC_MAX_WORDS = decimalWords(2n ** 255n - 1n, 8);
const BIGNUMERIC_MIN_WORDS = decimalWords(-(2n ** 255n), 8);
const INT64_MAX = int64Words(2n ** 63n - 1n);
const INT64_MIN = int64Words(-(2n ** 63n));
const DATE_MIN = -719162; // 0001-01-01
const DATE_MAX = 2932896; // 9999-12-31
const MICROS_MIN = int64Words(-62135596800000000n); // 0001-01-01 00:00:00
const MICROS_MAX = int64Words(253402300799999999n); // 9999-12-31 23:59:59.999999
const TIME_MAX = 86399999999; // 23:59:59.999999
// INTERVAL extremes: ±10000 years, ±3660000 days, and the most whole microseconds an int64 count
// of nanoseconds holds (BigQuery allows more hours; see interval-text.ts).
const INTERVAL_MAX_MONTHS = 120000;
const INTERVAL_MAX_DAYS = 3660000;
const INTERVAL_MAX_NANOS = int64Words(9223372036854775000n);
const INTERVAL_MIN_NANOS = int64Words(-9223372036854775000n);

// 16 words, so that 4 random bits pick one.
const WORD_TEXTS = [
  'alpha', 'beta', 'gamma', 'δέλτα', 'epsilon', '日本語', 'zeta 🚀', 'naïve café',
  'eta', 'theta', '', 'iota kappa lambda mu nu xi omicron pi rho sigma tau',
  'upsilon', 'φ', 'chi', 'psi\tomega',
];
const WORDS = WORD_TEXTS.map(utf8);
// The words inside a JSON string: the tab of 'psi\tomega' must be escaped there to be valid JSON.
const JSON_WORDS = WORD_TEXTS.map((text) => utf8(JSON.stringify(text).slice(1, -1)));

const HASH_SIGN = utf8('#');
const POINT_OPEN = utf8('POINT(');
const SPACE = utf8(' ');
const CLOSE_PAREN = utf8(')');
const COMMA = utf8(',');
const MINUS = utf8('-');
const JSON_W = utf8('{"w":"');
const JSON_TRUE = utf8('","ok":true,"xs":[');
const JSON_FALSE = utf8('","ok":false,"xs":[');
const JSON_END = utf8(']}');

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

// ---- buffers -----------------------------------------------------------------------------

class Validity {
  readonly bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  /** Draws whether value j is present (about 90%) and records it. */
  draw(j: number): boolean {
    if ((next() & 0x3ff) < NULL_CUTOFF) {
      this.nulls++;
      return false;
    }
    this.bits[j >> 3]! |= 1 << (j & 7);
    return true;
  }
  setNull(): void {
    this.nulls++;
  }
  props(length: number): Nulls {
    return this.nulls === 0 ? NO_NULLS : { nullCount: this.nulls, nullBitmap: compact(this.bits, (length + 7) >> 3) };
  }
}

interface Nulls {
  nullCount: number;
  nullBitmap: Uint8Array | undefined;
}

const NO_NULLS: Nulls = { nullCount: 0, nullBitmap: undefined };

/** The first `length` elements, copied only when the array has spare capacity. */
function compact<T extends Uint8Array | Int32Array | Uint32Array>(array: T, length: number): T {
  return (length === array.length ? array : array.slice(0, length)) as T;
}

/** Data of a fixed-width type (or Bool) over the first `length` values of `values`. */
function fixedWidth(type: arrow.DataType, values: ArrayBufferView, length: number, validity?: Validity): arrow.Data {
  const { nullCount, nullBitmap } = validity ? validity.props(length) : NO_NULLS;
  return new arrow.Data(type, 0, length, nullCount, [undefined, values, nullBitmap]);
}

/** Offsets plus bytes of a Utf8/Binary column, growing as needed. */
class VarWidth {
  readonly offsets: Int32Array;
  bytes: Uint8Array;
  used = 0;
  count = 0;
  constructor(capacity: number, bytesPerValue: number) {
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(Math.max(64, capacity * bytesPerValue));
  }
  /** `bytes`, with room for `extra` more. The check sits in each writer to stay inlined. */
  private room(extra: number): Uint8Array {
    return this.used + extra <= this.bytes.length ? this.bytes : this.grow(extra);
  }
  private grow(extra: number): Uint8Array {
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + extra));
    grown.set(this.bytes.subarray(0, this.used));
    return (this.bytes = grown);
  }
  put(src: Uint8Array): void {
    const length = src.length;
    const bytes = this.room(length);
    const used = this.used;
    // Faster than bytes.set() for the few bytes of a word.
    for (let k = 0; k < length; k++) bytes[used + k] = src[k]!;
    this.used = used + length;
  }
  /** `length` random bytes. */
  putRandom(length: number): void {
    const bytes = this.room(length);
    const used = this.used;
    for (let k = 0, bits = 0; k < length; k++, bits >>>= 8) {
      if ((k & 3) === 0) bits = next();
      bytes[used + k] = bits & 0xff;
    }
    this.used = used + length;
  }
  /** Decimal digits of a non-negative integer below 2^31. */
  uint(value: number): void {
    let digits = 1;
    for (let p = 10; p <= value; p *= 10) digits++;
    const bytes = this.room(digits);
    const used = this.used;
    for (let at = used + digits - 1, v = value | 0; at >= used; at--) {
      const q = (v / 10) | 0;
      bytes[at] = 48 + v - q * 10;
      v = q;
    }
    this.used = used + digits;
  }
  /** A count of millionths (|m| < 2^31) as [-]D.DDDDDD. */
  fixed6(millionths: number): void {
    if (millionths < 0) {
      this.put(MINUS);
      millionths = -millionths;
    }
    const whole = (millionths / 1e6) | 0;
    this.uint(whole);
    const bytes = this.room(7);
    const used = this.used;
    bytes[used] = 46; // '.'
    for (let at = used + 6, v = millionths - whole * 1e6; at > used; at--) {
      const q = (v / 10) | 0;
      bytes[at] = 48 + v - q * 10;
      v = q;
    }
    this.used = used + 7;
  }
  /** Ends value number `count` (an empty one if nothing was written). */
  end(): void {
    this.offsets[++this.count] = this.used;
  }
  data(type: arrow.DataType, validity?: Validity): arrow.Data {
    const { nullCount, nullBitmap } = validity ? validity.props(this.count) : NO_NULLS;
    const valueOffsets = compact(this.offsets, this.count + 1);
    return new arrow.Data(type, 0, this.count, nullCount, [valueOffsets, compact(this.bytes, this.used), nullBitmap]);
  }
}

/** Values of a 64-bit column (Int64, Timestamp, Time64), written as two 32-bit words. */
class Words64 {
  readonly words: Uint32Array;
  count = 0;
  constructor(capacity: number) {
    this.words = new Uint32Array(capacity * 2);
  }
  /** The value's high and low 32 bits (either signed or unsigned: stored modulo 2^32). */
  put(hi: number, lo: number): void {
    this.words[2 * this.count] = lo;
    this.words[2 * this.count + 1] = hi;
    this.count++;
  }
  /** A safe integer (|v| < 2^53). */
  putSafe(value: number): void {
    this.put(Math.floor(value / TWO32), value >>> 0);
  }
  values(): BigInt64Array {
    return new BigInt64Array(compact(this.words, this.count * 2).buffer);
  }
}

// ---- value writers -----------------------------------------------------------------------

/** A random word from `words` (WORDS or JSON_WORDS). */
function word(words: readonly Uint8Array[] = WORDS): Uint8Array {
  return words[next() & 15]!;
}

function randomFloat(): number {
  return (next() + (next() >>> 0) / TWO32) / 1024;
}

/** Days in 1950..2049. */
function randomDate(): number {
  return ((next() >>> 1) % 36525) - 7305;
}

/**
 * A random scaled decimal of `randomWords` 32-bit words, the top one signed and extended
 * over the rest of the value's `words`: NUMERIC gets 3 (integer part within ±4e19),
 * BIGNUMERIC 5 (within ±7e9, with 38 fractional digits); extreme rows cover the rest.
 */
function putRandomDecimal(out: Uint32Array, at: number, words: number, randomWords: number): void {
  for (let k = 0; k < randomWords; k++) out[at + k] = next();
  if (out[at + randomWords - 1]! >= 0x80000000) {
    for (let k = randomWords; k < words; k++) out[at + k] = 0xffffffff;
  }
}

// ---- the columns of one batch ------------------------------------------------------------
// Each column draws from its own stream per row, seeded by (column, seed, row), so that each
// generator is a small loop of its own.

interface Rows {
  /** Table row of the batch's first row. */
  start: number;
  /** Rows in the batch. */
  n: number;
  /** This column's stream seed. */
  seed: number;
}

type ColumnGenerator = (type: arrow.DataType, rows: Rows) => arrow.Data;

function generateColumns(schema: arrow.Schema, start: number, n: number, seed: number): arrow.Data[] {
  return schema.fields.map((field, k) => {
    const generate = COLUMN_GENERATORS[field.name];
    if (!generate) throw new Error(`no demo generator for column ${field.name}`);
    return generate(field.type as arrow.DataType, { start, n, seed: fmix32(seed ^ fmix32(k + 1)) });
  });
}

const COLUMN_GENERATORS: Readonly<Record<string, ColumnGenerator>> = {
  id: (type, { start, n }) => {
    const values = new Words64(n);
    for (let j = 0; j < n; j++) values.putSafe(start + j);
    return fixedWidth(type, values.values(), n);
  },

  f_float64: (type, { start, n, seed }) => {
    const values = new Float64Array(n);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      if (!valid.draw(j)) continue;
      const special = row % 1000;
      values[j] = special === 7 ? NaN : special === 8 ? Infinity : special === 9 ? -Infinity : randomFloat();
    }
    return fixedWidth(type, values, n, valid);
  },

  f_numeric: (type, rows) => decimalColumn(type, rows, 4, 3, NUMERIC_MAX_WORDS, NUMERIC_MIN_WORDS),

  f_bignumeric: (type, rows) => decimalColumn(type, rows, 8, 5, BIGNUMERIC_MAX_WORDS, BIGNUMERIC_MIN_WORDS),

  f_string: (type, { start, n, seed }) => {
    const values = new VarWidth(n, 16);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      if (valid.draw(j)) {
        values.put(word());
        values.put(HASH_SIGN);
        values.uint(row);
      }
      values.end();
    }
    return values.data(type, valid);
  },

  f_bytes: (type, { start, n, seed }) => {
    const values = new VarWidth(n, 8);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      if (valid.draw(j)) {
        values.putRandom((next() >>> 1) % 17);
      }
      values.end();
    }
    return values.data(type, valid);
  },

  f_bool: (type, { start, n, seed }) => {
    const bits = new Uint8Array((n + 7) >> 3);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      if (valid.draw(j) && (next() & 1) === 1) bits[j >> 3]! |= 1 << (j & 7);
    }
    return fixedWidth(type, bits, n, valid);
  },

  f_date: (type, { start, n, seed }) => {
    const values = new Int32Array(n);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      if (!valid.draw(j)) continue;
      const special = row % 1000;
      values[j] = special === 13 ? DATE_MIN : special === 14 ? DATE_MAX : randomDate();
    }
    return fixedWidth(type, values, n, valid);
  },

  f_datetime: (type, rows) => microsColumn(type, rows, 15),

  f_time: (type, { start, n, seed }) => {
    const values = new Words64(n);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      const special = row % 1000;
      if (!valid.draw(j) || special === 17) values.put(0, 0);
      else if (special === 18) values.putSafe(TIME_MAX);
      else values.putSafe(((next() >>> 1) % 86400) * 1e6 + ((next() >>> 1) % 1e6));
    }
    return fixedWidth(type, values.values(), n, valid);
  },

  f_timestamp: (type, rows) => microsColumn(type, rows, 19),

  f_geography: (type, { start, n, seed }) => {
    const values = new VarWidth(n, 28);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      if (valid.draw(j)) {
        values.put(POINT_OPEN);
        values.fixed6(((next() >>> 1) % 360000001) - 180000000);
        values.put(SPACE);
        values.fixed6(((next() >>> 1) % 180000001) - 90000000);
        values.put(CLOSE_PAREN);
      }
      values.end();
    }
    return values.data(type, valid);
  },

  f_json: (type, { start, n, seed }) => {
    const values = new VarWidth(n, 40);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      if (valid.draw(j)) {
        values.put(JSON_W);
        values.put(word(JSON_WORDS));
        values.put((next() & 1) === 1 ? JSON_TRUE : JSON_FALSE);
        for (let k = (next() >>> 1) % 3; k > 0; k--) {
          values.uint((next() >>> 1) % 1000);
          if (k > 1) values.put(COMMA);
        }
        values.put(JSON_END);
      }
      values.end();
    }
    return values.data(type, valid);
  },

  f_interval: (type, { start, n, seed }) => {
    // Arrow MONTH_DAY_NANO: months, days, then nanoseconds as two little-endian 32-bit words.
    const values = new Int32Array(4 * n);
    const valid = new Validity(n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      if (!valid.draw(j)) continue;
      const special = row % 1000;
      if (special === 23 || special === 24) {
        const sign = special === 23 ? 1 : -1;
        const nanos = special === 23 ? INTERVAL_MAX_NANOS : INTERVAL_MIN_NANOS;
        values.set([sign * INTERVAL_MAX_MONTHS, sign * INTERVAL_MAX_DAYS, nanos[0], nanos[1]], 4 * j);
        continue;
      }
      values[4 * j] = ((next() >>> 1) % 241) - 120;
      values[4 * j + 1] = ((next() >>> 1) % 61) - 30;
      // BigQuery intervals hold whole microseconds: |micros| < 2^40, so nanos stay exact doubles.
      const nanos = (((next() & 0xff) - 0x80) * TWO32 + (next() >>> 0)) * 1000;
      const high = Math.floor(nanos / TWO32);
      values[4 * j + 2] = nanos - high * TWO32;
      values[4 * j + 3] = high;
    }
    return fixedWidth(type, values, n, valid);
  },

  f_range_date: (type, rows) => rangeColumn(type, rows, () => {
    const first = randomDate();
    return [first, first + 1 + ((next() >>> 1) % 400)];
  }),

  f_range_datetime: (type, rows) => rangeColumn(type, rows, randomMicrosRange),

  f_range_timestamp: (type, rows) => rangeColumn(type, rows, randomMicrosRange),

  r_int64: (type, { start, n, seed }) => {
    const offsets = new Int32Array(n + 1);
    const items = new Words64(4 * n);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      startRow(seed, row);
      if (row % 1000 === 21) {
        items.put(INT64_MIN[1], INT64_MIN[0]);
        items.put(INT64_MAX[1], INT64_MAX[0]);
      } else {
        for (let k = (next() >>> 1) % 5; k > 0; k--) items.put((next() & 0x1fffff) - 0x100000, next());
      }
      offsets[j + 1] = items.count;
    }
    return listData(type, offsets, fixedWidth(listItemType(type), items.values(), items.count));
  },

  r_string: (type, { start, n, seed }) => {
    const offsets = new Int32Array(n + 1);
    const items = new VarWidth(3 * n, 8);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      for (let k = next() & 3; k > 0; k--) {
        items.put(word());
        items.end();
      }
      offsets[j + 1] = items.count;
    }
    return listData(type, offsets, items.data(listItemType(type)));
  },

  rec: (type, { start, n, seed }) => {
    const valid = new Validity(n);
    const a = new Words64(n);
    const b = new VarWidth(n, 8);
    const bValid = new Validity(n);
    const innerValid = new Validity(n);
    const x = new Float64Array(n);
    const xValid = new Validity(n);
    const d = new Int32Array(n);
    const dValid = new Validity(n);
    const tagsOffsets = new Int32Array(n + 1);
    const tags = new VarWidth(2 * n, 8);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      if (valid.draw(j)) {
        a.put(0, next());
        if (bValid.draw(j)) b.put(word());
        if (innerValid.draw(j)) {
          if (xValid.draw(j)) x[j] = randomFloat();
          if (dValid.draw(j)) d[j] = randomDate();
        } else {
          xValid.setNull();
          dValid.setNull();
        }
        for (let k = (next() >>> 1) % 3; k > 0; k--) {
          tags.put(word());
          tags.end();
        }
      } else {
        // Under a NULL record the REQUIRED field still holds a (zero) value; the others are NULL.
        a.put(0, 0);
        bValid.setNull();
        innerValid.setNull();
        xValid.setNull();
        dValid.setNull();
      }
      b.end();
      tagsOffsets[j + 1] = tags.count;
    }
    const innerType = child(type, 'inner');
    const tagsType = child(type, 'tags');
    return arrow.makeData({
      type: type as arrow.Struct, length: n, ...valid.props(n),
      children: [
        fixedWidth(child(type, 'a'), a.values(), n),
        b.data(child(type, 'b'), bValid),
        arrow.makeData({
          type: innerType as arrow.Struct, length: n, ...innerValid.props(n),
          children: [fixedWidth(child(innerType, 'x'), x, n, xValid), fixedWidth(child(innerType, 'd'), d, n, dValid)],
        }),
        listData(tagsType, tagsOffsets, tags.data(listItemType(tagsType))),
      ],
    });
  },

  r_rec: (type, { start, n, seed }) => {
    const offsets = new Int32Array(n + 1);
    const k = new VarWidth(3 * n, 8);
    const v = new Words64(3 * n);
    const vValid = new Validity(3 * n);
    for (let j = 0; j < n; j++) {
      startRow(seed, start + j);
      for (let items = next() & 3; items > 0; items--) {
        k.put(word());
        k.end();
        if (vValid.draw(v.count)) v.put(0, (next() >>> 1) % 1000);
        else v.put(0, 0);
      }
      offsets[j + 1] = k.count;
    }
    const itemType = listItemType(type);
    const items = arrow.makeData({
      type: itemType as arrow.Struct, length: k.count, nullCount: 0,
      children: [k.data(child(itemType, 'k')), fixedWidth(child(itemType, 'v'), v.values(), v.count, vValid)],
    });
    return listData(type, offsets, items);
  },
};

function decimalColumn(
  type: arrow.DataType, { start, n, seed }: Rows, words: number, randomWords: number,
  maxWords: Uint32Array, minWords: Uint32Array,
): arrow.Data {
  const values = new Uint32Array(words * n);
  const valid = new Validity(n);
  for (let j = 0; j < n; j++) {
    const row = start + j;
    startRow(seed, row);
    if (!valid.draw(j)) continue;
    const special = row % 1000;
    if (special === 11) values.set(maxWords, words * j);
    else if (special === 12) values.set(minWords, words * j);
    else putRandomDecimal(values, words * j, words, randomWords);
  }
  return fixedWidth(type, values, n, valid);
}

/** DATETIME or TIMESTAMP; rows `special` and `special + 1` (mod 1000) hold the min and max. */
function microsColumn(type: arrow.DataType, { start, n, seed }: Rows, special: number): arrow.Data {
  const values = new Words64(n);
  const valid = new Validity(n);
  for (let j = 0; j < n; j++) {
    const row = start + j;
    startRow(seed, row);
    if (!valid.draw(j)) values.put(0, 0);
    else if (row % 1000 === special) values.put(MICROS_MIN[1], MICROS_MIN[0]);
    else if (row % 1000 === special + 1) values.put(MICROS_MAX[1], MICROS_MAX[0]);
    else values.put((next() & 0xfffff) - 0x80000, next()); // about 1898..2041
  }
  return fixedWidth(type, values.values(), n, valid);
}

/** Bounds in microseconds, about 1827..2112, start < end, as exact doubles. */
function randomMicrosRange(): [number, number] {
  const first = ((next() & 0xfffff) - 0x80000) * TWO32 + (next() >>> 0);
  return [first, first + 1 + ((next() >>> 1) % 1e6) * 1e6];
}

/**
 * A RANGE column: NULL in about 10% of rows, each bound unbounded (NULL) in about 10% of the rest;
 * `draw` gives the bounds (days or microseconds) with start < end.
 */
function rangeColumn(type: arrow.DataType, { start, n, seed }: Rows, draw: () => [number, number]): arrow.Data {
  const boundType = child(type, 'start');
  const days = arrow.DataType.isDate(boundType);
  const firsts = days ? new Int32Array(n) : new Words64(n);
  const lasts = days ? new Int32Array(n) : new Words64(n);
  const put = (out: Int32Array | Words64, j: number, value: number) => {
    if (out instanceof Int32Array) out[j] = value;
    else out.putSafe(value);
  };
  const valid = new Validity(n);
  const firstValid = new Validity(n);
  const lastValid = new Validity(n);
  for (let j = 0; j < n; j++) {
    startRow(seed, start + j);
    let bounds: [number, number] = [0, 0];
    if (valid.draw(j)) {
      bounds = draw();
      if (!firstValid.draw(j)) bounds[0] = 0;
      if (!lastValid.draw(j)) bounds[1] = 0;
    } else {
      firstValid.setNull();
      lastValid.setNull();
    }
    put(firsts, j, bounds[0]);
    put(lasts, j, bounds[1]);
  }
  const values = (out: Int32Array | Words64) => (out instanceof Int32Array ? out : out.values());
  return arrow.makeData({
    type: type as arrow.Struct, length: n, ...valid.props(n),
    children: [
      fixedWidth(boundType, values(firsts), n, firstValid),
      fixedWidth(child(type, 'end'), values(lasts), n, lastValid),
    ],
  });
}

function listData(type: arrow.DataType, valueOffsets: Int32Array, item: arrow.Data): arrow.Data {
  return arrow.makeData({ type: type as arrow.List, length: valueOffsets.length - 1, nullCount: 0, valueOffsets, child: item });
}

function child(type: arrow.DataType, name: string): arrow.DataType {
  const field = childFields(type).find((f) => f.name === name);
  if (!field) throw new Error(`demo schema has no field ${name}`);
  return field.type;
}

function listItemType(type: arrow.DataType): arrow.DataType {
  return childFields(type)[0]!.type;
}
