// NDJSON and CSV: a plan per schema (text/text-plan.ts), the header CSV starts with, and the
// encoder that formats on this thread what a source other than a read hands over as batches (a
// read formats in its worker threads instead; see write-batches.ts).
import { DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { bqTypeOf } from '../bq-type.js';
import { CsvNestedDataError } from './csv-nested-error.js';
import { csvHeader, rowsTextOf, rowWriterOf } from './text/row-text.js';
import type { TextFormat, TextPlan } from './text/text-plan.js';
import { fieldPlansOf } from './values.js';

/** Rows formatted at a time from a batch, so that a big batch is written in pieces of a few MB. */
const ROWS_PER_CHUNK = 4096;

/**
 * NDJSON: one object per row, values as BigQuery's JSON export writes them. CSV: a header row, then
 * values as BigQuery's CSV export writes them; like BigQuery, it refuses nested and repeated columns.
 */
export function textPlanOf(format: TextFormat, schema: Schema): TextPlan {
  if (format === 'csv') {
    const nested = schema.fields.filter((f) => DataType.isList(f.type) || bqTypeOf(f) === 'RECORD').map((f) => f.name);
    if (nested.length > 0) {
      throw new CsvNestedDataError(
        `CSV cannot hold nested or repeated columns (${nested.join(', ')}): choose --format ndjson, parquet or arrow, or leave them out with --columns`,
      );
    }
  }
  return { format, fields: fieldPlansOf(schema.fields) };
}

/** What the output starts with before any row. */
export function textHeader(plan: TextPlan): string {
  return plan.format === 'csv' ? csvHeader(plan.fields) : '';
}

/** Formats `plan`'s rows on this thread, after its header, with the code a worker formats them with. */
export function textEncoder(plan: TextPlan) {
  const rowsText = rowsTextOf(rowWriterOf(plan));
  const header = textHeader(plan);
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<string | Uint8Array> {
    if (header) yield header;
    for await (const batch of batches) {
      for (let start = 0; start < batch.numRows; start += ROWS_PER_CHUNK) {
        yield rowsText(batch.data, start, Math.min(batch.numRows, start + ROWS_PER_CHUNK));
      }
    }
  };
}
