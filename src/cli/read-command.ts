import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { formatForPath, SINK_FORMATS, type SinkFormat } from '../sinks/formats.js';
import type { BatchStream } from '../read/read-batches.js';
import { DEFAULT_ROW_GROUP_BYTES, type ParquetCompression, type ParquetOptions } from '../sinks/parquet-options.js';
import { startProgress } from './progress.js';
import { stoppable } from './stop-signals.js';
import { integer } from './flag-parsers.js';
import { addConnectionFlags, addParallelismFlags, addSelectionFlags, readOptionsFromFlags, UsageError } from './read-flags.js';
import { summaryLine, writeStatsJson } from './summary.js';
import { checkShardFlags, readShard, type ShardReadFlags } from './shard-read.js';

interface ReadCommandFlags extends ShardReadFlags {
  readonly format?: SinkFormat;
  readonly out?: string;
  readonly parquetCompression?: ParquetCompression;
  readonly quiet?: boolean;
  readonly statsJson?: string;
  readonly parts?: number;
}

const BINARY_FORMATS: ReadonlySet<SinkFormat> = new Set(['arrow', 'arrows', 'parquet']);

/**
 * The format: --format, else the one --out's extension names, else NDJSON, as on a pipe: `-o
 * /dev/null`, `-o rows.txt` or a file with no extension is text a person or a script can read.
 */
function chooseFormat(flags: ReadCommandFlags, toStdout: boolean): SinkFormat {
  return flags.format ?? (toStdout ? undefined : formatForPath(flags.out!)) ?? 'ndjson';
}

/**
 * Part files: --parts N, or --out DIR/ (a trailing slash), one part a core. They are Parquet, into
 * the directory --out names.
 */
function partsOf(flags: ReadCommandFlags, toStdout: boolean): number | undefined {
  const intoDirectory = flags.out?.endsWith('/') === true;
  if (flags.parts === undefined && !intoDirectory) return undefined;
  if (toStdout) throw new UsageError('--parts writes files into a directory: give --out DIR/');
  if (flags.format !== undefined && flags.format !== 'parquet') throw new UsageError(`part files are Parquet: drop --format ${flags.format} or --parts`);
  return flags.parts ?? availableParallelism();
}

async function writeWholeParts(stream: BatchStream, dir: string, parts: number, parquet: ParquetOptions, signal: AbortSignal) {
  const { writeParts } = await import('../sinks/parts/write-parts.js');
  const result = await writeParts(stream, dir, { parts, parquet, signal });
  return { format: 'parquet' as const, rows: result.rows, bytes: result.bytes, path: `${dir} (${result.files.length} parts, ${result.manifest})` };
}

