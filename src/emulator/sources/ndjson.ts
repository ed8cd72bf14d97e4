// Newline-delimited JSON (as `bq load --source_format=NEWLINE_DELIMITED_JSON` reads it) into an
// Arrow table with the exact types the Storage Read API sends. Arrow Data is assembled straight
// from typed arrays: arrow's builders would round microsecond timestamps to milliseconds.
//
// Exactness: INT64, NUMERIC and BIGNUMERIC values written as JSON strings are exact. Written as
// JSON numbers they pass through a float64 first, so integers beyond 2^53 are rejected (quote
// them) and decimals with more than ~15 significant digits should be quoted as well.
// NUMERIC/BIGNUMERIC digits beyond the scale (the declared one, else 9 / 38) are rounded (as
// BigQuery does) half away from zero; fractional TIMESTAMP epoch seconds round the same way to the
// microsecond. DATETIME and TIMESTAMP also accept a date alone (midnight), as BigQuery's canonical
// format does. INTERVAL is its canonical text (interval-text.ts); RANGE is the text `bq load` reads,
// `[start, end)` with UNBOUNDED (or NULL) for an open bound, or an object {"start", "end"}.
import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { BqReadError } from '../../errors.js';
import { parseDecimal, writeDecimalWords } from '../../decimal-text.js';
import { daysFromCivil } from '../../temporal-text.js';
import {
  bqSchemaToArrow, decimalPrecisionScale, normalizeBqFields, parseBqSchemaJson,
  type BqField, type NormalizedBqField, type RangeElementType,
} from './bq-schema.js';
import { parseIntervalText, writeIntervalParts } from '../../interval-text.js';
import { parseRangeText } from '../../range-text.js';
import { childFields } from '../../arrow/child-fields.js';
import { formatPicosTimestamp } from './picos-timestamp.js';
import { isWkt } from './wkt.js';

/** Rows per record batch unless told otherwise: enough to amortize per-batch overhead while
 *  keeping a batch of typical rows to a few MB. */
const DEFAULT_NDJSON_BATCH_ROWS = 65536;

export class NdjsonError extends BqReadError {
  override name = 'NdjsonError';

  constructor(
    readonly problem: string,
    readonly line?: number,
    readonly fieldPath?: string,
    readonly source?: string,
  ) {
    super(
      (source ? `${source}: ` : '') +
      (line !== undefined ? `line ${line}: ` : '') +
      (fieldPath ? `field ${fieldPath}: ` : '') +
      problem,
    );
  }
}

export interface NdjsonOptions {
  /** Rows per record batch (default DEFAULT_NDJSON_BATCH_ROWS). */
  batchRows?: number;
  /** Named in error messages, e.g. the file path. */
  source?: string;
}

export function loadNdjsonTable(ndjsonPath: string, schemaPath: string): arrow.Table {
  const fields = parseBqSchemaJson(readFileSync(schemaPath, 'utf8'), schemaPath);
  return tableFromNdjson(readFileSync(ndjsonPath, 'utf8'), fields, { source: ndjsonPath });
}

export function tableFromNdjson(text: string, fields: BqField[], options: NdjsonOptions = {}): arrow.Table {
  const batchRows = options.batchRows ?? DEFAULT_NDJSON_BATCH_ROWS;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) {
    throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  }
  const normalized = normalizeBqFields(fields);
  const schema = bqSchemaToArrow(normalized);
  const structType = new arrow.Struct(schema.fields);
  try {
    const { rows, lines } = parseLines(text);
    const batches: arrow.RecordBatch[] = [];
    for (let start = 0; start < rows.length; start += batchRows) {
      const end = Math.min(rows.length, start + batchRows);
      const children = buildChildren(normalized, structType, rows.slice(start, end), lines.slice(start, end), '');
      const data = arrow.makeData({ type: structType, length: end - start, nullCount: 0, children });
      batches.push(new arrow.RecordBatch(schema, data));
    }
    return new arrow.Table(schema, batches);
  } catch (err) {
    if (err instanceof NdjsonError && options.source !== undefined) {
      throw new NdjsonError(err.problem, err.line, err.fieldPath, options.source);
    }
    throw err;
  }
}

