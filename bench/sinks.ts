// The sink rows (issue 23): `bqread read` of the demo table into each output format, as a user runs
// it, timed as a whole process (start, session, read, format, write, rename), each run in a process
// of its own against one emulator; ratios to the Arrow file of the same columns and workers.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { startEmulatorProcess } from './emulator-process.js';
import { runToEnd, startNode } from './node-process.js';
import type { TargetResult } from './targets.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const USAGE_PRELOAD = fileURLToPath(new URL('./sink-usage.js', import.meta.url));
const RUN_TIMEOUT_MS = 600_000;

/** The flat selection: one column of each scalar kind CSV holds, as the issue measured. */
export const FLAT_COLUMNS = ['id', 'f_float64', 'f_numeric', 'f_string', 'f_bool', 'f_date', 'f_timestamp', 'f_json'];

export interface SinkSpec {
  readonly label: string;
  /** `--out` is `out.<extension>`, or the directory `out/` for part files. */
  readonly extension: string;
  readonly flags: readonly string[];
  /** Part files, one a worker (`--out out/ --parts W`). */
  readonly parts?: boolean;
}

const SINKS: readonly SinkSpec[] = [
  { label: 'Arrow file', extension: 'arrow', flags: [] },
  { label: 'Parquet zstd', extension: 'parquet', flags: ['--parquet-compression', 'zstd'] },
  { label: 'Parquet snappy', extension: 'parquet', flags: ['--parquet-compression', 'snappy'] },
  { label: 'Parquet parts', extension: 'parquet', flags: ['--parquet-compression', 'zstd'], parts: true },
  { label: 'NDJSON', extension: 'ndjson', flags: [] },
  { label: 'CSV', extension: 'csv', flags: [] },
];

/** Issue 23's targets on 2 cores: rows/s as a share of the Arrow file's. */
export const SINK_TARGETS: Readonly<Record<string, number>> = { NDJSON: 0.5, CSV: 0.7, 'Parquet zstd': 0.6, 'Parquet parts': 0.8 };

export interface SinkRun {
  readonly sink: string;
  readonly columns: 'all' | 'flat';
  readonly workers: number;
  readonly rows: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly outputBytes: number;
}

export interface SinkBench {
  readonly rows: number;
  readonly runs: SinkRun[];
  readonly targets: TargetResult[];
}

async function runSink(address: string, dir: string, spec: SinkSpec, columns: 'all' | 'flat', workers: number): Promise<SinkRun> {
  const out = spec.parts ? join(dir, 'out/') : join(dir, `out.${spec.extension}`);
  const stats = join(dir, 'stats.json');
  const usage = join(dir, 'usage.json');
  const args = ['read', DEMO_TABLE, '--endpoint', address, '--quiet', '--workers', String(workers), '--out', out, '--stats-json', stats, ...spec.flags];
  if (spec.parts) args.push('--parts', String(workers));
  if (columns === 'flat') args.push('--columns', FLAT_COLUMNS.join(','));
  const started = performance.now();
  await runToEnd(startNode(CLI, args, ['--import', USAGE_PRELOAD], { BQREAD_SINK_USAGE: usage }), RUN_TIMEOUT_MS);
  const wallMs = performance.now() - started;
  const used = JSON.parse(readFileSync(usage, 'utf8')) as { cpuMs: number; maxRssBytes: number };
  const report = JSON.parse(readFileSync(stats, 'utf8')) as { rows: number };
  const outputBytes = spec.parts ? (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { bytes: number }).bytes : statSync(out).size;
  rmSync(out, { force: true, recursive: true });
  return { sink: spec.label, columns, workers, rows: report.rows, wallMs, cpuMs: used.cpuMs, maxRssBytes: used.maxRssBytes, outputBytes };
}

