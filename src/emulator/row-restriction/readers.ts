import { DataType, type Data, type RecordBatch } from 'apache-arrow';
import { ALWAYS, NEVER, bindColumn, type RowTest } from './columns.js';
import { decimalToDouble } from './decimal.js';
import { decimalFromWords, pow10, writeDecimalWords } from '../../decimal-text.js';
import type { ColumnRef, ValueExpr } from './ir.js';
import { MICROS_PER_DAY } from '../../temporal-text.js';
import { BIGNUMERIC_SCALE, NUMERIC_SCALE, type ScalarTypeName } from './types.js';
import type { SqlValue } from './values.js';

/**
 * Per-batch readers of comparison operands, one kind per comparison domain. Each reads a
 * column's typed arrays directly and converts to the comparison type on the fly; constants
 * are converted once. Readers of constants use stride 0, so `row * stride` is always 0.
 */

/** Three-valued truth, as small integers so predicates allocate nothing per row. */
export const FALSE = 0;
export const TRUE = 1;
export const NULL = 2;
export type Truth = typeof FALSE | typeof TRUE | typeof NULL;
export type RowPredicate = (row: number) => Truth;

/** Builds a `T` for each record batch; everything that does not depend on the batch is done before. */
export type PerBatch<T> = (batch: RecordBatch) => T;

/** FLOAT64 (and INT64 / NUMERIC read as FLOAT64), DATE (days), BOOL (0 / 1). */
export interface NumberReader { readonly isNull: RowTest; readonly get: (row: number) => number }
/** Same-typed fixed-width integers compared as little-endian two's-complement 32-bit words. */
export interface WordsReader { readonly isNull: RowTest; readonly words: Uint32Array; readonly stride: number }
/** Exact values of mixed types scaled to a common unit (INT64 vs NUMERIC, DATE vs DATETIME). */
export interface BigIntReader { readonly isNull: RowTest; readonly get: (row: number) => bigint }
/** STRING (UTF-8) and BYTES: value `row` spans bytes[offsets[row * stride] .. offsets[row * stride + 1]). */
export interface BytesReader { readonly isNull: RowTest; readonly bytes: Uint8Array; readonly offsets: Int32Array; readonly stride: number }

const constantBatch = <T>(reader: T): PerBatch<T> => () => reader;

/** Words per value of the types compared word by word. */
export const WORD_WIDTHS: Readonly<Partial<Record<ScalarTypeName, number>>> = {
  INT64: 2, DATETIME: 2, TIMESTAMP: 2, TIME: 2, NUMERIC: 4, BIGNUMERIC: 8,
};
const DECIMAL_SCALES: Readonly<Partial<Record<ScalarTypeName, number>>> = { INT64: 0, NUMERIC: NUMERIC_SCALE, BIGNUMERIC: BIGNUMERIC_SCALE };

/** The scale a column's values are stored at: a decimal column's own (declared) scale. */
function storedScale(column: ColumnRef): number {
  const type = column.arrowType;
  return DataType.isDecimal(type) ? type.scale : DECIMAL_SCALES[column.type.kind as ScalarTypeName] ?? 0;
}

/**
 * True when a column's stored values are not in the engine's representation of its type (a
 * NUMERIC(P, S) column with S != 9), so it cannot be compared word by word and must be rescaled.
 */
export function storedRescaled(column: ColumnRef): boolean {
  return DataType.isDecimal(column.arrowType) && storedScale(column) !== DECIMAL_SCALES[column.type.kind as ScalarTypeName];
}

/** A fixed-width column's values as 32-bit words (Int64/Timestamp/Time64 arrays are BigInt64Array). */
function wordsOf(data: Data): Uint32Array {
  const values = data.values as ArrayBufferView;
  return values instanceof Uint32Array ? values : new Uint32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
}

function bigIntToWords(value: bigint, width: number): Uint32Array {
  const words = new Uint32Array(width);
  writeDecimalWords(words, 0, width, value);
  return words;
}

/** A BOOL column as a condition. */
export function boolColumnPredicate(column: ColumnRef): PerBatch<RowPredicate> {
  return (batch) => {
    const { data, isNull } = bindColumn(batch, column);
    const values = data.values as Uint8Array;
    const offset = data.offset;
    return (row) => {
      if (isNull(row)) return NULL;
      const bit = offset + row;
      return ((values[bit >> 3]! >> (bit & 7)) & 1) as Truth;
    };
  }
}

/** A BOOL sub-expression as a number reader: FALSE 0, TRUE 1. */
export function truthNumberReader(predicate: PerBatch<RowPredicate>): PerBatch<NumberReader> {
  return (batch) => {
    const truth = predicate(batch);
    return { isNull: (row) => truth(row) === NULL, get: truth };
  };
}

