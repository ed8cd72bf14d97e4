import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecordBatch, Schema } from 'apache-arrow';
import { arrowIpcEncoder } from './arrow-ipc.js';
import { formats, openSource, type BatchSource } from './batch-source.js';
import { formatForPath, type SinkFormat } from './formats.js';
import { openFileOutput, writableOutput, type Output } from './output.js';
import { resolveParquetOptions, type ParquetOptions } from './parquet-options.js';
import { textEncoder, textHeader, textPlanOf } from './text-output.js';

export interface SinkOptions {
  /** Default: from the file's extension (a Writable target needs it). */
  readonly format?: SinkFormat;
  /** Schema for a plain iterable that may yield no batches (a `readBatches` stream knows its own). */
  readonly schema?: Schema;
  readonly parquet?: ParquetOptions;
  /** A Writable target is ended when the data ends, unless this is false (stdout). */
  readonly end?: boolean;
  readonly signal?: AbortSignal;
  /** Called as bytes go to the target, with the bytes written so far (a progress display's write rate). */
  readonly onWritten?: (bytes: number) => void;
}

export interface SinkResult {
  readonly format: SinkFormat;
  readonly rows: number;
  /** Bytes written to the target. */
  readonly bytes: number;
}

type Stage = (source: AsyncIterable<RecordBatch>) => AsyncIterable<string | Uint8Array>;

async function encoder(format: SinkFormat, schema: Schema, options: SinkOptions): Promise<Stage> {
  switch (format) {
    case 'arrow': return arrowIpcEncoder('file');
    case 'arrows': return arrowIpcEncoder('stream');
    // Loaded on first use: instantiating its WebAssembly module costs every other format time.
    case 'parquet': return (await import('./parquet.js')).parquetEncoder(options.parquet);
    case 'ndjson':
    case 'csv': return textEncoder(textPlanOf(format, schema));
  }
}

function resolveFormat(target: string | Writable, options: SinkOptions): SinkFormat {
  if (options.format) return options.format;
  const fromPath = typeof target === 'string' ? formatForPath(target) : undefined;
  if (!fromPath) throw new TypeError(`no format given and none follows from ${typeof target === 'string' ? `"${target}"` : 'a stream'}: pass format`);
  return fromPath;
}

/**
 * Streams `source`'s batches into `target` (a file path or a Writable) in `format`, batch by
 * batch with backpressure, so memory stays within the reader's buffer budget whatever the table's
 * size. A file appears under its name only once complete. Stopping early (an error, the signal)
 * stops a `readBatches` source's read.
 */
export async function writeBatches(source: BatchSource, target: string | Writable, options: SinkOptions = {}): Promise<SinkResult> {
  const format = resolveFormat(target, options);
  if (format === 'parquet' && typeof target === 'string' && (await isRegularOrAbsent(target))) return writeParquetFile(source, target, options);
  const output: Output = typeof target === 'string' ? await openFileOutput(target) : writableOutput(target, options.end ?? true);
  let rows = 0;
  let bytes: number;
  try {
    const { schema, batches } = await openSource(source, options.schema);
    let chunks: () => AsyncIterable<string | Uint8Array>;
    try {
      chunks = await encoded(format, source, schema, batches, options, (n) => (rows += n));
    } catch (err) {
      await batches.return(undefined);
      throw err;
    }
    bytes = await writeInto(output, chunks(), options.signal, options.onWritten);
  } catch (err) {
    await output.discard();
    throw err;
  }
  return { format, rows, bytes };
}

/**
 * Writes `chunks` to `output` with backpressure and commits it (a file is put in place); the bytes
 * written, reported to `onWritten` as they go.
 */
async function writeInto(
  output: Output, chunks: AsyncIterable<string | Uint8Array>, signal: AbortSignal | undefined, onWritten?: (bytes: number) => void,
): Promise<number> {
  let bytes = 0;
  async function* measured(): AsyncGenerator<string | Uint8Array> {
    for await (const chunk of chunks) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      yield chunk;
      onWritten?.(bytes);
    }
  }
  await pipeline(measured, output.stream, { signal, end: output.end });
  await output.commit();
  return bytes;
}

async function isRegularOrAbsent(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => true);
}

/**
 * The least a Parquet encoder of one file is given: its row groups at least this size (smaller
 * ones cost more CPU a row: on 100,000 demo rows, zstd, 4 MiB row groups took 15% more than 8, 16,
 * 32 or 64 MiB, which cost the same), and at least this much of the session's bytes.
 */