function parseLines(text: string): { rows: unknown[]; lines: number[] } {
  const rows: unknown[] = [];
  const lines: number[] = [];
  const physical = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i]!;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new NdjsonError(`invalid JSON: ${(err as Error).message}`, i + 1);
    }
    if (!isPlainObject(row)) throw new NdjsonError(`expected a JSON object, got ${describe(row)}`, i + 1);
    rows.push(row);
    lines.push(i + 1);
  }
  return { rows, lines };
}

// Stands in for the values of fields whose parent RECORD is NULL: they read as NULL
// (or zero/empty where the field cannot be NULL) and are not checked.
const UNDER_NULL_PARENT = Symbol('under null parent');

/** Thrown by value converters; the column builder adds the line number and field path. */
class ValueProblem extends Error {}

function isAbsent(cell: unknown): boolean {
  return cell === undefined || cell === null || cell === UNDER_NULL_PARENT;
}

/** Builds one Data per sub-field from objects (`cells`), checking for keys not in the schema. */
function buildChildren(
  fields: NormalizedBqField[], type: arrow.Struct, cells: unknown[], lines: number[], parentPath: string,
): arrow.Data[] {
  const names = new Set(fields.map((f) => f.name));
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (isAbsent(cell)) continue;
    for (const key of Object.keys(cell as object)) {
      if (!names.has(key)) throw new NdjsonError('not in the schema', lines[i], joinPath(parentPath, key));
    }
  }
  return fields.map((f, k) => {
    const childCells = cells.map((cell) => {
      if (isAbsent(cell)) return UNDER_NULL_PARENT;
      const obj = cell as Record<string, unknown>;
      return Object.hasOwn(obj, f.name) ? obj[f.name] : undefined;
    });
    return buildColumn(f, childFields(type)[k]!, childCells, lines, joinPath(parentPath, f.name));
  });
}

function buildColumn(f: NormalizedBqField, field: arrow.Field<arrow.DataType>, cells: unknown[], lines: number[], path: string): arrow.Data {
  if (f.mode !== 'REPEATED') return buildValues(f, field.type, cells, lines, path, f.mode === 'NULLABLE');

  const offsets = new Int32Array(cells.length + 1);
  const items: unknown[] = [];
  const itemLines: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    // BigQuery has no NULL arrays: null or missing reads as an empty array.
    if (!isAbsent(cell)) {
      if (!Array.isArray(cell)) throw new NdjsonError(`expected an array (REPEATED), got ${describe(cell)}`, lines[i], path);
      for (let k = 0; k < cell.length; k++) {
        if (cell[k] === null) throw new NdjsonError(`array element ${k} is null; BigQuery arrays cannot hold NULL`, lines[i], path);
        items.push(cell[k]);
        itemLines.push(lines[i]!);
      }
    }
    offsets[i + 1] = items.length;
  }
  const listType = field.type as arrow.List;
  const child = buildValues(f, childFields(listType)[0]!.type, items, itemLines, path, false);
  return arrow.makeData({ type: listType, length: cells.length, nullCount: 0, valueOffsets: offsets, child });
}

