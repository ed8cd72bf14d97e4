import type { RecordBatch } from 'apache-arrow';
import type { CompareOp } from './ast.js';
import { ALWAYS, NEVER, bindColumn, type RowTest } from './columns.js';
import type { Predicate, ValueExpr } from './ir.js';
import { likeMatches } from './like.js';
import {
  FALSE, NULL, TRUE, WORD_WIDTHS, bigIntReader, boolColumnPredicate, bytesReader, numberReader,
  storedRescaled, truthNumberReader, wordsReader, type NumberReader, type PerBatch, type RowPredicate, type Truth,
} from './readers.js';
import type { ScalarTypeName } from './types.js';

/**
 * Compiles the type-checked restriction into closures: once per restriction, the tree of closures;
 * once per record batch, the typed arrays they read; per row, only array reads and integer compares.
 */

/** How two operands of a row compare; UNORDERED is a FLOAT64 NaN, NULL_ORDER an operand that is NULL. */
const LESS = -1;
const EQUAL = 0;
const GREATER = 1;
const UNORDERED = 2;
const NULL_ORDER = 3;
type Order = (row: number) => number;

/** Each operator's result, indexed by order + 1: LESS, EQUAL, GREATER, UNORDERED, NULL_ORDER. NaN behaves as in IEEE 754. */
const OUTCOMES: Readonly<Record<CompareOp, readonly Truth[]>> = {
  '=': [FALSE, TRUE, FALSE, FALSE, NULL],
  '!=': [TRUE, FALSE, TRUE, TRUE, NULL],
  '<': [TRUE, FALSE, FALSE, FALSE, NULL],
  '<=': [TRUE, TRUE, FALSE, FALSE, NULL],
  '>': [FALSE, FALSE, TRUE, FALSE, NULL],
  '>=': [FALSE, TRUE, TRUE, FALSE, NULL],
};
const NOT: readonly Truth[] = [TRUE, FALSE, NULL];

const constantPredicate = (truth: Truth): PerBatch<RowPredicate> => {
  const predicate: RowPredicate = () => truth;
  return () => predicate;
};

/** Indices (ascending) of the batch's rows for which the predicate is TRUE. */
export function filterRows(predicate: PerBatch<RowPredicate>, batch: RecordBatch): Int32Array {
  const test = predicate(batch);
  const rowCount = batch.numRows;
  const selected = new Int32Array(rowCount);
  let count = 0;
  for (let row = 0; row < rowCount; row++) {
    if (test(row) === TRUE) selected[count++] = row;
  }
  return selected.slice(0, count);
}

export function compilePredicate(predicate: Predicate): PerBatch<RowPredicate> {
  switch (predicate.node) {
    case 'constant':
      return constantPredicate(predicate.value === null ? NULL : predicate.value ? TRUE : FALSE);
    case 'column':
      return boolColumnPredicate(predicate.column);
    case 'not': {
      const operand = compilePredicate(predicate.operand);
      return (batch) => {
        const test = operand(batch);
        return (row) => NOT[test(row)]!;
      };
    }
    case 'and':
    case 'or': {
      const left = compilePredicate(predicate.left);
      const right = compilePredicate(predicate.right);
      // AND stops at FALSE, OR at TRUE; otherwise NULL wins over the neutral value
      const decisive = predicate.node === 'and' ? FALSE : TRUE;
      const neutral = predicate.node === 'and' ? TRUE : FALSE;
      return (batch) => {
        const first = left(batch);
        const second = right(batch);
        return (row) => {
          const a = first(row);
          if (a === decisive) return decisive;
          const b = second(row);
          if (b === decisive) return decisive;
          return a === neutral && b === neutral ? neutral : NULL;
        };
      };
    }
    case 'is': {
      const operand = compilePredicate(predicate.operand);
      const wanted = predicate.value ? TRUE : FALSE;
      return (batch) => {
        const test = operand(batch);
        return (row) => (test(row) === wanted ? TRUE : FALSE);
      };
    }
    case 'isNull': {
      const isNull = compileNullTest(predicate.operand);
      return (batch) => {
        const test = isNull(batch);
        return (row) => (test(row) ? TRUE : FALSE);
      };
    }
    case 'compare': {
      const outcomes = OUTCOMES[predicate.op];
      const order = compileOrder(predicate.type, predicate.left, predicate.right);
      return (batch) => {
        const compare = order(batch);
        return (row) => outcomes[compare(row) + 1]!;
      };
    }
    case 'in': {
      const orders = predicate.list.map((item) => compileOrder(predicate.type, predicate.operand, item));
      return (batch) => {
        const compares = orders.map((order) => order(batch));
        return (row) => {
          let sawNull = false;
          for (const compare of compares) {
            const order = compare(row);
            if (order === EQUAL) return TRUE;
            if (order === NULL_ORDER) sawNull = true;
          }
          return sawNull ? NULL : FALSE;
        };
      };
    }
    case 'like': {
      const pattern = predicate.pattern;
      const reader = bytesReader(withoutPredicate(predicate.operand));
      return (batch) => {
        const { isNull, bytes, offsets, stride } = reader(batch);
        return (row) => {
          if (isNull(row)) return NULL;
          const index = row * stride;
          return likeMatches(pattern, bytes, offsets[index]!, offsets[index + 1]!) ? TRUE : FALSE;
        };
      };
    }
  }
}

