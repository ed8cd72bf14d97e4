import { isValid, type ColumnData } from './column-data.js';
import { TextBytes } from './text-bytes.js';
import type { FieldPlan, ScalarPlan, TextPlan } from './text-plan.js';
import { escapedUtf8Writer, type Utf8Escaping } from './utf8-values.js';
import { objectWriterOf, scalarWriterOf, type ValueWriter } from './value-text.js';

/** Writes one row of a batch (the children of `root` are its columns) as a line of text, its newline included. */
export type RowWriter = (out: TextBytes, root: ColumnData, row: number) => void;

const NEEDS_QUOTES = /[",\r\n]/;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** RFC 4180 quoting; an empty string is quoted so that it differs from NULL (an empty field). */
export function csvCell(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const QUOTE = 0x22;

/** csvCell, byte by byte, for a STRING value that is well-formed UTF-8. */
const CSV_ESCAPING: Utf8Escaping = {
  unsafe: Uint8Array.from({ length: 0x100 }, (_, byte) => (NEEDS_QUOTES.test(String.fromCharCode(byte)) ? 1 : 0)),
  quoted: false,
  empty: '""',
  escapeText: csvCell,
  escapeBytes(out, bytes, start, end) {
    const target = out.room(2 * (end - start) + 2);
    let at = out.length;
    target[at++] = QUOTE;
    for (let k = start; k < end; k++) {
      if (bytes[k] === QUOTE) target[at++] = QUOTE;
      target[at++] = bytes[k]!;
    }
    target[at++] = QUOTE;
    out.length = at;
  },
};

/** The CSV header line of `fields`. */
export function csvHeader(fields: readonly FieldPlan[]): string {
  return `${fields.map((f) => csvCell(f.name)).join(',')}\n`;
}

/** Scalars whose text this library makes from numbers: never empty, never a quote, comma or line break. */
const UNQUOTED_KINDS: ReadonlySet<ScalarPlan['kind']> = new Set(['int', 'float', 'decimal', 'bool', 'date', 'timestamp', 'time', 'interval']);

function csvCellWriter(plan: ScalarPlan): ValueWriter {
  if (plan.kind === 'utf8') return escapedUtf8Writer(CSV_ESCAPING);
  const text = scalarWriterOf(plan);
  if (UNQUOTED_KINDS.has(plan.kind)) return text;
  // BYTES, as base64: never a quote, comma or line break, but empty for an empty value.
  return (out, data, i) => {
    const start = out.length;
    text(out, data, i);
    if (out.length === start) out.ascii('""');
  };
}

function csvRow(fields: readonly FieldPlan[]): RowWriter {
  const cells = fields.map((f) => {
    if (f.value.kind !== 'scalar') throw new TypeError(`column ${f.name}: a CSV cell holds a scalar only`);
    return csvCellWriter(f.value.text);
  });
  return (out, root, r) => {
    for (let c = 0; c < cells.length; c++) {
      if (c > 0) out.byte(COMMA);
      const column = root.children[c]!;
      if (isValid(column, r)) cells[c]!(out, column, r);
    }
    out.byte(NEWLINE);
  };
}

function ndjsonRow(fields: readonly FieldPlan[]): RowWriter {
  const object = objectWriterOf(fields);
  return (out, root, r) => {
    object(out, root, r);
    out.byte(NEWLINE);
  };
}

/** The writer of one row, built once per plan. */
export function rowWriterOf(plan: TextPlan): RowWriter {
  return plan.format === 'csv' ? csvRow(plan.fields) : ndjsonRow(plan.fields);
}

/**
 * Writes rows of batches as UTF-8, each call's rows in memory of their own (fit for a transfer
 * list), sized from the bytes per row written so far: a buffer that grows as it fills copies what
 * it holds each time, and leaves the smaller ones to the garbage collector.
 */
export function rowsTextOf(row: RowWriter): (root: ColumnData, start: number, end: number) => Uint8Array {
  let bytesPerRow = 0;
  return (root, start, end) => {
    const out = new TextBytes(Math.max(1024, Math.ceil(1.1 * bytesPerRow * (end - start))));
    for (let r = start; r < end; r++) row(out, root, r);
    if (end > start) bytesPerRow = out.length / (end - start);
    return out.written();
  };
}