/** Data of one value per cell (a column, or the items of a REPEATED column). */
function buildValues(
  f: NormalizedBqField, type: arrow.DataType, cells: unknown[], lines: number[], path: string, nullable: boolean,
): arrow.Data {
  const n = cells.length;
  const validity = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    if (!isAbsent(cell)) {
      validity[i >> 3]! |= 1 << (i & 7);
    } else if (nullable) {
      nullCount++;
    } else if (cell === UNDER_NULL_PARENT) {
      // A REQUIRED field of a NULL record: Arrow still needs a (zero) value there.
      validity[i >> 3]! |= 1 << (i & 7);
    } else {
      throw new NdjsonError(cell === undefined ? 'missing REQUIRED field' : 'REQUIRED field is null', lines[i], path);
    }
  }
  const nulls = { nullCount, nullBitmap: nullCount > 0 ? validity : null };

  const each = (write: (cell: unknown, i: number) => void): void => {
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (isAbsent(cell)) continue;
      try {
        write(cell, i);
      } catch (err) {
        if (err instanceof ValueProblem) throw new NdjsonError(err.message, lines[i], path);
        throw err;
      }
    }
  };

  if (f.timestampPrecision === 12) return textColumn(n, lines, path, type, nulls, each, toPicosTimestamp);
  switch (f.type) {
    case 'INT64':
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'TIME': {
      const convert = f.type === 'INT64' ? toInt64 : f.type === 'DATETIME' ? toDatetime : f.type === 'TIMESTAMP' ? toTimestamp : toTime;
      const data = new BigInt64Array(n);
      each((cell, i) => { data[i] = convert(cell); });
      return arrow.makeData({ type: type as arrow.Int64, length: n, ...nulls, data });
    }
    case 'FLOAT64': {
      const data = new Float64Array(n);
      each((cell, i) => { data[i] = toFloat64(cell); });
      return arrow.makeData({ type: type as arrow.Float64, length: n, ...nulls, data });
    }
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const words = f.type === 'NUMERIC' ? 4 : 8;
      const data = new Uint32Array(n * words);
      const { precision, scale } = decimalPrecisionScale(f);
      const limits = decimalLimits(f.type, f.precision);
      const typeName = f.precision === undefined ? f.type : `${f.type}(${precision}, ${scale})`;
      each((cell, i) => { writeDecimalWords(data, i * words, words, toDecimal(cell, typeName, scale, limits)); });
      return arrow.makeData({ type: type as arrow.Decimal, length: n, ...nulls, data });
    }
    case 'INTERVAL': {
      const data = new Int32Array(4 * n);
      each((cell, i) => { writeIntervalParts(data, i, toInterval(cell)); });
      return arrow.makeData({ type: type as arrow.IntervalMonthDayNano, length: n, ...nulls, data });
    }
    case 'RANGE': {
      const element = f.rangeElementType!.type;
      // Bounds of a NULL range stay absent (NULL, or under a NULL parent); the others are parsed.
      const bounds = cells.map((cell) => (isAbsent(cell) ? cell : undefined));
      const ends = [...bounds];
      each((cell, i) => { [bounds[i], ends[i]] = toRangeBounds(cell, element); });
      const bound = (name: string): NormalizedBqField => ({ name, type: element, mode: 'NULLABLE' });
      const [startField, endField] = childFields(type);
      return arrow.makeData({
        type: type as arrow.Struct, length: n, ...nulls,
        children: [
          buildValues(bound('start'), startField!.type, bounds, lines, joinPath(path, 'start'), true),
          buildValues(bound('end'), endField!.type, ends, lines, joinPath(path, 'end'), true),
        ],
      });
    }
    case 'BOOL': {
      const data = new Uint8Array((n + 7) >> 3);
      each((cell, i) => { if (toBool(cell)) data[i >> 3]! |= 1 << (i & 7); });
      return arrow.makeData({ type: type as arrow.Bool, length: n, ...nulls, data });
    }
    case 'DATE': {
      const data = new Int32Array(n);
      each((cell, i) => { data[i] = toDate(cell); });
      return arrow.makeData({ type: type as arrow.DateDay, length: n, ...nulls, data });
    }
    case 'STRING':
    case 'GEOGRAPHY':
    case 'JSON':
    case 'BYTES': {
      const kind = f.type;
      const convert = kind === 'BYTES' ? toBytes : kind === 'JSON' ? toJsonText : kind === 'GEOGRAPHY' ? toGeography : (cell: unknown) => toText(cell, kind);
      return textColumn(n, lines, path, type, nulls, each, convert);
    }
    case 'RECORD': {
      each((cell) => { if (!isPlainObject(cell)) throw new ValueProblem(`expected a JSON object (RECORD), got ${describe(cell)}`); });
      const children = buildChildren(f.fields ?? [], type as arrow.Struct, cells, lines, path);
      return arrow.makeData({ type: type as arrow.Struct, length: n, ...nulls, children });
    }
  }
}

