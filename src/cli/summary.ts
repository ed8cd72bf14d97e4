import { writeFile } from 'node:fs/promises';
import type { ReadSessionInfo } from '../read/session.js';
import type { ReadStats } from '../read/stats.js';
import { SinkOutputError } from '../sinks/output.js';
import type { SinkResult } from '../sinks/write-batches.js';

export interface ReadReport {
  readonly table: string;
  readonly session: ReadSessionInfo;
  readonly stats: ReadStats;
  readonly output: SinkResult & { readonly path: string };
}

const MB = 1e6;

const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Whether the output set the read's pace: at some point half the byte budget or more waited for it
 * (a read the service paces never fills its budget).
 */
export function outputBound(stats: ReadStats): boolean {
  return stats.budgetBytes > 0 && stats.peakBufferedBytes >= stats.budgetBytes / 2;
}

/** The line a person reads at the end: rows, size, time, the read's rate and the output's, where it went. */
export function summaryLine({ session, stats, output }: ReadReport): string {
  const seconds = Math.max(stats.wallMs, 1) / 1000;
  return [
    `${count(stats.rows, 'row')}, ${count(session.schema.fields.length, 'column')}`,
    `${(stats.bytes / MB).toFixed(1)} MB Arrow in ${seconds.toFixed(2)} s`,
    `${Math.round(stats.rows / seconds).toLocaleString('en-US')} rows/s, ${(stats.bytes / MB / seconds).toFixed(1)} MB/s`,
    `${streamCount(session, stats)}, ${stats.retries === 1 ? '1 retry' : `${stats.retries.toLocaleString('en-US')} retries`}`,
    `${output.format} ${(output.bytes / MB).toFixed(1)} MB written at ${(output.bytes / MB / seconds).toFixed(1)} MB/s${outputBound(stats) ? ' (the output set the pace)' : ''} -> ${output.path}`,
  ].join(' | ');
}

/** The session's streams, and the remainders rebalancing split off them; none for a query result the jobs response held (no session). */
function streamCount(session: ReadSessionInfo, stats: ReadStats): string {
  if (session.name === '') return 'no read session';
  const streams = count(session.streams.length, 'stream');
  return stats.splits > 0 ? `${streams} (+${stats.splits} split off)` : streams;
}

/** The same for machines (`--stats-json`): no schema, no per-stream names beyond counts. */
export function statsJson({ table, session, stats, output }: ReadReport): string {
  return `${JSON.stringify({
    table,
    session: session.name,
    streams: session.streams.length,
    estimatedRows: session.estimatedRowCount,
    rows: stats.rows,
    arrowBytes: stats.bytes,
    batches: stats.batches,
    wallMs: Math.round(stats.wallMs),
    sessionMs: Math.round(stats.sessionMs),
    retries: stats.retries,
    splits: stats.splits,
    splitsAbandoned: stats.splitsAbandoned,
    splitsFailed: stats.splitsFailed,
    rowsMoved: stats.rowsMoved,
    peakBufferedBytes: stats.peakBufferedBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    output: { path: output.path, format: output.format, bytes: output.bytes, rows: output.rows },
  }, null, 2)}\n`;
}

export async function writeStatsJson(path: string, report: ReadReport): Promise<void> {
  try {
    await writeFile(path, statsJson(report));
  } catch (err) {
    throw new SinkOutputError(`cannot write --stats-json ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, { cause: err });
  }
}

/** Where part files went, for the summary line: `DIR (3 parts, DIR/manifest.json)`. */
export function partsPath(dir: string, result: { readonly files: readonly unknown[]; readonly manifest: string }): string {
  const count = result.files.length;
  return `${dir} (${count} part${count === 1 ? '' : 's'}, ${result.manifest})`;
}
