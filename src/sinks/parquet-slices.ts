// What the Parquet writer (parquet-from-ipc.ts) is fed, made from arrow-js batches: apart from the
// writer, so that a thread that only prepares batches for writers elsewhere (parts/write-parts.ts)
// does not instantiate parquet-wasm.
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { parquetWritable } from './parquet-types.js';

// Each batch crosses into WebAssembly memory as an IPC copy plus its decoded arrays, and that memory
// only ever grows: slices of this many rows keep its high-water mark small.
const ROWS_PER_CROSSING = 4096;

/**
 * A function that turns each batch of a source into what the Parquet writer takes: IPC streams of
 * at most ROWS_PER_CROSSING rows, in the types Parquet can hold (parquet-types.ts). A zero-row
 * batch gives one, so that a file of no rows still carries its schema.
 */
export function parquetIpcSlices(): (batch: RecordBatch) => Uint8Array[] {
  let writable: ((batch: RecordBatch) => RecordBatch) | undefined;
  return (batch) => {
    const converted = (writable ??= parquetWritable(batch.schema))(batch);
    const slices: Uint8Array[] = [];
    for (let start = 0; start < converted.numRows || start === 0; start += ROWS_PER_CROSSING) {
      const slice = converted.numRows <= ROWS_PER_CROSSING ? converted : converted.slice(start, start + ROWS_PER_CROSSING);
      slices.push(RecordBatchStreamWriter.writeAll([slice]).toUint8Array(true));
      if (slice === converted) break;
    }
    return slices;
  };
}

