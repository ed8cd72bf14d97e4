import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
// parquet-wasm is arrow-rs's Parquet writer compiled to WebAssembly: Arrow in, every Parquet
// type and codec out. Its Node build loads the module synchronously on import.
import * as parquet from 'parquet-wasm';

export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'brotli' | 'none';

export interface ParquetOptions {
  /** Column compression; default zstd. */
  readonly compression?: ParquetCompression;
  /**
   * Most rows in one row group. The writer holds a row group's encoded pages until it is complete,
   * so this bounds its memory; default 128 Ki rows.
   */
  readonly rowGroupRows?: number;
}

const CODECS: Readonly<Record<ParquetCompression, parquet.Compression>> = {
  zstd: parquet.Compression.ZSTD,
  snappy: parquet.Compression.SNAPPY,
  gzip: parquet.Compression.GZIP,
  lz4: parquet.Compression.LZ4_RAW,
  brotli: parquet.Compression.BROTLI,
  none: parquet.Compression.UNCOMPRESSED,
};

export const DEFAULT_ROW_GROUP_ROWS = 128 * 1024;

/** An arrow-js batch as record batches in WebAssembly memory (through one IPC stream message). */
function toWasm(batch: RecordBatch): parquet.RecordBatch[] {
  const table = parquet.Table.fromIPCStream(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
  try {
    return table.recordBatches();
  } finally {
    table.free();
  }
}

/**
 * Parquet through arrow-rs: REPEATED columns become lists, RECORDs structs, NUMERIC and BIGNUMERIC
 * decimals, TIMESTAMP UTC-adjusted microseconds, DATETIME local microseconds; the Arrow schema
 * (with the GEOGRAPHY/JSON extension names) is kept in the file's metadata.
 */
export function parquetEncoder(options: ParquetOptions = {}) {
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new RangeError(`rowGroupRows must be a positive integer (got ${rowGroupRows})`);
  const codec = CODECS[options.compression ?? 'zstd'];
  if (codec === undefined) throw new RangeError(`unknown Parquet compression ${String(options.compression)}`);
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
    const properties = new parquet.WriterPropertiesBuilder()
      .setCompression(codec)
      .setMaxRowGroupSize(rowGroupRows)
      .setCreatedBy('bqread (parquet-wasm)')
      .build();
    const iterator = batches[Symbol.asyncIterator]();
    // A pull source: the next batch is read only when the writer asks for it.
    const input = new ReadableStream<parquet.RecordBatch>(
      {
        async pull(controller) {
          const next = await iterator.next();
          if (next.done) controller.close();
          else for (const wasmBatch of toWasm(next.value)) controller.enqueue(wasmBatch);
        },
        async cancel() {
          await iterator.return?.();
        },
      },
      { highWaterMark: 0 },
    );
    const output = (await parquet.transformParquetStream(input, properties)) as ReadableStream<Uint8Array>;
    yield* output;
  };
}
