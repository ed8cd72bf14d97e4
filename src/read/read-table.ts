import { Table } from 'apache-arrow';
import type { TableReference } from '../table-ref.js';
import type { PlacedBatch } from './batch-queue.js';
import type { ReadOptions } from './options.js';
import type { ReadSessionInfo } from './session.js';
import type { ReadStats } from './stats.js';
import { TableRead } from './table-read.js';

export interface ReadTableResult {
  readonly table: Table;
  readonly session: ReadSessionInfo;
  readonly stats: ReadStats;
}

/**
 * Reads a whole table in parallel into one Arrow Table. Rows come out in session order (stream by
 * stream, each stream in order, a split's remainder right after the stream it was split from),
 * whatever order the streams finished in, so equal reads give equal tables.
 */
export async function readTableParallel(table: TableReference, options: ReadOptions = {}): Promise<ReadTableResult> {
  return tableOf(new TableRead(table, options));
}

/** A read's rows as one Table in session order (a plan's shard is read through the same one). */
export async function tableOf(read: TableRead): Promise<ReadTableResult> {
  const placed: PlacedBatch[] = [];
  for await (const batch of read.batches()) placed.push(batch);
  const session = await read.session();
  const ranks = read.streamRanks();
  placed.sort((a, b) => ranks[a.stream]! - ranks[b.stream]! || a.offset - b.offset);
  const arrowTable = placed.length > 0 ? new Table(placed.map((p) => p.batch)) : new Table(session.schema);
  return { table: arrowTable, session, stats: read.stats };
}
