// parquet-wasm is arrow-rs's Parquet writer compiled to WebAssembly: Arrow in, every Parquet type
// and codec out. Its Node build loads the module synchronously on import. This module feeds it Arrow
// IPC streams and needs no apache-arrow, so a part's thread (parts/part-thread.ts) loads only it.
import * as parquet from 'parquet-wasm';
import { resolveParquetOptions, type ParquetCompression, type ParquetOptions } from './parquet-options.js';

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

/** The writer's properties, the options checked now, so bad ones fail before any row is read. */
function writerProperties(options: ParquetOptions): () => parquet.WriterProperties {
  const { compression, rowGroupRows, rowGroupBytes } = resolveParquetOptions(options);
  return () => new parquet.WriterPropertiesBuilder()
    .setCompression(CODECS[compression])
    .setMaxRowGroupSize(rowGroupRows)
    .setMaxRowGroupBytes(rowGroupBytes)
    .setDictionaryPageSizeLimit(DICTIONARY_PAGE_BYTES)
    .setCreatedBy('bqread (parquet-wasm)')
    .build();
}

/** The WebAssembly memory of this thread's Parquet writer: its high-water mark, as it never shrinks. */
export const parquetWriterMemoryBytes = (): number => (parquet.wasmMemory() as { buffer: ArrayBuffer }).buffer.byteLength;

/** The record batches of one IPC stream, in WebAssembly memory. */
function* inWasm(ipc: Uint8Array): Generator<parquet.RecordBatch> {
  const table = parquet.Table.fromIPCStream(ipc);
  try {
    yield* table.recordBatches();
  } finally {
    table.free();
  }
}

/**
 * A Parquet file from Arrow IPC streams of one schema (each a few thousand rows: WebAssembly
 * memory grows to the largest input and the row group, and never shrinks), read only as the writer
 * asks for more; the schema Parquet can hold (parquet-types.ts makes it so).
 */
export function parquetFromIpc(options: ParquetOptions = {}) {
  const properties = writerProperties(options);
  return async function* encode(ipcs: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const iterator = ipcs[Symbol.asyncIterator]();
    // parquet-wasm ends its output normally when its input fails, which would pass a truncated
    // file off as whole: the failure is kept here and rethrown once the output ends.
    let failure: { error: unknown } | undefined;
    let batches: Iterator<parquet.RecordBatch> | undefined;
    const input = new ReadableStream<parquet.RecordBatch>(
      {
        async pull(controller) {
          try {
            for (;;) {
              const batch = batches?.next();
              if (batch && !batch.done) return controller.enqueue(batch.value);
              const next = await iterator.next();
              if (next.done) return controller.close();
              batches = inWasm(next.value);
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
    const output = (await parquet.transformParquetStream(input, properties())) as ReadableStream<Uint8Array>;
    for await (const chunk of output) {
      if (failure) break;
      yield chunk;
    }
    if (failure) throw failure.error;
  };
}
