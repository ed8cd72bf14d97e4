import { isReaderName, type ReaderName } from './readers/index.js';
import type { Compression } from './readers/reader.js';

/** Readers that are not Node: a program started in place of reader-child.js, printing the same JSON line. */
export const NATIVE_READER_NAMES = ['go-drain'] as const;
export type NativeReaderName = (typeof NATIVE_READER_NAMES)[number];
export type BenchReaderName = ReaderName | NativeReaderName;

export function isBenchReaderName(name: string): name is BenchReaderName {
  return isReaderName(name) || (NATIVE_READER_NAMES as readonly string[]).includes(name);
}

/** One row of the bench: a reader with its worker count and wire compression. */
export interface RunSpec {
  readonly label: string;
  readonly reader: BenchReaderName;
  readonly workers: number;
  readonly compression: Compression;
  /** A native reader's program, started instead of `node reader-child.js`. */
  readonly binary?: string;
}

export const GO_DRAIN_LABEL = 'Go client drain (grpc-go)';

/** 1, 2, 4, ... and the core count itself. */
export function workerCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let w = 1; w < cores; w *= 2) counts.push(w);
  counts.push(cores);
  return counts;
}

/**
 * The runs for one table size. The raw drain at all cores comes first: its Arrow byte count sizes
 * the streaming form's budget and is the MB/s numerator of every row. `only` keeps a subset
 * (that first raw drain always runs; the Go drain, bqread table's reference, runs with it).
 * `goDrain`: the Go drain's binary, when it could be built.
 */
export function planRuns(cores: number, only?: ReadonlySet<BenchReaderName>, goDrain?: string): RunSpec[] {
  const counts = workerCounts(cores);
  const runs: RunSpec[] = [
    { label: `raw drain (w=${cores})`, reader: 'raw-drain', workers: cores, compression: 'none' },
    ...counts.filter((w) => w !== cores).map((w): RunSpec => ({ label: `raw drain (w=${w})`, reader: 'raw-drain', workers: w, compression: 'none' })),
    ...(goDrain === undefined ? [] : [{ label: GO_DRAIN_LABEL, reader: 'go-drain', workers: cores, compression: 'none', binary: goDrain } satisfies RunSpec]),
    ...counts.map((w): RunSpec => ({ label: `bqread table (w=${w})`, reader: 'bqread-table', workers: w, compression: 'none' })),
    { label: `bqread stream, slow consumer (w=${cores})`, reader: 'bqread-stream', workers: cores, compression: 'none' },
    { label: 'official ArrowTableReader', reader: 'official-arrow-reader', workers: 1, compression: 'none' },
    { label: 'official client, streams concurrent', reader: 'official-concurrent', workers: 1, compression: 'none' },
    { label: `bqread table lz4 (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'lz4' },
    { label: `bqread table zstd (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'zstd' },
  ];
  return runs.filter((run, i) => i === 0 || !only || only.has(run.reader) || (run.reader === 'go-drain' && runsGoDrain(only)));
}

/** The Go drain runs whenever bqread's table form does (it is that row's reference), or when named. */
export function runsGoDrain(only?: ReadonlySet<BenchReaderName>): boolean {
  return !only || only.has('go-drain') || only.has('bqread-table');
}

/**
 * The service-like runs at one per-stream rate, at all cores: the raw drain first (its bytes size
 * the MB/s column), bqread with its defaults, and Google's two ways to read.
 */
export function planServiceRuns(cores: number, only?: ReadonlySet<BenchReaderName>): RunSpec[] {
  const runs: RunSpec[] = [
    { label: `raw drain (w=${cores})`, reader: 'raw-drain', workers: cores, compression: 'none' },
    { label: `bqread table, defaults (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'none' },
    { label: 'official ArrowTableReader', reader: 'official-arrow-reader', workers: 1, compression: 'none' },
    { label: 'official client, streams concurrent', reader: 'official-concurrent', workers: 1, compression: 'none' },
  ];
  return runs.filter((run, i) => i === 0 || !only || only.has(run.reader));
}
