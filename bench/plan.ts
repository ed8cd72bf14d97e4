import type { ReaderName } from './readers/index.js';
import type { Compression } from './readers/reader.js';

/** One row of the bench: a reader with its worker count and wire compression. */
export interface RunSpec {
  readonly label: string;
  readonly reader: ReaderName;
  readonly workers: number;
  readonly compression: Compression;
}

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
 * (that first raw drain always runs).
 */
export function planRuns(cores: number, only?: ReadonlySet<ReaderName>): RunSpec[] {
  const counts = workerCounts(cores);
  const runs: RunSpec[] = [
    { label: `raw drain (w=${cores})`, reader: 'raw-drain', workers: cores, compression: 'none' },
    ...counts.filter((w) => w !== cores).map((w): RunSpec => ({ label: `raw drain (w=${w})`, reader: 'raw-drain', workers: w, compression: 'none' })),
    ...counts.map((w): RunSpec => ({ label: `bqread table (w=${w})`, reader: 'bqread-table', workers: w, compression: 'none' })),
    { label: `bqread stream, slow consumer (w=${cores})`, reader: 'bqread-stream', workers: cores, compression: 'none' },
    { label: 'official ArrowTableReader', reader: 'official-arrow-reader', workers: 1, compression: 'none' },
    { label: 'official client, streams concurrent', reader: 'official-concurrent', workers: 1, compression: 'none' },
    { label: `bqread table lz4 (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'lz4' },
    { label: `bqread table zstd (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'zstd' },
  ];
  return runs.filter((run, i) => i === 0 || !only || only.has(run.reader));
}

/**
 * The service-like runs at one per-stream rate, at all cores: the raw drain first (its bytes size
 * the MB/s column), bqread with its defaults, and Google's two ways to read.
 */
export function planServiceRuns(cores: number, only?: ReadonlySet<ReaderName>): RunSpec[] {
  const runs: RunSpec[] = [
    { label: `raw drain (w=${cores})`, reader: 'raw-drain', workers: cores, compression: 'none' },
    { label: `bqread table, defaults (w=${cores})`, reader: 'bqread-table', workers: cores, compression: 'none' },
    { label: 'official ArrowTableReader', reader: 'official-arrow-reader', workers: 1, compression: 'none' },
    { label: 'official client, streams concurrent', reader: 'official-concurrent', workers: 1, compression: 'none' },
  ];
  return runs.filter((run, i) => i === 0 || !only || only.has(run.reader));
}
