// Text is written as bytes (text-bytes.ts): digits by hand, UTF-8 values copied and escaped byte by
// byte. Each path must give the bytes of the string rules it replaces: those rules, as strings, are
// the references here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ColumnData } from '../../src/sinks/text/column-data.js';
import { csvCell, rowsTextOf, rowWriterOf } from '../../src/sinks/text/row-text.js';
import { TextBytes } from '../../src/sinks/text/text-bytes.js';
import { jsonString } from '../../src/sinks/text/value-text.js';

test('digits are exact up to 2^53, zero-padded to a width', () => {
  const out = new TextBytes(8);
  const digitsOf = (value: number, width?: number) => {
    out.digits(value, width);
    return out.text();
  };
  fc.assert(fc.property(fc.oneof(fc.maxSafeNat(), fc.integer({ min: 0, max: 1000 }).map((d) => 2 ** 53 - 1 - d), fc.nat(99)), (value) => {
    assert.equal(digitsOf(value), String(value));
    assert.equal(digitsOf(value, 4), String(value).padStart(4, '0'));
  }), { numRuns: 3000 });
  out.pair(7);
  out.pair(42);
  assert.equal(out.text(), '0742');
});

/** A UTF-8 column of `values` (nulls where undefined), its offsets Int32 as arrow's. */
function utf8Column(values: (Uint8Array | undefined)[]): ColumnData {
  const offsets = new Int32Array(values.length + 1);
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, k) => {
    offsets[k + 1] = offsets[k]! + (v?.byteLength ?? 0);
    if (v) bitmap[k >> 3]! |= 1 << (k & 7);
  });
  const bytes = Uint8Array.from(values.flatMap((v) => (v ? [...v] : [])));
  const nullCount = values.filter((v) => !v).length;
  return { offset: 0, length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, values: bytes, children: [] };
}

const root = (column: ColumnData): ColumnData => ({ offset: 0, length: column.length, nullCount: 0, children: [column] });
const decoder = new TextDecoder();
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

// Values that JSON and CSV escape, multi-byte characters, and raw bytes: malformed UTF-8, and
// characters split across two values (each then malformed alone, though the column's bytes are not).
const tricky = fc.constantFrom('', 'plain', 'a"b', 'back\\slash', 'tab\there', '\u0000\u001f\u007f', '<a href="x">&amp;</a>', 'x,y', 'line\r\nbreak', '\u2028\u2029', '🚀', '日本語');
const value = fc.oneof(
  tricky.map(utf8),
  fc.string({ unit: 'grapheme' }).map(utf8),
  fc.string({ unit: 'binary' }).map(utf8),
  fc.uint8Array({ maxLength: 8 }),
  fc.constant(Uint8Array.of(0xe6)),
  fc.constant(Uint8Array.of(0x97, 0xa5)),
);
const column = fc.array(fc.option(value, { nil: undefined, freq: 5 }), { maxLength: 12 });
/** 日 (E6 97 A5) split over two values: the column's bytes are well-formed, neither value is. */
const splitCharacter = { examples: [[[Uint8Array.of(0xe6), Uint8Array.of(0x97, 0xa5), utf8('a"<\n')]]] as [(Uint8Array | undefined)[]][], numRuns: 1500 };

/** The bytes a one-column plan of `format` writes for `values`. */
function written(format: 'ndjson' | 'csv', json: 'string' | 'inline', values: (Uint8Array | undefined)[]): Buffer {
  const row = rowWriterOf({ format, fields: [{ name: 's', value: { kind: 'scalar', text: { kind: 'utf8' }, json } }] });
  return Buffer.from(rowsTextOf(row)(root(utf8Column(values)), 0, values.length));
}

// Compared as bytes: a malformed value copied as it is would decode to the same text.
test('a STRING in NDJSON is jsonString of its text, malformed bytes read as U+FFFD', () => {
  fc.assert(fc.property(column, (values) => {
    const expected = values.map((v) => `${v ? `{"s":${jsonString(decoder.decode(v))}}` : '{}'}\n`).join('');
    assert.deepEqual(written('ndjson', 'string', values), Buffer.from(expected, 'utf8'));
  }), splitCharacter);
});

test('a JSON value is written inline with <, >, & and control characters escaped', () => {
  // eslint-disable-next-line no-control-regex -- the characters the inline form escapes
  const inline = (s: string) => s.replace(/[<>&\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  fc.assert(fc.property(column, (values) => {
    const expected = values.map((v) => `${v ? `{"s":${inline(decoder.decode(v))}}` : '{}'}\n`).join('');
    assert.deepEqual(written('ndjson', 'inline', values), Buffer.from(expected, 'utf8'));
  }), splitCharacter);
});

test('a STRING in CSV is csvCell of its text, NULL an empty field', () => {
  fc.assert(fc.property(column, (values) => {
    const expected = values.map((v) => `${v ? csvCell(decoder.decode(v)) : ''}\n`).join('');
    assert.deepEqual(written('csv', 'string', values), Buffer.from(expected, 'utf8'));
  }), splitCharacter);
});
