// INTERVAL has no lossless Parquet type (parquet-types.ts), so its values go to Parquet as
// BigQuery's canonical text. Made here from a column's buffers alone, so that a worker thread
// (parquet-ipc.ts) and the calling thread (parquet-types.ts) write the same bytes.
import { isValid, type ColumnData } from './text/column-data.js';
import { TextBytes } from './text/text-bytes.js';
import { intervalWriter } from './text/time-bytes.js';

/** A typical INTERVAL text's length (`0-0 10 12:30:45.123456`), to size the buffer once. */
const INTERVAL_TEXT_BYTES = 24;

/** A Utf8 column's buffers: `length + 1` value offsets and the text they index. */
export interface TextColumn {
  readonly offsets: Int32Array;
  readonly text: Uint8Array;
}

/** An INTERVAL column of Arrow IntervalUnit `unit` as `Y-M D H:M:S[.F]` texts; a NULL is an empty value. */
export function intervalTextColumn(data: ColumnData, unit: number): TextColumn {
  const write = intervalWriter(unit);
  const offsets = new Int32Array(data.length + 1);
  const text = new TextBytes(Math.max(64, data.length * INTERVAL_TEXT_BYTES));
  for (let i = 0; i < data.length; i++) {
    if (isValid(data, i)) write(text, data, i);
    offsets[i + 1] = text.length;
  }
  return { offsets, text: text.written() };
}