type Nulls = { nullCount: number; nullBitmap: Uint8Array | null };
type EachCell = (write: (cell: unknown, i: number) => void) => void;

/** Utf8 / Binary data of `convert`ed cells. */
function textColumn(
  n: number, lines: number[], path: string, type: arrow.DataType, nulls: Nulls, each: EachCell,
  convert: (cell: unknown) => Uint8Array,
): arrow.Data {
  const chunks = new Array<Uint8Array | undefined>(n);
  each((cell, i) => { chunks[i] = convert(cell); });
  const valueOffsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += chunks[i]?.length ?? 0;
    if (total > 0x7fffffff) throw new NdjsonError('more than 2 GiB of text in one batch; lower batchRows', lines[i], path);
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const chunk = chunks[i];
    if (chunk) data.set(chunk, valueOffsets[i]);
  }
  return arrow.makeData({ type: type as arrow.Utf8, length: n, ...nulls, valueOffsets, data });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInt64(v: unknown): bigint {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return BigInt(v);
    if (Number.isInteger(v)) throw new ValueProblem(`integer ${v} is beyond 2^53 and lost precision as a JSON number; write it as a string`);
    throw new ValueProblem(`expected an integer, got ${v}`);
  }
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v)) throw new ValueProblem(`expected an integer, got ${JSON.stringify(v)}`);
    const value = BigInt(v);
    if (value < INT64_MIN || value > INT64_MAX) throw new ValueProblem(`${v} is out of INT64 range`);
    return value;
  }
  throw new ValueProblem(`expected an integer (number or string), got ${describe(v)}`);
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT_SPECIALS: Readonly<Record<string, number>> = {
  'nan': NaN, 'inf': Infinity, '+inf': Infinity, '-inf': -Infinity,
  'infinity': Infinity, '+infinity': Infinity, '-infinity': -Infinity,
};

function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (FLOAT_RE.test(v)) return Number(v);
    const special = FLOAT_SPECIALS[v.toLowerCase()];
    if (special !== undefined) return special;
    throw new ValueProblem(`expected a FLOAT64, got ${JSON.stringify(v)}`);
  }
  throw new ValueProblem(`expected a FLOAT64 (number or string), got ${describe(v)}`);
}

interface DecimalLimits {
  readonly min: bigint;
  readonly max: bigint;
  readonly description: string;
}

const NUMERIC_MAX = 10n ** 38n - 1n; // 29 integer digits + 9 fractional
const BIGNUMERIC_MIN = -(2n ** 255n);
const BIGNUMERIC_MAX = 2n ** 255n - 1n;

/**
 * The unscaled values a column admits: with a declared precision P, |value| <= 10^P - 1 at the
 * declared scale (table.proto, TableFieldSchema.precision); else the type's own range.
 */
function decimalLimits(type: string, precision: number | undefined): DecimalLimits {
  if (precision !== undefined) {
    const max = 10n ** BigInt(precision) - 1n;
    return { min: -max, max, description: `at most ${precision} digits` };
  }
  return type === 'NUMERIC'
    ? { min: -NUMERIC_MAX, max: NUMERIC_MAX, description: 'at most 29 integer digits' }
    : { min: BIGNUMERIC_MIN, max: BIGNUMERIC_MAX, description: 'range is about ±5.79e38' };
}

/** The value times 10^scale, as the bigint that Arrow stores; `typeName` is for messages. */
function toDecimal(v: unknown, typeName: string, scale: number, limits: DecimalLimits): bigint {
  const text = decimalText(v, typeName);
  // parseDecimal takes the white space around a number that SQL's casts allow; a JSON value is the number alone.
  const scaled = text === text.trim() ? parseDecimal(text, scale) : undefined;
  if (scaled === undefined) throw new ValueProblem(`expected a ${typeName}, got ${JSON.stringify(v)}`);
  if (scaled < limits.min || scaled > limits.max) {
    throw new ValueProblem(`${text} is out of ${typeName} range (${limits.description})`);
  }
  return scaled;
}

