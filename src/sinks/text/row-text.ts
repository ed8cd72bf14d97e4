import type { PackedBatch } from '../../arrow/packed-batch.js';
import { columnsOfPacked, isValid, type ColumnData } from './column-data.js';
import type { FieldPlan, ScalarPlan, TextPlan } from './text-plan.js';
import { objectTextOf, scalarTextOf, type TextOf } from './value-text.js';

/** One row of a batch (the children of `root` are its columns) as a line of text, its newline included. */
export type RowText = (root: ColumnData, row: number) => string;

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting; an empty string is quoted so that it differs from NULL (an empty field). */
export function csvCell(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line of `fields`. */
export function csvHeader(fields: readonly FieldPlan[]): string {
  return `${fields.map((f) => csvCell(f.name)).join(',')}\n`;
}

/** Scalars whose text this library makes from numbers: never empty, never a quote, comma or line break. */
const UNQUOTED_KINDS: ReadonlySet<ScalarPlan['kind']> = new Set(['int', 'float', 'decimal', 'bool', 'date', 'timestamp', 'time', 'interval']);

function csvRow(fields: readonly FieldPlan[]): RowText {
  const cells = fields.map((f): TextOf => {
    if (f.value.kind !== 'scalar') throw new TypeError(`column ${f.name}: a CSV cell holds a scalar only`);
    const text = scalarTextOf(f.value.text);
    return UNQUOTED_KINDS.has(f.value.text.kind) ? text : (data, i) => csvCell(text(data, i));
  });
  return (root, r) => {
    let line = '';
    for (let c = 0; c < cells.length; c++) {
      if (c > 0) line += ',';
      const column = root.children[c]!;
      if (isValid(column, r)) line += cells[c]!(column, r);
    }
    return `${line}\n`;
  };
}

function ndjsonRow(fields: readonly FieldPlan[]): RowText {
  const object = objectTextOf(fields);
  return (root, r) => `${object(root, r)}\n`;
}

/** The formatter of one row, built once per plan. */
export function rowTextOf(plan: TextPlan): RowText {
  return plan.format === 'csv' ? csvRow(plan.fields) : ndjsonRow(plan.fields);
}

/** Room for a line's UTF-8: at most three bytes for each UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;

/**
 * Rows `start` to `end` of a batch as UTF-8 in memory of their own (fit for a transfer list). Each
 * line is encoded as soon as it is made: joining a batch's lines into one string first builds a
 * rope that outlives the young generation, and that doubled the time.
 */
export function rowsText(row: RowText, root: ColumnData, start: number, end: number): Uint8Array {
  // A Buffer, written at an offset: no view made per line (TextEncoder.encodeInto needs one).
  let bytes = Buffer.allocUnsafeSlow(1 << 16);
  let used = 0;
  for (let r = start; r < end; r++) {
    const line = row(root, r);
    if (bytes.byteLength - used < line.length * MAX_BYTES_PER_CHAR) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * bytes.byteLength, used + line.length * MAX_BYTES_PER_CHAR));
      bytes.copy(grown, 0, 0, used);
      bytes = grown;
    }
    used += bytes.write(line, used, 'utf8');
  }
  return new Uint8Array(bytes.subarray(0, used));
}

/** Every row of a packed batch as UTF-8: what a worker thread sends instead of the batch when the read is written as text. */
export function packedBatchText(row: RowText, packed: PackedBatch): Uint8Array {
  return rowsText(row, columnsOfPacked(packed), 0, packed.numRows);
}
