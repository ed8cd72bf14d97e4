// BigQuery's text forms of values, as its JSON and CSV exports write them, read straight from the
// Arrow buffers (arrow's own getters round timestamps to milliseconds and box every value) and
// written as UTF-8 bytes (text-bytes.ts). Built from a ValuePlan, without apache-arrow, so worker
// threads format with the same code as the calling thread and the bytes cannot depend on where
// they were made. The string forms (scalarTextOf, jsonTextOf, ...) are these writers' bytes decoded.
import { bufferView } from '../../bytes.js';
import { isValid, type ColumnData } from './column-data.js';
import { writeDecimal } from './decimal-bytes.js';
import { int64Reader } from './int64.js';
import { TextBytes } from './text-bytes.js';
import type { FieldPlan, ScalarPlan, ValuePlan } from './text-plan.js';
import { intervalWriter, NO_DATE, writeDate, writeInterval, writeSigned, writeTimePoint } from './time-bytes.js';
import { byteEscapes, escapedUtf8Writer, utf8Writer } from './utf8-values.js';

/** Writes the text of the non-null value at `index`. */
export type ValueWriter = (out: TextBytes, data: ColumnData, index: number) => void;

/** Text of the non-null value at `index`. */
export type TextOf = (data: ColumnData, index: number) => string;

const COMMA = 0x2c;

function writeInteger(out: TextBytes, value: number | bigint): void {
  if (typeof value === 'bigint') out.ascii(String(value));
  else writeSigned(out, value);
}