function toInterval(v: unknown) {
  const parts = parseIntervalText(expectString(v, 'INTERVAL'));
  if (typeof parts === 'string') throw new ValueProblem(parts);
  return parts;
}

/**
 * A RANGE's bounds (null where unbounded), checked by converting them; BigQuery requires
 * start < end when both are bounded.
 */
function toRangeBounds(v: unknown, element: RangeElementType): [unknown, unknown] {
  let bounds: [unknown, unknown];
  if (typeof v === 'string') {
    const text = parseRangeText(v);
    if (!text) throw new ValueProblem(`expected a RANGE as "[start, end)", got ${JSON.stringify(v)}`);
    bounds = text;
  } else if (isPlainObject(v) && Object.keys(v).every((key) => key === 'start' || key === 'end')) {
    bounds = [v.start ?? null, v.end ?? null];
  } else {
    throw new ValueProblem(`expected a RANGE as "[start, end)" or {"start", "end"}, got ${describe(v)}`);
  }
  const convert = element === 'DATE' ? (b: unknown) => BigInt(toDate(b)) : element === 'DATETIME' ? toDatetime : toTimestamp;
  const [start, end] = bounds.map((b) => (b === null ? null : convert(b)));
  if (start !== null && end !== null && start! >= end!) {
    throw new ValueProblem(`RANGE ${JSON.stringify(v)} must have start < end`);
  }
  return bounds;
}

function decimalText(v: unknown, type: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValueProblem(`${v} is not a valid ${type}`);
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      throw new ValueProblem(`${v} is beyond 2^53 and lost precision as a JSON number; write it as a string`);
    }
    return String(v);
  }
  throw new ValueProblem(`expected a ${type} (string or number), got ${describe(v)}`);
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new ValueProblem(`expected a BOOL (true/false), got ${describe(v)}`);
}

const DATE_PART = '(\\d{4})-(\\d{1,2})-(\\d{1,2})';
const TIME_PART = '(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?';
const DATE_RE = new RegExp(`^${DATE_PART}$`);
const TIME_RE = new RegExp(`^${TIME_PART}$`);
const DATETIME_RE = new RegExp(`^${DATE_PART}(?:[Tt ]${TIME_PART})?$`);
const TIMESTAMP_RE = new RegExp(`^${DATE_PART}(?:[Tt ]${TIME_PART})? *(Z|z|UTC|[+-]\\d{1,2}(?::?\\d{2})?)?$`);

const MICROS_PER_DAY = 86_400_000_000n;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, BigQuery's TIMESTAMP range.
const TIMESTAMP_MIN = -62_135_596_800_000_000n;
const TIMESTAMP_MAX = 253_402_300_799_999_999n;

function expectString(v: unknown, type: string): string {
  if (typeof v !== 'string') throw new ValueProblem(`expected a ${type} string, got ${describe(v)}`);
  return v;
}

