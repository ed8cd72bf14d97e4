// What part files are written from: each batch as its part's thread takes it (Arrow IPC streams).
// A read into Parquet has its worker threads make them from the messages they read
// (parquet-ipc.ts), so the calling thread only hands bytes on; any other source is converted here.
import { RecordBatchStreamWriter, type RecordBatch, type Schema } from 'apache-arrow';
import type { FormattedRows } from '../../read/read-batches.js';
import { emptyBatch, formats, openSource, type BatchSource } from '../batch-source.js';
import { parquetIpcPlanOf, parquetIpcSlices } from '../parquet-slices.js';
import type { PartFormat } from './part-messages.js';

/** One batch for a part: IPC streams of one schema, and how many rows they hold. */
export interface PartChunk {
  readonly ipcs: Uint8Array[];
  readonly rows: number;
}

export interface PartFeed {
  readonly chunks: AsyncGenerator<PartChunk>;
  /** What a part of no rows is sent, so that it still carries the schema. */
  readonly empty: () => Uint8Array[];
}

/** A batch as one IPC stream, for an Arrow part (its thread reads it in place). */
const arrowIpc = (batch: RecordBatch) => [RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true)];

async function* fromWorkers(formatted: AsyncIterable<FormattedRows>): AsyncGenerator<PartChunk> {
  for await (const { bytes, rows } of formatted) yield { ipcs: [bytes], rows };
}

async function* converted(batches: AsyncIterable<RecordBatch>, slicesOf: (batch: RecordBatch) => Uint8Array[]): AsyncGenerator<PartChunk> {
  for await (const batch of batches) yield { ipcs: slicesOf(batch), rows: batch.numRows };
}

/** `source` as `format` parts take it; `schema` for a plain iterable that may yield no batches. */
export async function partFeedOf(source: BatchSource, format: PartFormat, schema?: Schema): Promise<PartFeed> {
  const slicesOf = format === 'parquet' ? parquetIpcSlices() : arrowIpc;
  if (format === 'parquet' && formats(source)) {
    const known = (await source.session).schema;
    const plan = parquetIpcPlanOf(known);
    if (plan) return { chunks: fromWorkers(source.formatted(plan)), empty: () => slicesOf(emptyBatch(known)) };
  }
  const opened = await openSource(source, schema);
  return { chunks: converted(opened.batches, slicesOf), empty: () => slicesOf(emptyBatch(opened.schema)) };
}
