// `bqread read --plan plan.json`: one machine's shard of a plan, written as the parts writer writes
// a read into a directory (part files, then a manifest), under names of the shard's own.
import { availableParallelism } from 'node:os';
import type { ReadOptions } from '../read/options.js';
import { loadPlanFile } from './plan-command.js';
import type { startProgress } from './progress.js';
import { UsageError, type ReadFlags } from './read-flags.js';
import { stoppable } from './stop-signals.js';
import { parquetOptionsOf, partFormatOf, type OutputFlags } from './table-output.js';
import { partsPath, summaryLine, writeStatsJson } from './summary.js';

export interface ShardReadFlags extends ReadFlags, OutputFlags {
  readonly plan?: string;
  readonly shard?: string;
  readonly shardCount?: number;
}

/** Flags that shape a session: a plan's session is already shaped. */
const SESSION_FLAGS = ['columns', 'where', 'snapshot', 'sample', 'picosPrecision', 'maxStreams', 'compression', 'billingProject'] as const;

/** A shard's flags that cannot work, refused before the plan is read. */
export function checkShardFlags(table: string | undefined, flags: ShardReadFlags): void {
  if (table !== undefined) throw new UsageError('give a table or --plan, not both: the plan names its table');
  const shaping = SESSION_FLAGS.find((name) => flags[name] !== undefined);
  if (shaping) throw new UsageError(`--${shaping.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} shapes a session, and the plan's is made: give it to bqread plan`);
  if (flags.out === undefined || flags.out === '-') throw new UsageError('a shard writes part files: give --out DIR/');
  partFormatOf(flags);
}

export async function readShard(flags: ShardReadFlags, options: ReadOptions, progress: ReturnType<typeof startProgress>): Promise<void> {
  const plan = await loadPlanFile(flags.plan!);
  const [{ parseShard }, { shardFromEnvironment }, { readPlan }, { writeShardParts }] = await Promise.all([
    import('../plan/shards.js'), import('../plan/shard-environment.js'), import('../plan/read-plan.js'), import('../plan/write-shard-parts.js'),
  ]);
  let shard;
  if (flags.shard !== undefined) {
    shard = parseShard(flags.shard);
    if (plan.shards !== undefined && shard.count !== plan.shards) {
      throw new UsageError(`--shard ${flags.shard} has ${shard.count} shards but the plan was made for ${plan.shards}`);
    }
  } else {
    shard = shardFromEnvironment(process.env, flags.shardCount, plan.shards);
  }
  const dir = flags.out!;
  const parts = flags.parts ?? availableParallelism();
  await stoppable(async (signal) => {
    const stream = readPlan(plan, { shard }, { ...options, onProgress: progress.onProgress, signal });
    const parquet = parquetOptionsOf(flags, options.maxBufferedBytes, parts);
    const format = partFormatOf(flags);
    const result = await writeShardParts(plan, shard, stream, dir, { format, parts, partBytes: flags.partSize, parquet, signal });
    progress.stop();
    const output = { format, rows: result.rows, bytes: result.bytes, path: partsPath(dir, result) };
    const report = { table: plan.table, session: await stream.session, stats: stream.stats, output };
    if (!flags.quiet) process.stderr.write(`shard ${shard.index}/${shard.count}: ${summaryLine(report)}\n`);
    if (flags.statsJson) await writeStatsJson(flags.statsJson, report);
  });
}
