import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
// parquet-wasm is arrow-rs's Parquet writer compiled to WebAssembly: Arrow in, every Parquet
// type and codec out. Its Node build loads the module synchronously on import.
import * as parquet from 'parquet-wasm';
import { parquetWritable } from './parquet-types.js';
import { DEFAULT_ROW_GROUP_BYTES, DEFAULT_ROW_GROUP_ROWS, type ParquetCompression, type ParquetOptions } from './parquet-options.js';

const CODECS: Readonly<Record<ParquetCompression, parquet.Compression>> = {
  zstd: parquet.Compression.ZSTD,
  snappy: parquet.Compression.SNAPPY,
  gzip: parquet.Compression.GZIP,
  lz4: parquet.Compression.LZ4_RAW,
  brotli: parquet.Compression.BROTLI,
  none: parquet.Compression.UNCOMPRESSED,
};


/**
 * The most bytes of a column chunk's dictionary before the writer falls back to plain encoding.
 * arrow-rs's default, 1 MiB, has it hash values that never repeat for most of a row group first:
 * on the demo table that was 40% of the encoding's CPU, for a larger file; at 64 KiB, columns of
 * few distinct values still get their dictionaries (measured on 100k demo rows, zstd: 590 -> 335 ms
 * of CPU, 19.2 -> 16.9 MB; snappy 430 -> 200 ms, 22.6 -> 20.5 MB).
 */
const DICTIONARY_PAGE_BYTES = 64 * 1024;

// Each batch crosses into WebAssembly memory as an IPC copy plus its decoded arrays, and that memory
// only ever grows: slices of this many rows keep its high-water mark small.
const ROWS_PER_CROSSING = 4096;

/** An arrow-js batch as record batches in WebAssembly memory (through IPC stream messages). */
function* toWasm(batch: RecordBatch): Generator<parquet.RecordBatch> {
  for (let start = 0; start < batch.numRows || start === 0; start += ROWS_PER_CROSSING) {
    const slice = batch.numRows <= ROWS_PER_CROSSING ? batch : batch.slice(start, start + ROWS_PER_CROSSING);
    const table = parquet.Table.fromIPCStream(RecordBatchStreamWriter.writeAll([slice]).toUint8Array(true));
    try {
      yield* table.recordBatches();
    } finally {
      table.free();
    }
    if (slice === batch) return;
  }
}

/**
 * Parquet through arrow-rs: REPEATED columns become lists, RECORDs structs, NUMERIC and BIGNUMERIC
 * decimals, TIMESTAMP UTC-adjusted microseconds, DATETIME local microseconds, GEOGRAPHY and JSON
 * strings, INTERVAL its canonical text; the Arrow schema is kept in the file's metadata, BigQuery's
 * type names in its field metadata (see parquet-types.ts).
 */
export function parquetEncoder(options: ParquetOptions = {}) {
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  const rowGroupBytes = options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
  for (const [name, value] of [['rowGroupRows', rowGroupRows], ['rowGroupBytes', rowGroupBytes]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${value})`);
  }
  const codec = CODECS[options.compression ?? 'zstd'];
  if (codec === undefined) throw new RangeError(`unknown Parquet compression ${String(options.compression)}`);
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
    const properties = new parquet.WriterPropertiesBuilder()
      .setCompression(codec)
      .setMaxRowGroupSize(rowGroupRows)
      .setMaxRowGroupBytes(rowGroupBytes)
      .setDictionaryPageSizeLimit(DICTIONARY_PAGE_BYTES)
      .setCreatedBy('bqread (parquet-wasm)')
      .build();
    const iterator = batches[Symbol.asyncIterator]();
    // parquet-wasm ends its output normally when its input fails, which would pass a truncated
    // file off as whole: the failure is kept here and rethrown once the output ends.
    let failure: { error: unknown } | undefined;
    let slices: Iterator<parquet.RecordBatch> | undefined;
    let writable: ((batch: RecordBatch) => RecordBatch) | undefined;
    // A pull source: the next batch is read only when the writer asks for it.
    const input = new ReadableStream<parquet.RecordBatch>(
      {
        async pull(controller) {
          try {
            for (;;) {
              const slice = slices?.next();
              if (slice && !slice.done) return controller.enqueue(slice.value);
              const next = await iterator.next();
              if (next.done) return controller.close();
              slices = toWasm((writable ??= parquetWritable(next.value.schema))(next.value));
            }
          } catch (error) {
            failure = { error };
            controller.error(error);
          }
        },
        async cancel() {
          await iterator.return?.();
        },
      },
      { highWaterMark: 0 },
    );
    const output = (await parquet.transformParquetStream(input, properties)) as ReadableStream<Uint8Array>;
    for await (const chunk of output) {
      if (failure) break;
      yield chunk;
    }
    if (failure) throw failure.error;
  };
}
