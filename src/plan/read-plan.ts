import type { Schema } from 'apache-arrow';
import { batchStreamOf, type BatchStream } from '../read/read-batches.js';
import { tableOf, type ReadTableResult } from '../read/read-table.js';
import type { ReadOptions } from '../read/options.js';
import { decodeSchema } from '../arrow/schema-message.js';
import type { ReadSessionInfo } from '../read/session.js';
import { TableRead } from '../read/table-read.js';
import { PlanError } from './plan-error.js';
import { checkPlan, type ReadPlan } from './read-plan-format.js';
import { streamsOfShard, type Shard } from './shards.js';

/** Which of a plan's streams to read: a shard's, or named ones. */
export type PlanSelection = { readonly shard: Shard } | { readonly streams: readonly string[] };

/** The options that shaped the session are the plan's: a shard cannot change them. */
export type PlanReadOptions = Omit<
  ReadOptions,
  'selectedFields' | 'rowRestriction' | 'snapshotTime' | 'samplePercentage' | 'maxStreams' | 'preferredMinStreams' | 'compression' | 'picosTimestampPrecision'
>;

/** The plan's session narrowed to the selected streams, with its estimates in proportion. */
function shardSession(plan: ReadPlan, selection: PlanSelection): ReadSessionInfo {
  checkPlan(plan);
  const streams = 'shard' in selection ? streamsOfShard(plan.streams, selection.shard) : [...selection.streams];
  if (!('shard' in selection)) {
    const known = new Set(plan.streams);
    const unknown = streams.find((s) => !known.has(s));
    if (unknown !== undefined) throw new PlanError(`stream ${unknown} is not one of the plan's (session ${plan.session})`);
    if (new Set(streams).size !== streams.length) throw new PlanError('the streams to read name one stream twice');
  }
  const share = plan.streams.length === 0 ? 0 : streams.length / plan.streams.length;
  const schemaMessage = new Uint8Array(Buffer.from(plan.arrowSchema, 'base64'));
  let schema: Schema | undefined;
  try {
    schema = decodeSchema(schemaMessage);
  } catch (err) {
    throw new PlanError(`the plan's arrowSchema is not an Arrow schema message: ${(err as Error).message}`, { cause: err });
  }
  // Bytes that are no IPC message at all decode to no schema rather than an error.
  if (!schema || schema.fields.length === 0) throw new PlanError("the plan's arrowSchema is not an Arrow schema message");
  return {
    name: plan.session,
    table: plan.table,
    streams,
    schema,
    schemaMessage,
    expireTime: plan.expireTime === undefined ? undefined : new Date(plan.expireTime),
    estimatedRowCount: Math.round(plan.estimatedRows * share),
    estimatedTotalBytesScanned: Math.round(plan.estimatedBytes * share),
  };
}

function shardRead(plan: ReadPlan, selection: PlanSelection, options: PlanReadOptions): TableRead {
  const session = shardSession(plan, selection);
  // The workers decode what the session sends: its compression is the plan's.
  return new TableRead(plan.table, { ...options, compression: plan.options.compression }, session);
}

/**
 * Reads the selected streams of a plan's session (made by planRead, perhaps on another machine) as
 * readBatches reads a table: the same pool, resumption, backpressure, rebalancing within the
 * selection, and stats. A session past its expire time, or one the service does not know, fails
 * with a SessionExpiredError naming it.
 */
export function readPlan(plan: ReadPlan, selection: PlanSelection, options: PlanReadOptions = {}): BatchStream {
  return batchStreamOf(shardRead(plan, selection, options));
}

/** readPlan's rows as one Arrow Table, in session order (as readTableParallel gives them). */
export function readPlanTable(plan: ReadPlan, selection: PlanSelection, options: PlanReadOptions = {}): Promise<ReadTableResult> {
  return tableOf(shardRead(plan, selection, options));
}
