// The formatters read int64 timestamps and decimals as doubles where that is exact and as BigInt
// elsewhere; around the switch and across BigQuery's whole range both must give one text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ColumnData } from '../../src/sinks/text/column-data.js';
import { jsonString, scalarTextOf } from '../../src/sinks/text/value-text.js';

const column = (values: BigInt64Array | Uint32Array | Int32Array): ColumnData => ({ offset: 0, length: values.length, nullCount: 0, values, children: [] });

/** Microseconds since the epoch as BigQuery writes a TIMESTAMP, from Date's own calendar. */
function timestampReference(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const subMilli = micros - millis * 1000n;
  const iso = new Date(Number(millis)).toISOString();
  const frac = `${iso.slice(20, 23)}${String(subMilli).padStart(3, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} UTC`;
}

// 0001-01-01 and 9999-12-31T23:59:59.999999, in microseconds.
const MIN_MICROS = -62_135_596_800_000_000n;
const MAX_MICROS = 253_402_300_799_999_999n;
const SWITCH = 2n ** 52n;
const nearSwitch = fc.bigInt(-1000n, 1000n).chain((d) => fc.constantFrom(SWITCH + d, -SWITCH + d, 2n ** 53n + d, -(2n ** 53n) + d));

test('TIMESTAMP text equals the calendar\'s for every microsecond count, near 2^52 and 2^53 too', () => {
  const text = scalarTextOf({ kind: 'timestamp', unit: 2, utc: true });
  fc.assert(fc.property(fc.oneof(fc.bigInt(MIN_MICROS, MAX_MICROS), nearSwitch, fc.bigInt(-86_400_000_000n * 3n, 86_400_000_000n * 3n)), (micros) => {
    assert.equal(text(column(new BigInt64Array([7n, micros])), 1), timestampReference(micros));
  }), { numRuns: 2000 });
});

test('TIME of microseconds, DATETIME of nanoseconds, and the day\'s edges', () => {
  const time = scalarTextOf({ kind: 'time', unit: 2 });
  assert.equal(time(column(new BigInt64Array([86_399_999_999n])), 0), '23:59:59.999999');
  assert.equal(time(column(new BigInt64Array([0n])), 0), '00:00:00');
  const datetimeNanos = scalarTextOf({ kind: 'timestamp', unit: 3, utc: false });
  assert.equal(datetimeNanos(column(new BigInt64Array([-1n])), 0), '1969-12-31T23:59:59.999999999');
  assert.equal(datetimeNanos(column(new BigInt64Array([2n ** 62n])), 0), '2116-02-20T23:53:38.427387904');
  const seconds = scalarTextOf({ kind: 'time', unit: 0 });
  assert.equal(seconds(column(new Int32Array([3661])), 0), '01:01:01');
});

/** `value` as `words` little-endian uint32 two's-complement words, then its text at `scale`. */
function decimalReference(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${value < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${frac ? `.${frac}` : ''}`;
}

function words(value: bigint, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let rest = BigInt.asUintN(count * 32, value);
  for (let k = 0; k < count; k++) {
    out[k] = Number(rest & 0xffffffffn);
    rest >>= 32n;
  }
  return out;
}

test('NUMERIC and BIGNUMERIC text for every value, near 2^53 (where doubles stop) too', () => {
  for (const [count, scale] of [[4, 9], [8, 38], [4, 0], [4, 3], [4, 10]] as const) {
    const text = scalarTextOf({ kind: 'decimal', words: count, scale });
    const max = 2n ** BigInt(count * 32 - 1) - 1n;
    const near53 = fc.bigInt(-5000n, 5000n).chain((d) => fc.constantFrom(2n ** 53n + d, -(2n ** 53n) + d, 2n ** 64n + d, -(2n ** 64n) + d, d));
    fc.assert(fc.property(fc.oneof(fc.bigInt(-max - 1n, max), near53), (value) => {
      const twoValues = new Uint32Array(2 * count);
      twoValues.set(words(-1n, count));
      twoValues.set(words(value, count), count);
      assert.equal(text(column(twoValues), 1), decimalReference(value, scale));
    }), { numRuns: 2000 });
  }
});

test('a JSON string is what JSON.stringify makes with <, > and & escaped, for any UTF-16 text, lone surrogates included', () => {
  const reference = (text: string) => JSON.stringify(text).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const tricky = fc.constantFrom('', 'plain', 'a"b', 'back\\slash', 'tab\there', '\u0000\u001f', '<a href="x">&amp;</a>', '\u2028\u2029', '\ud83d\ude80', '\ud83d', 'x\ude80y', '日本語');
  fc.assert(fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
    assert.equal(jsonString(text), reference(text));
  }), { numRuns: 2000 });
});

test('UTF-8 text is read as TextDecoder reads it, malformed bytes as U+FFFD', () => {
  const text = scalarTextOf({ kind: 'utf8' });
  const decoder = new TextDecoder();
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 6 }), (values) => {
    const offsets = new Int32Array(values.length + 1);
    values.forEach((v, k) => (offsets[k + 1] = offsets[k]! + v.byteLength));
    const data: ColumnData = { offset: 0, length: values.length, nullCount: 0, valueOffsets: offsets, values: Uint8Array.from(values.flatMap((v) => [...v])), children: [] };
    values.forEach((v, k) => assert.equal(text(data, k), decoder.decode(v)));
  }), { numRuns: 1000 });
});