const ENCODER_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Threads that encode one Parquet file: a read whose batches come as they arrive has no order to
 * keep, so its row groups are encoded by up to a thread a core and stitched into the file; any
 * other source keeps its order with one.
 */
async function encodersFor(source: BatchSource, rowGroupBytes: number): Promise<number> {
  if (!formats(source) || source.ordered) return 1;
  const { estimatedTotalBytesScanned = 0 } = await source.session;
  const worth = Math.floor(Math.min(rowGroupBytes, estimatedTotalBytesScanned) / ENCODER_MIN_BYTES);
  return Math.max(1, Math.min(availableParallelism(), worth));
}

/**
 * A Parquet file is encoded by threads of their own, the parts writer's (parquet-wasm is single
 * threaded, and encoding here held up the read's batches): one part named as the file, or several
 * parts in a hidden directory beside it, stitched into the file once written (parquet-stitch.ts).
 * A read's workers make the writer's input from the messages they read, so this thread only hands
 * bytes over; other sources are converted here (part-feed.ts). A device, FIFO or Writable target
 * is encoded here.
 */
async function writeParquetFile(source: BatchSource, path: string, options: SinkOptions): Promise<SinkResult> {
  const parquet = resolveParquetOptions(options.parquet ?? {});
  // An unwritable path fails before the read starts, as every other file does.
  await (await openFileOutput(path)).discard();
  const [{ writePartFiles }, { partFeedOf }] = await Promise.all([import('./parts/write-part-files.js'), import('./parts/part-feed.js')]);
  const feed = await partFeedOf(source, 'parquet', options.schema);
  const encoders = await encodersFor(source, parquet.rowGroupBytes);
  const partOptions = { format: 'parquet', signal: options.signal, onWritten: options.onWritten } as const;
  if (encoders === 1) {
    const name = basename(path);
    const [file] = await writePartFiles(feed, dirname(path), () => name, { ...partOptions, parts: 1, parquet });
    return { format: 'parquet', rows: file!.rows, bytes: file!.bytes };
  }
  const parts = await mkdtemp(join(dirname(path), `.${basename(path)}.parts-`));
  try {
    // The encoders together hold what one would: a row group of that size between them (each at
    // least ENCODER_MIN_BYTES, as encodersFor counts them).
    const rowGroupBytes = Math.floor(parquet.rowGroupBytes / encoders);
    const files = await writePartFiles(feed, parts, (k) => `part-${k}.parquet`, { ...partOptions, parts: encoders, parquet: { ...parquet, rowGroupBytes } });
    const { stitchedParquet } = await import('./parquet-stitch.js');
    const output = await openFileOutput(path);
    let bytes: number;
    try {
      // The parts reported their bytes as they wrote them: the copy is not counted again.
      bytes = await writeInto(output, stitchedParquet(files.map((file) => join(parts, file.path))), options.signal);
    } catch (err) {
      await output.discard();
      throw err;
    }
    return { format: 'parquet', rows: files.reduce((rows, file) => rows + file.rows, 0), bytes };
  } finally {
    await rm(parts, { recursive: true, force: true });
  }
}

/**
 * The output's bytes, counting rows as they go. A read written as NDJSON or CSV has its worker
 * threads format the rows (the same bytes textEncoder would make here), so this thread only writes
 * them; every other source and format is encoded here from the batches.
 */
async function encoded(
  format: SinkFormat, source: BatchSource, schema: Schema, batches: AsyncGenerator<RecordBatch>, options: SinkOptions, counted: (rows: number) => void,
): Promise<() => AsyncIterable<string | Uint8Array>> {
  if ((format === 'ndjson' || format === 'csv') && formats(source)) {
    const plan = textPlanOf(format, schema);
    return async function* text() {
      const header = textHeader(plan);
      if (header) yield header;
      for await (const chunk of source.formatted(plan)) {
        counted(chunk.rows);
        yield chunk.bytes;
      }
    };
  }
  const stage = await encoder(format, schema, options);
  return async function* () {
    async function* counting(): AsyncGenerator<RecordBatch> {
      for await (const batch of batches) {
        counted(batch.numRows);
        yield batch;
      }
    }
    yield* stage(counting());
  };
}

const fixed = (format: SinkFormat) => (source: BatchSource, target: string | Writable, options: Omit<SinkOptions, 'format'> = {}) =>
  writeBatches(source, target, { ...options, format });

export const writeArrowFile = fixed('arrow');
export const writeArrowStream = fixed('arrows');
export const writeParquet = fixed('parquet');
export const writeNdjson = fixed('ndjson');
export const writeCsv = fixed('csv');
