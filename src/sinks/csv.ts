import { DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { bqTypeOf } from '../bq-type.js';
import { CsvNestedDataError } from './csv-nested-error.js';
import { isValid, scalarText } from './values.js';

const CHUNK_CHARS = 1 << 20;
const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting; an empty string is quoted so that it differs from NULL (an empty field). */
export function csvCell(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a header row, values as BigQuery's CSV export writes them. */
export function csvEncoder(schema: Schema) {
  const nested = schema.fields.filter((f) => DataType.isList(f.type) || bqTypeOf(f) === 'RECORD').map((f) => f.name);
  if (nested.length > 0) {
    throw new CsvNestedDataError(
      `CSV cannot hold nested or repeated columns (${nested.join(', ')}): choose --format ndjson, parquet or arrow, or leave them out with --columns`,
    );
  }
  const cells = schema.fields.map((f) => scalarText(f));
  const header = `${schema.fields.map((f) => csvCell(f.name)).join(',')}\n`;
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<string> {
    let chunk = header;
    for await (const batch of batches) {
      const columns = batch.data.children;
      for (let r = 0; r < batch.numRows; r++) {
        let line = '';
        for (let c = 0; c < cells.length; c++) {
          if (c > 0) line += ',';
          if (isValid(columns[c]!, r)) line += csvCell(cells[c]!(columns[c]!, r));
        }
        chunk += `${line}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  };
}
