import { Command, Option } from 'commander';
import { formatForPath, SINK_FORMATS, type SinkFormat } from '../sinks/formats.js';
import { DEFAULT_ROW_GROUP_BYTES, type ParquetCompression } from '../sinks/parquet-options.js';
import { startProgress } from './progress.js';
import { stoppable } from './stop-signals.js';
import { addConnectionFlags, addParallelismFlags, addSelectionFlags, readOptionsFromFlags, UsageError, type ReadFlags } from './read-flags.js';
import { summaryLine, writeStatsJson } from './summary.js';

interface ReadCommandFlags extends ReadFlags {
  readonly format?: SinkFormat;
  readonly out?: string;
  readonly parquetCompression?: ParquetCompression;
  readonly quiet?: boolean;
  readonly statsJson?: string;
}

const BINARY_FORMATS: ReadonlySet<SinkFormat> = new Set(['arrow', 'arrows', 'parquet']);

/**
 * The format: --format, else the one --out's extension names, else NDJSON, as on a pipe: `-o
 * /dev/null`, `-o rows.txt` or a file with no extension is text a person or a script can read.
 */
function chooseFormat(flags: ReadCommandFlags, toStdout: boolean): SinkFormat {
  return flags.format ?? (toStdout ? undefined : formatForPath(flags.out!)) ?? 'ndjson';
}

export function readCommand(): Command {
  const command = new Command('read')
    .description('read a table into a file or onto stdout (Arrow IPC, Parquet, NDJSON or CSV)')
    .argument('<table>', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T')
    .addOption(new Option('--format <format>', 'output format (default: the one --out\'s extension names, .arrow .feather .ipc, .arrows, .parquet .pq, .ndjson .jsonl .json or .csv; else ndjson: any other extension, none, /dev/null, stdout)').choices(SINK_FORMATS))
    .option('-o, --out <path>', 'output file, written whole or not at all; a device or FIFO (/dev/null) is written in place (default, or -: stdout)')
    .addOption(new Option('--parquet-compression <codec>', 'Parquet column compression').choices(['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none']).default('zstd'))
    .option('-q, --quiet', 'no progress bar and no summary line')
    .option('--stats-json <path>', 'write the read\'s statistics as JSON to PATH');
  addSelectionFlags(command);
  addParallelismFlags(command);
  addConnectionFlags(command);
  return command
    .addHelpText('after', `
Examples:
  bqread read my-proj.sales.orders --out orders.parquet
  bqread read my-proj.sales.orders --columns id,amount,ts --where "ts >= TIMESTAMP '2026-01-01'" --out jan.csv
  bqread read my-proj.sales.orders --format arrows | python -c 'import pyarrow as pa, sys; print(pa.ipc.open_stream(sys.stdin.buffer).read_all().num_rows)'
  bqread read my-proj.sales.orders | jq -c 'select((.amount | tonumber) > 100)'   # INT64 and NUMERIC arrive as strings
  BIGQUERY_STORAGE_EMULATOR_HOST=127.0.0.1:9060 bqread read bqread-demo.samples.all_types --out demo.arrow`)
    .action(async (table: string, flags: ReadCommandFlags) => {
      const toStdout = flags.out === undefined || flags.out === '-';
      const format = chooseFormat(flags, toStdout);
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
          const output = await writeBatches(stream, toStdout ? process.stdout : flags.out, {
            format,
            end: false,
            // A Parquet row group is held whole until written: it stays within the reader's budget too.
            parquet: { compression: flags.parquetCompression, rowGroupBytes: Math.min(options.maxBufferedBytes ?? Infinity, DEFAULT_ROW_GROUP_BYTES) },
            signal,
          });
          progress.stop();
          const report = { table, session: await stream.session, stats: stream.stats, output: { ...output, path: toStdout ? 'stdout' : flags.out } };
          if (!flags.quiet) process.stderr.write(`${summaryLine(report)}\n`);
          if (flags.statsJson) await writeStatsJson(flags.statsJson, report);
        } finally {
          progress.stop();
        }
      });
    });
}
