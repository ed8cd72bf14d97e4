import type { RecordBatch, Schema } from 'apache-arrow';
import { objectText } from './values.js';

/** Bytes of text gathered before handing a chunk on, so writes are few but memory stays small. */
const CHUNK_CHARS = 1 << 20;

/** Newline-delimited JSON, one object per row, values as BigQuery's JSON export writes them. */
export function ndjsonEncoder(schema: Schema) {
  const row = objectText(schema.fields);
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<string> {
    for await (const batch of batches) {
      let chunk = '';
      for (let r = 0; r < batch.numRows; r++) {
        chunk += `${row(batch.data, r)}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
  };
}
