import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { formatForPath, SINK_FORMATS, type SinkFormat } from '../sinks/formats.js';
import type { BatchStream } from '../read/read-batches.js';
import type { PartFormat } from '../sinks/parts/part-messages.js';
import type { PartsOptions } from '../sinks/parts/write-parts.js';
import { DEFAULT_ROW_GROUP_BYTES } from '../sinks/parquet-options.js';
import { startProgress } from './progress.js';
import { stoppable } from './stop-signals.js';
import { byteSize, integer } from './flag-parsers.js';
import { addConnectionFlags, addParallelismFlags, addSelectionFlags, readOptionsFromFlags, UsageError } from './read-flags.js';
import { partsPath, summaryLine, writeStatsJson } from './summary.js';
import { checkShardFlags, partFormatOf, readShard, type ShardReadFlags } from './shard-read.js';

type ReadCommandFlags = ShardReadFlags;

const BINARY_FORMATS: ReadonlySet<SinkFormat> = new Set(['arrow', 'arrows', 'parquet']);

/**
 * The format: --format, else the one --out's extension names, else NDJSON, as on a pipe: `-o
 * /dev/null`, `-o rows.txt` or a file with no extension is text a person or a script can read.
 */
function chooseFormat(flags: ReadCommandFlags, toStdout: boolean): SinkFormat {
  return flags.format ?? (toStdout ? undefined : formatForPath(flags.out!)) ?? 'ndjson';
}

/**
 * Part files: --parts N, --part-size, or --out DIR/ (a trailing slash); one part a core at once.
 * They are Parquet (or Arrow IPC files, --format arrow), into the directory --out names.
 */
function partsOf(flags: ReadCommandFlags, toStdout: boolean): { parts: number; format: PartFormat } | undefined {
  const intoDirectory = flags.out?.endsWith('/') === true;
  if (flags.parts === undefined && flags.partSize === undefined && !intoDirectory) return undefined;
  if (toStdout) throw new UsageError(`${flags.parts === undefined ? '--part-size' : '--parts'} writes files into a directory: give --out DIR/`);
  return { parts: flags.parts ?? availableParallelism(), format: partFormatOf(flags) };
}

async function writeWholeParts(stream: BatchStream, dir: string, options: PartsOptions) {
  const { writeParts } = await import('../sinks/parts/write-parts.js');
  const result = await writeParts(stream, dir, options);
  const format = options.format ?? 'parquet';
  return { format, rows: result.rows, bytes: result.bytes, path: partsPath(dir, result) };
}

export function readCommand(): Command {
  const command = new Command('read')
    .description('read a table into a file or onto stdout (Arrow IPC, Parquet, NDJSON or CSV)')
    .argument('[table]', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T (or --plan)')
    .addOption(new Option('--format <format>', 'output format (default: the one --out\'s extension names, .arrow .feather .ipc, .arrows, .parquet .pq, .ndjson .jsonl .json or .csv; else ndjson: any other extension, none, /dev/null, stdout)').choices(SINK_FORMATS))
    .option('-o, --out <path>', 'output file, written whole or not at all; a device or FIFO (/dev/null) is written in place (default, or -: stdout)')
    .addOption(new Option('--parquet-compression <codec>', 'Parquet column compression').choices(['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none']).default('zstd'))
    .option('--parts <n>', 'write part files part-00000.parquet, ... (Parquet, or Arrow with --format arrow) and manifest.json into the directory --out names, N at once, each by a thread of its own (--out DIR/ alone: one a core)', integer('--parts', 1))
    .option('--part-size <size>', 'with part files: end a part once it holds SIZE (e.g. 256MB, 1GiB; it ends at a row group, so it can pass SIZE by one) and start the next; default: one part a thread', byteSize('--part-size'))
    .option('-q, --quiet', 'no progress bar and no summary line')
    .option('--stats-json <path>', 'write the read\'s statistics as JSON to PATH')
    .option('--plan <file>', 'read one shard of a plan (bqread plan) instead of a table, into the directory --out DIR/ as Parquet parts named for the shard (--parts, --part-size), with its manifest')
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
      const partFiles = partsOf(flags, toStdout);
      const format = partFiles?.format ?? chooseFormat(flags, toStdout);
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
          const share = Math.floor((options.maxBufferedBytes ?? Infinity) / (partFiles?.parts ?? 1));
          const parquet = { compression: flags.parquetCompression, rowGroupBytes: Math.min(share, DEFAULT_ROW_GROUP_BYTES) };
          const output = partFiles
            ? await writeWholeParts(stream, flags.out!, { ...partFiles, partBytes: flags.partSize, parquet, signal, onWritten: progress.onWritten })
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
