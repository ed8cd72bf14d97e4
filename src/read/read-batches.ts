import { Readable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
import type { OutputPlan } from '../sinks/output-plan.js';
import type { TableReference } from '../table-ref.js';
import { BqReadError } from './errors.js';
import type { ReadOptions } from './options.js';
import type { ReadSessionInfo } from './session.js';
import type { ReadStats } from './stats.js';
import { TableRead } from './table-read.js';

export interface BatchStream extends AsyncIterable<RecordBatch> {
  /**
   * The read session (schema, streams, estimates). Awaiting it before iterating creates the session
   * without reading any row, e.g. to open a writer with the schema first.
   */
  readonly session: Promise<ReadSessionInfo>;
  /** Filled in as the read goes; final once iteration ends. */
  readonly stats: ReadStats;
  /** The batches come stream by stream in session order (the `ordered` option), not as they arrive. */
  readonly ordered: boolean;
  /** The same batches as a Node object-mode Readable (holding at most one batch itself). */
  toReadable(): Readable;
  /**
   * Instead of the batches: each batch as an output's bytes, made by `plan` where it is read (the
   * worker threads): its rows as text (a TextPlan), or the Parquet writer's input (a
   * ParquetIpcPlan), a batch in each chunk, under the same byte budget (counted in those bytes)
   * and order. The sinks write NDJSON, CSV and Parquet through it.
   */
  formatted(plan: OutputPlan): AsyncIterable<FormattedRows>;
}

/** One batch as an output's bytes: UTF-8 text, or an Arrow IPC stream for the Parquet writer. */
export interface FormattedRows {
  readonly bytes: Uint8Array;
  readonly rows: number;
}

/**
 * Streams the table's record batches as they arrive (or in stream order with `ordered`), holding at
 * most `maxBufferedBytes` of decoded data ahead of the consumer.
 */
export function readBatches(table: TableReference, options: ReadOptions = {}): BatchStream {
  return batchStreamOf(new TableRead(table, options));
}

/** A read's batches as a BatchStream (a plan's shard is read through the same one). */
export function batchStreamOf(read: TableRead): BatchStream {
  async function* unwrap(): AsyncGenerator<RecordBatch> {
    for await (const placed of read.batches()) yield placed.batch;
  }
  async function* outputs(plan: OutputPlan): AsyncGenerator<FormattedRows> {
    for await (const placed of read.outputs(plan)) yield { bytes: placed.output, rows: placed.rows };
  }
  let iterated = false;
  const once = <T>(iterable: T): T => {
    if (iterated) throw new BqReadError('a BatchStream can be iterated only once');
    iterated = true;
    return iterable;
  };
  const iterate = () => once(unwrap());
  return {
    get session() {
      return read.session();
    },
    stats: read.stats,
    ordered: read.ordered,
    [Symbol.asyncIterator]: iterate,
    toReadable: () => Readable.from(iterate(), { objectMode: true, highWaterMark: 1 }),
    formatted: (plan) => ({ [Symbol.asyncIterator]: () => once(outputs(plan)) }),
  };
}
