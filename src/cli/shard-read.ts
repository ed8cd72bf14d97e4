// `bqread read --plan plan.json`: one machine's shard of a plan, written as a part (a file named
// for the shard, with its manifest beside it).
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadOptions } from '../read/options.js';
import { formatForPath, type SinkFormat } from '../sinks/formats.js';
import { DEFAULT_ROW_GROUP_BYTES, type ParquetCompression } from '../sinks/parquet-options.js';
import { loadPlanFile } from './plan-command.js';
import type { startProgress } from './progress.js';
import { UsageError, type ReadFlags } from './read-flags.js';
import { stoppable } from './stop-signals.js';
import { summaryLine, writeStatsJson } from './summary.js';

export interface ShardReadFlags extends ReadFlags {
  readonly plan?: string;
  readonly shard?: string;
  readonly shardCount?: number;
  readonly format?: SinkFormat;
  readonly out?: string;
  readonly parquetCompression?: ParquetCompression;
  readonly quiet?: boolean;
  readonly statsJson?: string;
}

/** Flags that shape a session: a plan's session is already shaped. */
const SESSION_FLAGS = ['columns', 'where', 'snapshot', 'sample', 'picosPrecision', 'maxStreams', 'compression', 'billingProject'] as const;

/** A shard's flags that cannot work, refused before the plan is read. */
export function checkShardFlags(table: string | undefined, flags: ShardReadFlags): void {
  if (table !== undefined) throw new UsageError('give a table or --plan, not both: the plan names its table');
  const shaping = SESSION_FLAGS.find((name) => flags[name] !== undefined);
  if (shaping) throw new UsageError(`--${shaping.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} shapes a session, and the plan's is made: give it to bqread plan`);
  if (flags.out === undefined || flags.out === '-') throw new UsageError('a shard writes a part file: give --out PATH or --out DIR/');
}

/**
 * `--out DIR/` (or an existing directory): the part is named for the shard inside it, the same on
 * every try; the directory is made if need be (the first shard to start makes it).
 */
async function partPath(out: string, format: SinkFormat, shard: { index: number; count: number }): Promise<string> {
  const { partFileName } = await import('../plan/part-manifest.js');
  const isDir = out.endsWith('/') || (await stat(out).then((s) => s.isDirectory(), () => false));
  if (!isDir) return out;
  await mkdir(out, { recursive: true });
  return join(out, partFileName(shard, format));
}

export async function readShard(flags: ShardReadFlags, options: ReadOptions, progress: ReturnType<typeof startProgress>): Promise<void> {
  const plan = await loadPlanFile(flags.plan!);
  const [{ parseShard }, { shardFromEnvironment }, { readPlan }, { writeShardPart }] = await Promise.all([
    import('../plan/shards.js'), import('../plan/shard-environment.js'), import('../plan/read-plan.js'), import('../plan/write-shard-part.js'),
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
  const out = flags.out!;
  const format = flags.format ?? formatForPath(out) ?? 'parquet';
  const path = await partPath(out, format, shard);
  await stoppable(async (signal) => {
    const stream = readPlan(plan, { shard }, { ...options, onProgress: progress.onProgress, signal });
    const parquet = { compression: flags.parquetCompression, rowGroupBytes: Math.min(options.maxBufferedBytes ?? Infinity, DEFAULT_ROW_GROUP_BYTES) };
    const output = await writeShardPart(plan, shard, stream, path, { format, parquet, signal });
    progress.stop();
    const report = { table: plan.table, session: await stream.session, stats: stream.stats, output };
    if (!flags.quiet) process.stderr.write(`shard ${shard.index}/${shard.count}: ${summaryLine(report)}\n`);
    if (flags.statsJson) await writeStatsJson(flags.statsJson, report);
  });
}