function floatText(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

function bytesWriter(byteWidth: number): ValueWriter {
  let seen: Uint8Array | undefined;
  let buffer: Buffer = Buffer.alloc(0);
  const bufferOf = (values: Uint8Array) => {
    if (values !== seen) {
      seen = values;
      buffer = bufferView(values);
    }
    return buffer;
  };
  if (byteWidth > 0) return (out, data, i) => out.ascii(bufferOf(data.values as Uint8Array).toString('base64', i * byteWidth, (i + 1) * byteWidth));
  return (out, data, i) => {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    out.ascii(bufferOf(data.values as Uint8Array).toString('base64', Number(offsets[i]), Number(offsets[i + 1])));
  };
}

/**
 * The text BigQuery's exports write for one scalar value (CSV cells; JSON strings for the types
 * JSON cannot hold exactly): INT64 and NUMERIC as digits, BYTES as base64, TIMESTAMP as
 * `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`, DATETIME as `YYYY-MM-DDTHH:MM:SS[.ffffff]`, GEOGRAPHY as WKT,
 * JSON as its text, INTERVAL as `Y-M D H:M:S[.F]`.
 */
export function scalarWriterOf(plan: ScalarPlan): ValueWriter {
  switch (plan.kind) {
    case 'int': {
      const read = int64Reader();
      return (out, data, i) => {
        const values = data.values as ArrayLike<number | bigint>;
        writeInteger(out, values instanceof BigInt64Array ? read(values, i) : values[i]!);
      };
    }
    case 'float': return (out, data, i) => out.ascii(floatText((data.values as Float64Array)[i]!));
    case 'decimal': {
      const { words, scale } = plan;
      return (out, data, i) => writeDecimal(out, data.values as Uint32Array, i, words, scale);
    }
    case 'utf8': return utf8Writer();
    case 'bytes': return bytesWriter(plan.byteWidth);
    case 'bool':
      return (out, data, i) => {
        const at = data.offset + i;
        out.ascii(((data.values as Uint8Array)[at >> 3]! & (1 << (at & 7))) !== 0 ? 'true' : 'false');
      };
    case 'date': return (out, data, i) => writeDate(out, (data.values as Int32Array)[i]!);
    case 'timestamp': {
      const { unit, utc } = plan;
      const read = int64Reader();
      return (out, data, i) => {
        writeTimePoint(out, read(data.values as BigInt64Array, i), unit, utc ? 0x20 : 0x54);
        if (utc) out.ascii(' UTC');
      };
    }
    case 'time': {
      const { unit } = plan;
      const read = int64Reader();
      return (out, data, i) => {
        const values = data.values as Int32Array | BigInt64Array;
        writeTimePoint(out, values instanceof BigInt64Array ? read(values, i) : values[i]!, unit, NO_DATE);
      };
    }
    case 'interval': return intervalWriter(plan.unit);
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

const inlineJson = (text: string) => text.replace(JSON_INLINE_UNSAFE, (c) => HTML_ESCAPES[c] ?? unicodeEscape(c));

// The same escapes, byte by byte, for text that is well-formed UTF-8 already (it holds no
// surrogate, the one escape of JSON.stringify that no single byte makes).
const JSON_STRING_ESCAPING = byteEscapes((c) => jsonString(c).slice(1, -1), jsonString, true);
const JSON_INLINE_ESCAPING = byteEscapes(inlineJson, inlineJson, false);

/**
 * JSON text of one non-null value, as BigQuery's JSON export writes it: INT64, NUMERIC,
 * BIGNUMERIC, the time types and INTERVAL as strings, FLOAT64 as a number (NaN and infinities as
 * strings), BOOL as true/false, JSON columns inline, REPEATED as an array, RECORD as an object
 * whose NULL fields are left out.
 */
export function jsonWriterOf(plan: ValuePlan): ValueWriter {
  if (plan.kind === 'list') {
    const item = jsonWriterOf(plan.item);
    return (out, data, i) => {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      out.byte(0x5b);
      for (let j = offsets[i]!; j < offsets[i + 1]!; j++) {
        if (j > offsets[i]!) out.byte(COMMA);
        if (isValid(child, j)) item(out, child, j);
        else out.ascii('null');
      }
      out.byte(0x5d);
    };
  }
  if (plan.kind === 'record') return objectWriterOf(plan.fields);
  if (plan.text.kind === 'utf8') {
    // A JSON value is written inline. BigQuery's JSON text is canonical (no raw control characters);
    // any that a source holds anyway can only sit inside strings, where they must be escaped.
    if (plan.json === 'inline') return escapedUtf8Writer(JSON_INLINE_ESCAPING);
    if (plan.json === 'string') return escapedUtf8Writer(JSON_STRING_ESCAPING);
  }
  const text = scalarWriterOf(plan.text);
  switch (plan.json) {
    case 'inline': return text;
    case 'literal': return text;
    case 'number':
      return (out, data, i) => {
        const value = (data.values as Float64Array)[i]!;
        out.ascii(Number.isFinite(value) ? String(value) : `"${floatText(value)}"`);
      };
    case 'string':
    case 'quoted':
      // Text this library makes (digits, dates, base64) holds nothing a JSON string escapes.
      return (out, data, i) => {
        out.byte(0x22);
        text(out, data, i);
        out.byte(0x22);
      };
  }
}

/** Bytes of a string as UTF-8 (names, made once per plan). */
const utf8Of = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** A JSON object over the children of a struct (a RECORD value, or a whole row of a batch). */
export function objectWriterOf(fields: readonly FieldPlan[]): ValueWriter {
  // Each key with what precedes it, made once: `{"a":` for the first field present, `,"a":` after.
  const opening = fields.map((f) => utf8Of(`{${jsonString(f.name)}:`));
  const following = fields.map((f) => utf8Of(`,${jsonString(f.name)}:`));
  const values = fields.map((f) => jsonWriterOf(f.value));
  return (out, data, i) => {
    let first = true;
    for (let c = 0; c < values.length; c++) {
      const child = data.children[c]!;
      if (!isValid(child, i)) continue;
      const key = first ? opening[c]! : following[c]!;
      out.copy(key, 0, key.length);
      first = false;
      values[c]!(out, child, i);
    }
    if (first) out.ascii('{}');
    else out.byte(0x7d);
  };
}

// The same texts as strings, for callers that hold values one at a time (the grid of `bqread
// head`, the emulator's REST rows): the writers' bytes, decoded.
const scratch = new TextBytes(1 << 10);
function scratchText(write: (out: TextBytes) => void): string {
  scratch.length = 0;
  write(scratch);
  return scratch.text();
}
const textOf = (write: ValueWriter): TextOf => (data, i) => scratchText((out) => write(out, data, i));

/** Proleptic Gregorian date of a day number (days since 1970-01-01), exact for years 1..9999. */
export const formatDate = (days: number): string => scratchText((out) => writeDate(out, days));

/** BigQuery's canonical INTERVAL text, `Y-M D H:M:S[.F]` (see writeInterval). */
export const formatInterval = (months: number, days: number, nanos: bigint | number): string => scratchText((out) => writeInterval(out, months, days, nanos));

export const scalarTextOf = (plan: ScalarPlan): TextOf => textOf(scalarWriterOf(plan));
export const jsonTextOf = (plan: ValuePlan): TextOf => textOf(jsonWriterOf(plan));
export const objectTextOf = (fields: readonly FieldPlan[]): TextOf => textOf(objectWriterOf(fields));