export function numberReader(expr: ValueExpr & { node: 'constant' | 'column' }): PerBatch<NumberReader> {
  switch (expr.node) {
    case 'constant': {
      const value = expr.value;
      if (value === null) return constantBatch({ isNull: ALWAYS, get: () => 0 });
      const number = typeof value === 'boolean' ? Number(value) : value as number;
      return constantBatch({ isNull: NEVER, get: () => number });
    }
    case 'column': {
      const column = expr.column;
      const source = column.type.kind as ScalarTypeName;
      return (batch) => {
        const { data, isNull } = bindColumn(batch, column);
        switch (source) {
          case 'FLOAT64':
          case 'DATE': {
            const values = data.values as Float64Array | Int32Array;
            return { isNull, get: (row) => values[row]! };
          }
          case 'BOOL': {
            const values = data.values as Uint8Array;
            const offset = data.offset;
            return { isNull, get: (row) => (values[(offset + row) >> 3]! >> ((offset + row) & 7)) & 1 };
          }
          case 'INT64': {
            // high word (signed) * 2^32 is exact, so the sum rounds once: the nearest double, as a cast would give
            const words = wordsOf(data);
            return { isNull, get: (row) => (words[2 * row + 1]! | 0) * 4294967296 + words[2 * row]! };
          }
          default: {
            const width = WORD_WIDTHS[source]!;
            const scale = storedScale(column);
            const words = wordsOf(data);
            return { isNull, get: (row) => decimalToDouble(decimalFromWords(words, row * width, width), scale) };
          }
        }
      };
    }
  }
}

export function wordsReader(expr: ValueExpr & { node: 'constant' | 'column' }, width: number): PerBatch<WordsReader> {
  if (expr.node === 'constant') {
    const value = expr.value;
    const words = value === null ? new Uint32Array(width) : bigIntToWords(value as bigint, width);
    return constantBatch({ isNull: value === null ? ALWAYS : NEVER, words, stride: 0 });
  }
  const column = expr.column;
  return (batch) => {
    const { data, isNull } = bindColumn(batch, column);
    return { isNull, words: wordsOf(data), stride: width };
  };
}

/** `target` is NUMERIC, BIGNUMERIC or DATETIME; sources are the types that coerce to it. */
export function bigIntReader(expr: ValueExpr & { node: 'constant' | 'column' }, target: ScalarTypeName): PerBatch<BigIntReader> {
  if (expr.node === 'constant') {
    const value = expr.value as bigint | null;
    return constantBatch({ isNull: value === null ? ALWAYS : NEVER, get: () => value ?? 0n });
  }
  const column = expr.column;
  const source = column.type.kind as ScalarTypeName;
  const factor = unitFactor(source, storedScale(column), target);
  return (batch) => {
    const { data, isNull } = bindColumn(batch, column);
    let raw: (row: number) => bigint;
    if (source === 'DATE') {
      const days = data.values as Int32Array;
      raw = (row) => BigInt(days[row]!);
    } else if (source === 'INT64' || source === 'DATETIME') {
      const values = data.values as BigInt64Array;
      raw = (row) => values[row]!;
    } else {
      const width = WORD_WIDTHS[source]!;
      const words = wordsOf(data);
      raw = (row) => decimalFromWords(words, row * width, width);
    }
    return { isNull, get: factor === 1n ? raw : (row) => raw(row) * factor };
  };
}

/**
 * What one stored unit of `source` is worth in units of `target` (10^9 for INT64 -> NUMERIC, 10^7
 * for NUMERIC(10, 2) -> NUMERIC, a day's microseconds for DATE -> DATETIME).
 */
function unitFactor(source: ScalarTypeName, sourceScale: number, target: ScalarTypeName): bigint {
  if (source === 'DATE' && target !== 'DATE') return MICROS_PER_DAY;
  const targetScale = DECIMAL_SCALES[target];
  return targetScale === undefined ? 1n : pow10(targetScale - sourceScale);
}

export function bytesReader(expr: ValueExpr & { node: 'constant' | 'column' }): PerBatch<BytesReader> {
  if (expr.node === 'constant') {
    const value: SqlValue | null = expr.value;
    const bytes = value === null ? new Uint8Array(0) : typeof value === 'string' ? new TextEncoder().encode(value) : value as Uint8Array;
    return constantBatch({ isNull: value === null ? ALWAYS : NEVER, bytes, offsets: Int32Array.of(0, bytes.length), stride: 0 });
  }
  const column = expr.column;
  return (batch) => {
    const { data, isNull } = bindColumn(batch, column);
    return { isNull, bytes: data.values as Uint8Array, offsets: data.valueOffsets as Int32Array, stride: 1 };
  };
}