/** Every sink at every worker count from 1 to `cores`, all columns and the flat selection (CSV: flat only). */
export function planSinkRuns(cores: number): { spec: SinkSpec; columns: 'all' | 'flat'; workers: number }[] {
  const workerCounts = cores > 1 ? [1, cores] : [1];
  const plan = [];
  for (const columns of ['all', 'flat'] as const) {
    for (const workers of workerCounts) {
      for (const spec of SINKS) if (columns === 'flat' || spec.extension !== 'csv') plan.push({ spec, columns, workers });
    }
  }
  return plan;
}

/**
 * One emulator for every sink row, warmed by a first read that is not counted (it encodes the
 * table's rows as it reads them), so that each row meets the same warm emulator; `repeat` runs a row and keeps
 * the median by wall time.
 */
export async function benchSinks(rows: number, cores: number, repeat: number): Promise<SinkBench> {
  const emulator = await startEmulatorProcess(rows);
  const dir = mkdtempSync(join(tmpdir(), 'bqread-bench-sinks-'));
  const runs: SinkRun[] = [];
  try {
    await runSink(emulator.address, dir, SINKS[0]!, 'all', cores);
    for (const { spec, columns, workers } of planSinkRuns(cores)) {
      const tries: SinkRun[] = [];
      for (let k = 0; k < repeat; k++) tries.push(await runSink(emulator.address, dir, spec, columns, workers));
      const run = tries.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(tries.length / 2)]!;
      process.stderr.write(`  ${spec.label}, ${columns} columns, ${workers} worker(s): ${(run.wallMs / 1000).toFixed(2)} s\n`);
      runs.push(run);
    }
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, runs, targets: evaluateSinkTargets(runs, cores) };
}

function arrowRunOf(runs: readonly SinkRun[], run: SinkRun): SinkRun | undefined {
  return runs.find((r) => r.sink === 'Arrow file' && r.columns === run.columns && r.workers === run.workers);
}

const rateOf = (run: SinkRun) => run.rows / (run.wallMs / 1000);

/** Targets at all cores: each sink's rows/s over the Arrow file's, for the columns it was measured on (CSV: flat). */
export function evaluateSinkTargets(runs: readonly SinkRun[], cores: number): TargetResult[] {
  const results: TargetResult[] = [];
  for (const run of runs.filter((r) => r.workers === cores && SINK_TARGETS[r.sink] !== undefined)) {
    const arrow = arrowRunOf(runs, run);
    if (!arrow) continue;
    const ratio = rateOf(run) / rateOf(arrow);
    const target = SINK_TARGETS[run.sink]!;
    const pass = ratio >= target;
    results.push({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${run.sink}, ${run.columns} columns, ${cores} workers: ${ratio.toFixed(2)}x the Arrow file's rows/s (target >= ${target}x)` });
  }
  return results;
}

const MIB = 2 ** 20;

/** The table: a row per sink, columns and workers, with rows/s, CPU and peak RSS beside their ratios to the Arrow file's. */
export function formatSinkTable(runs: readonly SinkRun[], cores: number): string {
  const header = ['sink', 'columns', 'w', 'wall s', 'rows/s', 'x arrow', 'cpu s', 'x arrow', 'peak RSS MiB', 'x arrow', 'out MiB', cores > 1 ? `w=${cores} / w=1` : ''];
  const lines = runs.map((run) => {
    const arrow = arrowRunOf(runs, run)!;
    const single = runs.find((r) => r.sink === run.sink && r.columns === run.columns && r.workers === 1);
    const scaling = run.workers > 1 && single ? `${(rateOf(run) / rateOf(single)).toFixed(2)}x` : '';
    return [
      run.sink, run.columns, String(run.workers), (run.wallMs / 1000).toFixed(2), Math.round(rateOf(run)).toLocaleString('en-US'),
      (rateOf(run) / rateOf(arrow)).toFixed(2), (run.cpuMs / 1000).toFixed(2), (run.cpuMs / arrow.cpuMs).toFixed(2),
      (run.maxRssBytes / MIB).toFixed(0), (run.maxRssBytes / arrow.maxRssBytes).toFixed(2), (run.outputBytes / MIB).toFixed(1), scaling,
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), ...lines.map(line)].join('\n');
}