function compileNullTest(expr: ValueExpr): PerBatch<RowTest> {
  switch (expr.node) {
    case 'constant': {
      const test = expr.value === null ? ALWAYS : NEVER;
      return () => test;
    }
    case 'column': {
      const column = expr.column;
      return (batch) => bindColumn(batch, column).isNull;
    }
    case 'predicate': {
      const predicate = compilePredicate(expr.predicate);
      return (batch) => {
        const test = predicate(batch);
        return (row) => test(row) === NULL;
      };
    }
  }
}

/** The analyzer only lets BOOL sub-expressions into comparisons of BOOLs, which use number readers. */
function withoutPredicate(expr: ValueExpr): ValueExpr & { node: 'constant' | 'column' } {
  if (expr.node === 'predicate') throw new Error('A BOOL sub-expression reached a non-BOOL comparison');
  return expr;
}

function numberOperand(expr: ValueExpr): PerBatch<NumberReader> {
  return expr.node === 'predicate' ? truthNumberReader(compilePredicate(expr.predicate)) : numberReader(expr);
}

/**
 * Picks how two operands of comparison type `type` are compared: as doubles (FLOAT64, DATE, BOOL),
 * as bytes (STRING, BYTES), word by word when both have the comparison type's own representation,
 * or as scaled bigints when a column must be widened or rescaled (INT64 vs NUMERIC, DATE vs
 * DATETIME, a NUMERIC(10, 2) column).
 */
function compileOrder(type: ScalarTypeName, leftExpr: ValueExpr, rightExpr: ValueExpr): PerBatch<Order> {
  if (type === 'FLOAT64' || type === 'DATE' || type === 'BOOL') {
    const leftReader = numberOperand(leftExpr);
    const rightReader = numberOperand(rightExpr);
    return (batch) => {
      const { isNull: leftNull, get: leftGet } = leftReader(batch);
      const { isNull: rightNull, get: rightGet } = rightReader(batch);
      return (row) => {
        if (leftNull(row) || rightNull(row)) return NULL_ORDER;
        const a = leftGet(row);
        const b = rightGet(row);
        return a < b ? LESS : a > b ? GREATER : a === b ? EQUAL : UNORDERED;
      };
    };
  }
  const left = withoutPredicate(leftExpr);
  const right = withoutPredicate(rightExpr);
  if (type === 'STRING' || type === 'BYTES') {
    const leftReader = bytesReader(left);
    const rightReader = bytesReader(right);
    return (batch) => {
      const a = leftReader(batch);
      const b = rightReader(batch);
      return (row) => {
        if (a.isNull(row) || b.isNull(row)) return NULL_ORDER;
        const i = row * a.stride;
        const j = row * b.stride;
        return compareBytes(a.bytes, a.offsets[i]!, a.offsets[i + 1]!, b.bytes, b.offsets[j]!, b.offsets[j + 1]!);
      };
    };
  }
  const widened = [left, right].some(
    (expr) => expr.node === 'column' && (expr.column.type.kind !== type || storedRescaled(expr.column)));
  if (widened) {
    const leftReader = bigIntReader(left, type);
    const rightReader = bigIntReader(right, type);
    return (batch) => {
      const a = leftReader(batch);
      const b = rightReader(batch);
      return (row) => {
        if (a.isNull(row) || b.isNull(row)) return NULL_ORDER;
        const x = a.get(row);
        const y = b.get(row);
        return x < y ? LESS : x > y ? GREATER : EQUAL;
      };
    };
  }
  const width = WORD_WIDTHS[type]!;
  const leftReader = wordsReader(left, width);
  const rightReader = wordsReader(right, width);
  return (batch) => {
    const { isNull: leftNull, words: leftWords, stride: leftStride } = leftReader(batch);
    const { isNull: rightNull, words: rightWords, stride: rightStride } = rightReader(batch);
    return (row) => {
      if (leftNull(row) || rightNull(row)) return NULL_ORDER;
      return compareWords(leftWords, row * leftStride, rightWords, row * rightStride, width);
    };
  };
}

/** Compares two little-endian two's-complement integers of `width` 32-bit words. */
function compareWords(a: Uint32Array, aBase: number, b: Uint32Array, bBase: number, width: number): number {
  let i = width - 1;
  const aHigh = a[aBase + i]! | 0;
  const bHigh = b[bBase + i]! | 0;
  if (aHigh !== bHigh) return aHigh < bHigh ? LESS : GREATER;
  for (i--; i >= 0; i--) {
    const x = a[aBase + i]!;
    const y = b[bBase + i]!;
    if (x !== y) return x < y ? LESS : GREATER;
  }
  return EQUAL;
}

/** Unsigned lexicographic order; for UTF-8 it is also code point order, as BigQuery orders STRING. */
function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const common = Math.min(aLength, bLength);
  for (let i = 0; i < common; i++) {
    const x = a[aStart + i]!;
    const y = b[bStart + i]!;
    if (x !== y) return x < y ? LESS : GREATER;
  }
  return aLength === bLength ? EQUAL : aLength < bLength ? LESS : GREATER;
}