export function readCommand(): Command {
  const command = new Command('read')
    .description('read a table into a file or onto stdout (Arrow IPC, Parquet, NDJSON or CSV)')
    .argument('[table]', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T (or --plan)')
    .addOption(new Option('--format <format>', 'output format (default: the one --out\'s extension names, .arrow .feather .ipc, .arrows, .parquet .pq, .ndjson .jsonl .json or .csv; else ndjson: any other extension, none, /dev/null, stdout)').choices(SINK_FORMATS))
    .option('-o, --out <path>', 'output file, written whole or not at all; a device or FIFO (/dev/null) is written in place (default, or -: stdout)')
    .addOption(new Option('--parquet-compression <codec>', 'Parquet column compression').choices(['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none']).default('zstd'))
    .option('--parts <n>', 'write Parquet part files part-00000.parquet, ... and manifest.json into the directory --out names, each written by a thread of its own (--out DIR/ alone: one part a core)', integer('--parts', 1))
    .option('-q, --quiet', 'no progress bar and no summary line')
    .option('--stats-json <path>', 'write the read\'s statistics as JSON to PATH')
    .option('--plan <file>', 'read one shard of a plan (bqread plan) instead of a table, into --out FILE or --out DIR/ (named for the shard, with its manifest)')
    .option('--shard <index/count>', 'the plan\'s shard to read, e.g. 3/8 (default: from $JOB_COMPLETION_INDEX, $CLOUD_RUN_TASK_INDEX/$CLOUD_RUN_TASK_COUNT or $AWS_BATCH_JOB_ARRAY_INDEX)')
    .option('--shard-count <n>', 'the shard count, for a job engine that gives only the index (default: the plan\'s)', integer('--shard-count', 1));
  addSelectionFlags(command);
  addParallelismFlags(command);
  addConnectionFlags(command);
  return command
    .addHelpText('after', `
Examples:
  bqread read my-proj.sales.orders --out orders.parquet
  bqread read my-proj.sales.orders --out orders/ --parts 8
  bqread read my-proj.sales.orders --columns id,amount,ts --where "ts >= TIMESTAMP '2026-01-01'" --out jan.csv
  bqread read my-proj.sales.orders --format arrows | python -c 'import pyarrow as pa, sys; print(pa.ipc.open_stream(sys.stdin.buffer).read_all().num_rows)'
  bqread read my-proj.sales.orders | jq -c 'select((.amount | tonumber) > 100)'   # INT64 and NUMERIC arrive as strings
  BIGQUERY_STORAGE_EMULATOR_HOST=127.0.0.1:9060 bqread read bqread-demo.samples.all_types --out demo.arrow
  bqread read --plan plan.json --shard 3/8 --out parts/`)
    .action(async (table: string | undefined, flags: ReadCommandFlags) => {
      if (flags.plan !== undefined) {
        checkShardFlags(table, flags);
        if (flags.parts !== undefined) throw new UsageError('a shard writes one part of the plan: drop --parts');
        const progress = startProgress(!flags.quiet && process.stderr.isTTY === true);
        try {
          return await readShard(flags, readOptionsFromFlags(flags), progress);
        } finally {
          progress.stop();
        }
      }
      if (table === undefined) throw new UsageError("missing required argument 'table' (or --plan FILE)");
      if (flags.shard !== undefined || flags.shardCount !== undefined) throw new UsageError('--shard and --shard-count read a shard of a plan: give --plan FILE');
      const toStdout = flags.out === undefined || flags.out === '-';
      const parts = partsOf(flags, toStdout);
      const format = parts ? 'parquet' : chooseFormat(flags, toStdout);
      if (toStdout && process.stdout.isTTY && BINARY_FORMATS.has(format)) {
        throw new UsageError(`not writing binary ${format} to a terminal: give --out PATH or pipe it`);
      }
      const showProgress = !flags.quiet && process.stderr.isTTY === true;
      const progress = startProgress(showProgress);
      const options = readOptionsFromFlags(flags);
      // A stop signal stops the read and removes the partial file instead of leaving it behind.
      // The reader and the sinks load when a read runs: --help and the emulator do without them.
      const [{ readBatches }, { writeBatches }] = await Promise.all([import('../read/read-batches.js'), import('../sinks/write-batches.js')]);
      await stoppable(async (signal) => {
        const stream = readBatches(table, { ...options, onProgress: progress.onProgress, signal });
        try {
          // A Parquet row group is held whole until written: it stays within the reader's budget
          // too, which the parts share.
          const share = Math.floor((options.maxBufferedBytes ?? Infinity) / (parts ?? 1));
          const parquet = { compression: flags.parquetCompression, rowGroupBytes: Math.min(share, DEFAULT_ROW_GROUP_BYTES) };
          const output = parts
            ? await writeWholeParts(stream, flags.out!, parts, parquet, signal)
            : {
                ...(await writeBatches(stream, toStdout ? process.stdout : flags.out, { format, end: false, parquet, signal, onWritten: progress.onWritten })),
                path: toStdout ? 'stdout' : flags.out,
              };
          progress.stop();
          const report = { table, session: await stream.session, stats: stream.stats, output };
          if (!flags.quiet) process.stderr.write(`${summaryLine(report)}\n`);
          if (flags.statsJson) await writeStatsJson(flags.statsJson, report);
        } finally {
          progress.stop();
        }
      });
    });
}
