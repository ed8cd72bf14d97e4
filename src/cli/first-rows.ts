import type { RecordBatch } from 'apache-arrow';
import { readBatches } from '../read/read-batches.js';
import type { ReadOptions } from '../read/options.js';
import type { ReadSessionInfo } from '../read/session.js';

/**
 * The first rows of a table (at most `rows`, from one stream so they are the table's first) and
 * its session; the read stops as soon as they are in.
 */
export async function readFirstRows(table: string, options: ReadOptions, rows: number): Promise<{ session: ReadSessionInfo; batches: RecordBatch[] }> {
  // A few rows of one stream: the calling thread reads them, with no worker thread to start, and
  // no split (a rebalance would split the stream as soon as its first batch is in).
  const stream = readBatches(table, { ...options, maxStreams: 1, preferredMinStreams: 1, workers: 0, ordered: true, rebalance: false });
  const batches: RecordBatch[] = [];
  let count = 0;
  const iterator = stream[Symbol.asyncIterator]();
  try {
    do {
      const next = await iterator.next();
      if (next.done) break;
      batches.push(next.value);
      count += next.value.numRows;
    } while (count < rows);
  } finally {
    await iterator.return?.(undefined);
  }
  return { session: await stream.session, batches };
}
