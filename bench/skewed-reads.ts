// Skewed sessions at the service's pace (issue 20): one straggler stream, and a filter that leaves
// the streams lopsided, each read with and without rebalancing in one run, beside an even table.
// Each read meets a fresh emulator process (`--pace bigquery`, 10 MiB/s a stream); the reader runs
// in this process, since the figure is the makespan of paced streams, not CPU.
import { pathToFileURL } from 'node:url';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { SERVICE_PACE_PROFILES } from '../src/emulator/pace.js';
import { generateDemoTable } from '../src/emulator/sources/demo.js';
import { readTableParallel } from '../src/index.js';
import { checksumOf, findDisagreements, type Checksum, type Disagreement } from './checksum.js';
import { startEmulatorProcess } from './emulator-process.js';
import { RESULTS_DIR, writeResults } from './report.js';
import type { TargetResult } from './targets.js';

const PACE = SERVICE_PACE_PROFILES.bigquery;
/** The emulator's response size (batchTargetBytes): a straggler's responses each wait 9 of these at the pace. */
const RESPONSE_BYTES = 1024 * 1024;
export const SKEW_STREAMS = 8;
/** About 44 MiB (11 storage blocks) a stream: enough blocks to cut a stream several ways, and reads long enough that the 300 ms first response each new stream pays is a small part. */
export const SKEW_ROWS = 800_000;
/** Issue 20's targets: a straggler read within 1.5x the clean one; each skewed case 1.5x faster rebalanced; an even table no slower. */
export const STRAGGLER_VS_CLEAN = 1.5;
export const SKEWED_SPEEDUP = 1.5;
/** "No loss beyond noise" on an even table: rebalanced within this of the plain read. */
export const EVEN_NOISE = 1.1;

export type SkewCase = 'even' | 'straggler' | 'lopsided';

export interface SkewedRun {
  readonly case: SkewCase;
  readonly rebalance: boolean;
  readonly wallMs: number;
  readonly rows: number;
  readonly splits: number;
  readonly splitsAbandoned: number;
  readonly rowsMoved: number;
}

export interface SkewedResult {
  readonly rows: number;
  readonly runs: SkewedRun[];
  readonly targets: TargetResult[];
  readonly disagreements: Disagreement[];
}

const CASES: Record<SkewCase, { flags: string[]; rowRestriction?: (rows: number) => string; note: string }> = {
  even: { flags: [], note: `${SKEW_STREAMS} even streams` },
  straggler: {
    // Stream 0 waits 9 responses' time before each response: 10x slower than the others.
    flags: ['--fault', `delay:stream=0,delay-ms=${Math.round((9 * RESPONSE_BYTES * 1000) / PACE.streamBytesPerSecond)}`],
    note: 'stream 0 served 10x slower',
  },
  lopsided: {
    // The demo table's `id` follows storage order (as an ingestion-time column does), and streams
    // are cut on pre-filtered rows: the filter leaves 2 of the 8 streams full and 6 empty.
    flags: [],
    rowRestriction: (rows) => `id < ${rows / 4}`,
    note: `filter id < rows/4: 2 of ${SKEW_STREAMS} streams hold every row`,
  },
};

async function readCase(rows: number, skew: SkewCase, rebalance: boolean): Promise<{ run: SkewedRun; checksum: Checksum }> {
  const { flags, rowRestriction } = CASES[skew];
  const emulator = await startEmulatorProcess(rows, ['--pace', 'bigquery', ...flags]);
  try {
    const started = performance.now();
    const { table, stats } = await readTableParallel(DEMO_TABLE, {
      endpoint: emulator.address, maxStreams: SKEW_STREAMS, rebalance, rowRestriction: rowRestriction?.(rows),
    });
    const wallMs = performance.now() - started;
    return {
      run: { case: skew, rebalance, wallMs, rows: stats.rows, splits: stats.splits, splitsAbandoned: stats.splitsAbandoned, rowsMoved: stats.rowsMoved },
      checksum: checksumOf(table.batches),
    };
  } finally {
    await emulator.stop();
  }
}

