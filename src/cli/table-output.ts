// Where a read's rows go, shared by `read` and `query`: the output flags, the format they choose,
// and the write itself, with the progress bar, the summary line, --stats-json, and a stop signal
// that removes the partial file.
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { formatForPath, SINK_FORMATS, type SinkFormat } from '../sinks/formats.js';
import type { BatchSource } from '../sinks/batch-source.js';
import type { ReadSessionInfo } from '../read/session.js';
import type { ReadProgress, ReadStats } from '../read/stats.js';
import type { PartFormat } from '../sinks/parts/part-messages.js';
import type { PartsOptions } from '../sinks/parts/write-parts.js';
import { DEFAULT_ROW_GROUP_BYTES, type ParquetCompression, type ParquetOptions } from '../sinks/parquet-options.js';
import { byteSize, integer } from './flag-parsers.js';
import { startProgress } from './progress.js';
import { stoppable } from './stop-signals.js';
import { UsageError } from './read-flags.js';
import { partsPath, summaryLine, writeStatsJson } from './summary.js';

export interface OutputFlags {
  readonly format?: SinkFormat;
  readonly out?: string;
  readonly parquetCompression?: ParquetCompression;
  readonly quiet?: boolean;
  readonly statsJson?: string;
  readonly parts?: number;
  readonly partSize?: number;
}

/** What a read hands its output: batches (a sink's source) with the session and stats of the read behind them. */
export type ReadSource = BatchSource & {
  readonly session: Promise<ReadSessionInfo>;
  readonly stats: ReadStats;
};

const BINARY_FORMATS: ReadonlySet<SinkFormat> = new Set(['arrow', 'arrows', 'parquet']);

/** --format, -o, --parquet-compression, --parts, --part-size, -q and --stats-json. */
export function addOutputFlags(command: Command, parts = true): Command {
  command
    .addOption(new Option('--format <format>', 'output format (default: the one --out\'s extension names, .arrow .feather .ipc, .arrows, .parquet .pq, .ndjson .jsonl .json or .csv; else ndjson: any other extension, none, /dev/null, stdout)').choices(SINK_FORMATS))
    .option('-o, --out <path>', 'output file, written whole or not at all; a device or FIFO (/dev/null) is written in place (default, or -: stdout)')
    .addOption(new Option('--parquet-compression <codec>', 'Parquet column compression').choices(['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none']).default('zstd'));
  if (parts) {
    command
      .option('--parts <n>', 'write part files part-00000.parquet, ... (Parquet, or Arrow with --format arrow) and manifest.json into the directory --out names, N at once, each by a thread of its own (--out DIR/ alone: one a core)', integer('--parts', 1))
      .option('--part-size <size>', 'with part files: end a part once it holds SIZE (e.g. 256MB, 1GiB; it ends at a row group, so it can pass SIZE by one) and start the next; default: one part a thread', byteSize('--part-size'));
  }
  return command
    .option('-q, --quiet', 'no progress bar and no summary line')
    .option('--stats-json <path>', 'write the read\'s statistics as JSON to PATH');
}

/**
 * The format: --format, else the one --out's extension names, else NDJSON, as on a pipe: `-o
 * /dev/null`, `-o rows.txt` or a file with no extension is text a person or a script can read.
 */
function chooseFormat(flags: OutputFlags, toStdout: boolean): SinkFormat {
  return flags.format ?? (toStdout ? undefined : formatForPath(flags.out!)) ?? 'ndjson';
}

/**
 * Part files: --parts N, --part-size, or --out DIR/ (a trailing slash); one part a core at once.
 * They are Parquet (or Arrow IPC files, --format arrow), into the directory --out names.
 */
function partsOf(flags: OutputFlags, toStdout: boolean): { parts: number; format: PartFormat } | undefined {
  const intoDirectory = flags.out?.endsWith('/') === true;
  if (flags.parts === undefined && flags.partSize === undefined && !intoDirectory) return undefined;
  if (toStdout) throw new UsageError(`${flags.parts === undefined ? '--part-size' : '--parts'} writes files into a directory: give --out DIR/`);
  return { parts: flags.parts ?? availableParallelism(), format: partFormatOf(flags) };
}