function toDate(v: unknown): number {
  const m = DATE_RE.exec(expectString(v, 'DATE'));
  if (!m) throw new ValueProblem(`expected a DATE as YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return epochDay(m[1]!, m[2]!, m[3]!, v as string);
}

function toTime(v: unknown): bigint {
  const m = TIME_RE.exec(expectString(v, 'TIME'));
  if (!m) throw new ValueProblem(`expected a TIME as HH:MM:SS[.ffffff], got ${JSON.stringify(v)}`);
  return BigInt(microsOfDay(m[1]!, m[2]!, m[3]!, m[4], v as string));
}

function toDatetime(v: unknown): bigint {
  const m = DATETIME_RE.exec(expectString(v, 'DATETIME'));
  if (!m) throw new ValueProblem(`expected a DATETIME as YYYY-MM-DD[ T]HH:MM:SS[.ffffff], got ${JSON.stringify(v)}`);
  return dateTimeMicros(m, v as string);
}

function toTimestamp(v: unknown): bigint {
  let micros: bigint;
  if (typeof v === 'number') {
    // Epoch seconds, possibly fractional (rounded to the microsecond).
    const scaled = Number.isFinite(v) ? parseDecimal(decimalText(v, 'TIMESTAMP'), 6) : undefined;
    if (scaled === undefined) throw new ValueProblem(`${v} is not a valid TIMESTAMP`);
    micros = scaled;
  } else {
    const m = TIMESTAMP_RE.exec(expectString(v, 'TIMESTAMP'));
    if (!m) throw new ValueProblem(`expected a TIMESTAMP as YYYY-MM-DD[ T]HH:MM:SS[.ffffff][zone], got ${JSON.stringify(v)}`);
    micros = dateTimeMicros(m, v as string) - BigInt(zoneOffsetMinutes(m[8], v as string)) * 60_000_000n;
  }
  if (micros < TIMESTAMP_MIN || micros > TIMESTAMP_MAX) {
    throw new ValueProblem(`${JSON.stringify(v)} is outside the TIMESTAMP range 0001-01-01..9999-12-31`);
  }
  return micros;
}

const FRACTION_RE = /\.(\d+)/;

/**
 * A picosecond TIMESTAMP: the text of a TIMESTAMP with up to 12 fractional digits, read as a
 * microsecond one plus the digits beyond the sixth, stored in its canonical text.
 */
function toPicosTimestamp(v: unknown): Uint8Array {
  const text = expectString(v, 'TIMESTAMP');
  const fraction = FRACTION_RE.exec(text)?.[1] ?? '';
  if (fraction.length > 12) throw new ValueProblem(`more than 12 fractional second digits in ${JSON.stringify(text)}`);
  const micros = toTimestamp(text.replace(FRACTION_RE, fraction ? `.${fraction.slice(0, 6)}` : ''));
  const picos = micros * 1_000_000n + BigInt(fraction.slice(6).padEnd(6, '0'));
  return Buffer.from(formatPicosTimestamp(picos), 'utf8');
}

function dateTimeMicros(m: RegExpExecArray, text: string): bigint {
  const day = epochDay(m[1]!, m[2]!, m[3]!, text);
  const time = m[4] === undefined ? 0 : microsOfDay(m[4], m[5]!, m[6]!, m[7], text);
  return BigInt(day) * MICROS_PER_DAY + BigInt(time);
}

function zoneOffsetMinutes(zone: string | undefined, text: string): number {
  if (zone === undefined || zone === 'Z' || zone === 'z' || zone === 'UTC') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 23 || minutes > 59) throw new ValueProblem(`invalid time zone offset in ${JSON.stringify(text)}`);
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function epochDay(yearText: string, monthText: string, dayText: string, text: string): number {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1] ?? 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > monthDays) {
    throw new ValueProblem(`invalid date in ${JSON.stringify(text)}`);
  }
  return daysFromCivil(year, month, day);
}

function microsOfDay(h: string, mi: string, s: string, fraction: string | undefined, text: string): number {
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) throw new ValueProblem(`invalid time of day in ${JSON.stringify(text)}`);
  if (fraction !== undefined && fraction.length > 6) {
    throw new ValueProblem(`more than 6 fractional second digits in ${JSON.stringify(text)}`);
  }
  const micros = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
  return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function toBytes(v: unknown): Uint8Array {
  const text = expectString(v, 'BYTES (base64)');
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) throw new ValueProblem(`expected base64 BYTES, got ${JSON.stringify(v)}`);
  return Buffer.from(text, 'base64');
}

function toText(v: unknown, type: string): Uint8Array {
  return Buffer.from(expectString(v, type), 'utf8');
}

function toGeography(v: unknown): Uint8Array {
  const text = expectString(v, 'GEOGRAPHY (WKT)');
  if (!isWkt(text)) throw new ValueProblem(`expected a GEOGRAPHY as WKT, e.g. POINT(1 2), got ${JSON.stringify(v)}`);
  return Buffer.from(text, 'utf8');
}

function toJsonText(v: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}