export async function benchSkewedReads(rows: number): Promise<SkewedResult> {
  const source = generateDemoTable({ rows });
  const expected: Record<SkewCase, Checksum> = {
    even: checksumOf(source.batches),
    straggler: checksumOf(source.batches),
    lopsided: checksumOf(source.slice(0, rows / 4).batches),
  };
  const runs: SkewedRun[] = [];
  const disagreements: Disagreement[] = [];
  for (const skew of Object.keys(CASES) as SkewCase[]) {
    for (const rebalance of [false, true]) {
      const { run, checksum } = await readCase(rows, skew, rebalance);
      runs.push(run);
      disagreements.push(...findDisagreements(expected[skew], [{ label: `${skew}, rebalance ${rebalance}`, checksum }]));
      process.stderr.write(`  ${skew}, rebalance ${rebalance}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.splits} splits\n`);
    }
  }
  return { rows, runs, targets: evaluateSkewTargets(runs), disagreements };
}

export function evaluateSkewTargets(runs: readonly SkewedRun[]): TargetResult[] {
  const wall = (skew: SkewCase, rebalance: boolean) => runs.find((r) => r.case === skew && r.rebalance === rebalance)?.wallMs;
  const targets: TargetResult[] = [];
  const line = (pass: boolean, text: string) => targets.push({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${text}` });
  const clean = wall('even', true);
  const straggler = wall('straggler', true);
  if (clean && straggler) {
    const ratio = straggler / clean;
    line(ratio <= STRAGGLER_VS_CLEAN, `straggler read rebalanced ${(straggler / 1000).toFixed(2)} s = ${ratio.toFixed(2)}x the clean read (target <= ${STRAGGLER_VS_CLEAN}x)`);
  }
  for (const skew of ['straggler', 'lopsided'] as const) {
    const off = wall(skew, false);
    const on = wall(skew, true);
    if (off && on) line(off / on >= SKEWED_SPEEDUP, `${skew}: rebalancing ${(off / on).toFixed(2)}x faster (${(off / 1000).toFixed(2)} s -> ${(on / 1000).toFixed(2)} s; target >= ${SKEWED_SPEEDUP}x)`);
  }
  const evenOff = wall('even', false);
  if (clean && evenOff) line(clean / evenOff <= EVEN_NOISE, `even table: rebalanced ${(clean / evenOff).toFixed(2)}x the plain read's time (target <= ${EVEN_NOISE}x)`);
  return targets;
}

export function formatSkewTable(result: SkewedResult): string {
  const header = 'case                                             rebalance  wall s  makespan vs off  splits  abandoned  rows moved';
  const lines = result.runs.map((run) => {
    const off = result.runs.find((r) => r.case === run.case && !r.rebalance)!;
    return [
      `${run.case}: ${CASES[run.case].note}`.padEnd(49),
      (run.rebalance ? 'on' : 'off').padStart(9),
      (run.wallMs / 1000).toFixed(2).padStart(7),
      `${(run.wallMs / off.wallMs).toFixed(2)}x`.padStart(17),
      String(run.splits).padStart(7),
      String(run.splitsAbandoned).padStart(10),
      run.rowsMoved.toLocaleString('en-US').padStart(11),
    ].join(' ');
  });
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

/** Prints the section as `npm run bench` does. */
export function printSkewedReads(result: SkewedResult): void {
  process.stdout.write(`\nskewed sessions at the bigquery pace (10 MiB/s a stream, 300 ms session and first-response latency): ${result.rows} rows, ${SKEW_STREAMS} streams, with and without rebalancing\n`);
  process.stdout.write(`${formatSkewTable(result)}\n\n`);
  for (const target of result.targets) process.stdout.write(`${target.line}\n`);
  for (const d of result.disagreements) process.stdout.write(`WRONG  ${d.label}: ${d.problem}\n`);
}

// `node dist/bench/skewed-reads.js [rows]`: this section alone, its JSON beside the full bench's.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const startedAt = new Date();
  const result = await benchSkewedReads(Number(process.argv[2] ?? SKEW_ROWS));
  printSkewedReads(result);
  process.stdout.write(`\nresults: ${writeResults(RESULTS_DIR, startedAt, { startedAt: startedAt.toISOString(), skewedReads: result })}\n`);
  process.exitCode = result.disagreements.length > 0 ? 1 : 0;
}
