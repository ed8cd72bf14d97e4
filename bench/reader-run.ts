// One reader run as the bench makes it: a fresh emulator process serving the demo table, a fresh
// reader process (reader-child.ts, or a native reader's program) reading it once, one JSON line
// back; repeated, the median run.
import { fileURLToPath } from 'node:url';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { medianCpu } from './cpu-slope.js';
import { startEmulatorProcess } from './emulator-process.js';
import { runToEnd, startNode, startProcess, type NodeProcess } from './node-process.js';
import type { RunSpec } from './plan.js';
import type { ChildReport } from './reader-child.js';
import type { MeasuredRun } from './targets.js';

const READER_CHILD = fileURLToPath(new URL('./reader-child.js', import.meta.url));
export const CONSUMER_DELAY_MS = 2;
export const RUN_TIMEOUT_MS = 10 * 60_000;

/** What every run of a bench shares. */
export interface RunSettings {
  /** The session's max_stream_count unless the world says otherwise. */
  readonly maxStreams: number;
  /** Runs per row; the row is the median by read time. */
  readonly repeat: number;
  readonly cpuProfDir?: string;
}

/** How the emulator serves a run: as fast as loopback allows, or at the service's pace. */
export interface World {
  readonly emulatorFlags: readonly string[];
  /** The session's max_stream_count for a reader; default the bench's --max-streams. */
  readonly maxStreams?: (spec: RunSpec) => number;
}
const LOOPBACK: World = { emulatorFlags: [] };

/** One reader run: a fresh emulator, a fresh reader process, one JSON line back. */
async function runOnce(spec: RunSpec, rows: number, options: RunSettings, budgetBytes: number, world: World = LOOPBACK): Promise<MeasuredRun> {
  const emulator = await startEmulatorProcess(rows, world.emulatorFlags);
  const emulatorCpuBefore = emulator.cpuMs();
  try {
    const session = ['--endpoint', emulator.address, '--table', DEMO_TABLE, '--max-streams', String(world.maxStreams?.(spec) ?? options.maxStreams)];
    let reader: NodeProcess;
    if (spec.binary !== undefined) {
      // A native reader: its own program, the session's flags only (it reads uncompressed, with all cores).
      reader = startProcess(spec.binary, session);
    } else {
      const args = [
        '--reader', spec.reader,
        ...session,
        '--workers', String(spec.workers),
        '--compression', spec.compression,
        '--budget-bytes', String(budgetBytes),
        '--consumer-delay-ms', String(CONSUMER_DELAY_MS),
      ];
      const nodeFlags = ['--expose-gc', ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [])];
      reader = startNode(READER_CHILD, args, nodeFlags);
    }
    const stdout = await runToEnd(reader, RUN_TIMEOUT_MS);
    const emulatorCpuAfter = emulator.cpuMs();
    const line = stdout.trim().split('\n').at(-1) ?? '';
    const report = JSON.parse(line) as ChildReport;
    const emulatorCpuMs = emulatorCpuBefore === undefined || emulatorCpuAfter === undefined ? undefined : emulatorCpuAfter - emulatorCpuBefore;
    return { spec, report, emulatorCpuMs };
  } catch (err) {
    throw new Error(`${spec.label} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await emulator.stop();
  }
}

/** The median run by read time, when repeated, with each CPU figure the median of the runs'. */
export async function measureRun(spec: RunSpec, rows: number, options: RunSettings, budgetBytes: number, world?: World): Promise<MeasuredRun> {
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < options.repeat; i++) runs.push(await runOnce(spec, rows, options, budgetBytes, world));
  runs.sort((a, b) => a.report.readMs - b.report.readMs);
  const middle = runs[Math.floor(runs.length / 2)]!;
  return { ...middle, report: { ...middle.report, ...medianCpu(runs.map((r) => r.report)) } };
}
