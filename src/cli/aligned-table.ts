import type { Field, RecordBatch } from 'apache-arrow';
import { bqTypeOf, repeatedItem } from '../bq-type.js';
import { isValid } from '../sinks/text/column-data.js';
import type { TextOf } from '../sinks/text/value-text.js';
import { jsonText, scalarText } from '../sinks/values.js';

const NUMERIC_TYPES = new Set(['INTEGER', 'FLOAT', 'NUMERIC', 'BIGNUMERIC']);

// Tabs and newlines inside a value would break the grid.
const CONTROL = /[\t\n\r]/g;
const VISIBLE: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function cellText(field: Field): TextOf {
  const nested = repeatedItem(field) !== undefined || bqTypeOf(field) === 'RECORD';
  return nested ? jsonText(field) : scalarText(field);
}

/** Rows as `bq head` prints them: a grid with a header, NULL for nulls, numbers right-aligned. */
export function alignedTable(fields: readonly Field[], batches: readonly RecordBatch[], maxRows: number): string {
  const texts = fields.map(cellText);
  const rightAligned = fields.map((f) => !repeatedItem(f) && NUMERIC_TYPES.has(bqTypeOf(f)));
  const rows: string[][] = [];
  for (const batch of batches) {
    for (let r = 0; r < batch.numRows && rows.length < maxRows; r++) {
      rows.push(fields.map((_, c) => {
        const data = batch.data.children[c]!;
        return isValid(data, r) ? texts[c]!(data, r).replace(CONTROL, (ch) => VISIBLE[ch]!) : 'NULL';
      }));
    }
  }
  const widths = fields.map((f, c) => Math.max(f.name.length, ...rows.map((row) => row[c]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[], align: boolean[]) =>
    `| ${cells.map((cell, c) => (align[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const header = line(fields.map((f) => f.name), fields.map(() => false));
  return [rule, header, rule, ...rows.map((row) => line(row, rightAligned)), rule].join('\n');
}
