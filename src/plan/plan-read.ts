import { availableParallelism } from 'node:os';
import { resolveReadOptions, type ReadOptions } from '../read/options.js';
import { DEFAULT_STREAMS_PER_WORKER } from '../read/pool.js';
import { TableRead } from '../read/table-read.js';
import type { TableReference } from '../table-ref.js';
import { PLAN_FORMAT, PLAN_FORMAT_VERSION, type ReadPlan } from './read-plan-format.js';
import { checkShard } from './shards.js';

export interface PlanOptions extends ReadOptions {
  /**
   * The machines the plan is for; recorded in the plan (shards must then use it). Unless the
   * session's stream counts are given, the session is asked for enough streams to fill that many
   * machines like this one.
   */
  readonly shards?: number;
}

/**
 * Creates the read session once and returns it as a plan any number of machines can read shards of
 * until it expires. Takes readTableParallel's options (fields, restriction, snapshot, sample,
 * compression, stream counts); nothing is read, and the plan holds no credentials.
 */
export async function planRead(table: TableReference, options: PlanOptions = {}): Promise<ReadPlan> {
  const { shards, ...readOptions } = options;
  if (shards !== undefined) checkShard({ index: 0, count: shards });
  const resolved = resolveReadOptions(table, readOptions);
  const machineSlots = (readOptions.workers || availableParallelism()) * DEFAULT_STREAMS_PER_WORKER;
  const preferredMinStreams = shards !== undefined && resolved.maxStreams === 0 && readOptions.preferredMinStreams === undefined
    ? Math.min(1000, shards * machineSlots)
    : readOptions.preferredMinStreams;
  const session = await new TableRead(table, { ...readOptions, preferredMinStreams }).session();
  return {
    format: PLAN_FORMAT,
    version: PLAN_FORMAT_VERSION,
    table: session.table,
    session: session.name,
    streams: [...session.streams],
    arrowSchema: Buffer.from(session.schemaMessage).toString('base64'),
    expireTime: session.expireTime?.toISOString(),
    estimatedRows: session.estimatedRowCount,
    estimatedBytes: session.estimatedTotalBytesScanned,
    createdAt: new Date().toISOString(),
    shards,
    options: {
      selectedFields: [...resolved.selectedFields],
      rowRestriction: resolved.rowRestriction,
      snapshotTime: resolved.snapshotTime?.toISOString(),
      samplePercentage: resolved.samplePercentage,
      compression: resolved.compression,
      picosTimestampPrecision: resolved.picosTimestampPrecision,
      maxStreams: resolved.maxStreams,
      billingProject: resolved.billingProject,
    },
  };
}