/** Part files are Parquet (the default) or Arrow IPC files: another --format is refused. */
export function partFormatOf(flags: { readonly format?: SinkFormat }): PartFormat {
  const format = flags.format ?? 'parquet';
  if (format !== 'parquet' && format !== 'arrow') throw new UsageError(`part files are Parquet or Arrow IPC files: drop --format ${format}, or give --format parquet or arrow`);
  return format;
}

export interface PlannedOutput {
  readonly toStdout: boolean;
  readonly parts: { readonly parts: number; readonly format: PartFormat } | undefined;
  readonly format: SinkFormat;
}

/** Checks the output flags before anything is read. */
export function planOutput(flags: OutputFlags): PlannedOutput {
  const toStdout = flags.out === undefined || flags.out === '-';
  const parts = partsOf(flags, toStdout);
  const format = parts?.format ?? chooseFormat(flags, toStdout);
  if (toStdout && process.stdout.isTTY && BINARY_FORMATS.has(format)) {
    throw new UsageError(`not writing binary ${format} to a terminal: give --out PATH or pipe it`);
  }
  return { toStdout, parts, format };
}

/**
 * The Parquet writer's options for an output of `parts` files (1: a single file): a row group is
 * held whole until written, so each file's stays within its share of the reader's byte budget.
 */
export function parquetOptionsOf(flags: OutputFlags, maxBufferedBytes: number | undefined, parts: number): ParquetOptions {
  const share = Math.floor((maxBufferedBytes ?? Infinity) / parts);
  return { compression: flags.parquetCompression, rowGroupBytes: Math.min(share, DEFAULT_ROW_GROUP_BYTES) };
}

async function writeWholeParts(source: ReadSource, dir: string, options: PartsOptions) {
  const { writeParts } = await import('../sinks/parts/write-parts.js');
  const result = await writeParts(source, dir, options);
  return { format: options.format ?? 'parquet', rows: result.rows, bytes: result.bytes, path: partsPath(dir, result) };
}

export interface ReadToOutput {
  readonly flags: OutputFlags;
  readonly plan: PlannedOutput;
  /** The reader's byte budget, which a Parquet row group (and the parts) stay within. */
  readonly maxBufferedBytes?: number;
  /** What the summary line and --stats-json name as the table read (a query's job, known once it ran). */
  readonly label: string | ((source: ReadSource) => string);
  /** Starts the read; the signal is a stop signal's, the callback the progress bar's. */
  readonly open: (signal: AbortSignal, onProgress: (progress: ReadProgress) => void) => ReadSource | Promise<ReadSource>;
  /** A line for stderr once the read has begun (before the bar), unless --quiet. */
  readonly preamble?: (source: ReadSource) => string | undefined;
}

/** Reads into the output the flags name; a stop signal stops the read and removes the partial file. */
export async function readToOutput({ flags, plan, maxBufferedBytes, label, open, preamble }: ReadToOutput): Promise<void> {
  const { toStdout, parts, format } = plan;
  // The sinks load when a read runs: --help and the emulator do without them.
  const { writeBatches } = await import('../sinks/write-batches.js');
  await stoppable(async (signal) => {
    // The bar appears with the first batch, after the preamble.
    const progress = startProgress(!flags.quiet && process.stderr.isTTY === true);
    try {
      const source = await open(signal, progress.onProgress);
      const intro = flags.quiet ? undefined : preamble?.(source);
      if (intro) process.stderr.write(`${intro}\n`);
      const parquet = parquetOptionsOf(flags, maxBufferedBytes, parts?.parts ?? 1);
      const output = parts
        ? await writeWholeParts(source, flags.out!, { ...parts, partBytes: flags.partSize, parquet, signal, onWritten: progress.onWritten })
        : {
            ...(await writeBatches(source, toStdout ? process.stdout : flags.out!, { format, end: false, parquet, signal, onWritten: progress.onWritten })),
            path: toStdout ? 'stdout' : flags.out!,
          };
      progress.stop();
      const report = { table: typeof label === 'string' ? label : label(source), session: await source.session, stats: source.stats, output };
      if (!flags.quiet) process.stderr.write(`${summaryLine(report)}\n`);
      if (flags.statsJson) await writeStatsJson(flags.statsJson, report);
    } finally {
      progress.stop();
    }
  });
}
