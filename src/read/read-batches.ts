import { Readable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
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
  /** The same batches as a Node object-mode Readable (holding at most one batch itself). */
  toReadable(): Readable;
}

/**
 * Streams the table's record batches as they arrive (or in stream order with `ordered`), holding at
 * most `maxBufferedBytes` of decoded data ahead of the consumer.
 */
export function readBatches(table: TableReference, options: ReadOptions = {}): BatchStream {
  const read = new TableRead(table, options);
  async function* unwrap(): AsyncGenerator<RecordBatch> {
    for await (const placed of read.batches()) yield placed.batch;
  }
  let iterable: AsyncGenerator<RecordBatch> | undefined;
  const iterate = () => {
    if (iterable) throw new BqReadError('a BatchStream can be iterated only once');
    iterable = unwrap();
    return iterable;
  };
  return {
    get session() {
      return read.session();
    },
    stats: read.stats,
    [Symbol.asyncIterator]: iterate,
    toReadable: () => Readable.from(iterate(), { objectMode: true, highWaterMark: 1 }),
  };
}
