// node dist/bench/worker-start.js [--runs N] [--cpu-prof]
// Starts the read pool's worker entry N times, one thread at a time, each in a pool of its own as
// ReadPool starts it, and reports how long a thread takes from spawn to ready (modules loaded and
// protocol code loaded: WORKER_LOADED) in wall time and in CPU, the thread's own and the
// whole process's.
// The last line is `result <json>` (a WorkerStartResult), which `npm run bench` reads.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { WORKER_FILE } from '../src/read/pool.js';
import { WORKER_LOADED, type WorkerLoadedMessage } from '../workers/stream-task.js';
import { threadOnCpuMs } from './measure.js';
import { machineInfo, machineLine, writeResults } from './report.js';

/** The issue's target: a worker thread ready in at most this much CPU, on Node 24. */
const WORKER_START_TARGET_CPU_MS = 100;
const TARGET_NODE_MAJOR = 24;
const DEFAULT_RUNS = 9;
const LOAD_TIMEOUT_MS = 30_000;
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/worker-start/', import.meta.url));

export interface WorkerStartSample {
  readonly wallMs: number;
  /** The worker thread's own time on a CPU (Linux); undefined where /proc does not tell. */
  readonly threadCpuMs?: number;
  /** The whole process's CPU meanwhile: the thread, its creation on the main thread, V8's helper threads. */
  readonly processCpuMs: number;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface WorkerStartResult {
  readonly node: string;
  readonly runs: number;
  readonly samples: readonly WorkerStartSample[];
  readonly wallMs: Spread;
  readonly threadCpuMs?: Spread;
  readonly processCpuMs: Spread;
  readonly target: { readonly pass: boolean; readonly line: string };
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * One thread started as the pool starts them, timed until it is ready, then ended. `execArgv`
 * replaces this process's flags, which a thread would otherwise inherit (the bench's preload).
 */
async function startOnce(execArgv: readonly string[]): Promise<WorkerStartSample> {
  const threadsBefore = threadOnCpuMs();
  const cpuBefore = cpuMsNow();
  const started = performance.now();
  const pool = new Piscina({ filename: WORKER_FILE, minThreads: 1, maxThreads: 1, idleTimeout: Infinity, atomics: 'disabled', execArgv: [...execArgv] });
  await new Promise<void>((resolve, reject) => {
    // Also what keeps this process alive meanwhile: piscina unrefs a thread once it is idle.
    const timer = setTimeout(() => reject(new Error(`no worker thread loaded within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
    pool.on('message', (message: Partial<WorkerLoadedMessage>) => {
      if (message?.type !== WORKER_LOADED) return;
      clearTimeout(timer);
      resolve();
    });
    pool.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const wallMs = performance.now() - started;
  const processCpuMs = cpuMsNow() - cpuBefore;
  // The threads that were not there before: the worker (and any thread it started).
  let threadCpuMs: number | undefined;
  const threadsAfter = threadOnCpuMs();
  if (threadsBefore && threadsAfter) {
    threadCpuMs = 0;
    for (const [tid, ms] of threadsAfter) if (!threadsBefore.has(tid)) threadCpuMs += ms;
  }
  await pool.destroy();
  return { wallMs, threadCpuMs, processCpuMs };
}

export function workerStartTarget(threadCpuMs: Spread | undefined, node: string, runs: number): { pass: boolean; line: string } {
  const onTargetNode = Number(node.slice(1).split('.')[0]) === TARGET_NODE_MAJOR;
  const where = `median of ${runs} on Node ${node}${onTargetNode ? '' : `; the target is for Node ${TARGET_NODE_MAJOR}`}`;
  if (!threadCpuMs) return { pass: false, line: `MISS  worker start: thread CPU not measurable here (no /proc/self/task/*/schedstat; ${where})` };
  const pass = threadCpuMs.median <= WORKER_START_TARGET_CPU_MS;
  return {
    pass,
    line: `${pass ? 'PASS' : 'MISS'}  worker start: ${threadCpuMs.median.toFixed(0)} ms of CPU from spawn to ready (${where}; target <= ${WORKER_START_TARGET_CPU_MS} ms of CPU)`,
  };
}

export async function measureWorkerStart(runs: number, execArgv: readonly string[] = []): Promise<WorkerStartResult> {
  const samples: WorkerStartSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await startOnce(execArgv));
  const threadCpu = samples.every((s) => s.threadCpuMs !== undefined) ? spread(samples.map((s) => s.threadCpuMs!)) : undefined;
  return {
    node: process.version,
    runs,
    samples,
    wallMs: spread(samples.map((s) => s.wallMs)),
    threadCpuMs: threadCpu,
    processCpuMs: spread(samples.map((s) => s.processCpuMs)),
    target: workerStartTarget(threadCpu, process.version, runs),
  };
}

const range = (s: Spread) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;

export function formatWorkerStart(result: WorkerStartResult): string {
  return `worker start, spawn to ready, median (min-max) of ${result.runs} on Node ${result.node}: `
    + `thread CPU ${result.threadCpuMs ? range(result.threadCpuMs) : 'n/a'}, process CPU ${range(result.processCpuMs)}, wall ${range(result.wallMs)}`;
}

/** This file's flags, `[--runs N] [--cpu-prof]`; throws on a bad one. */
export function parseWorkerStartArgs(argv: string[]): { runs: number; cpuProf: boolean } {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string' }, 'cpu-prof': { type: 'boolean', default: false } } });
  const runs = Number(values.runs ?? DEFAULT_RUNS);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer (got ${values.runs})`);
  return { runs, cpuProf: values['cpu-prof'] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let args: ReturnType<typeof parseWorkerStartArgs>;
  try {
    args = parseWorkerStartArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`worker-start: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const { runs, cpuProf } = args;
  const startedAt = new Date();
  const profiles = join(RESULTS_DIR, 'profiles', startedAt.toISOString().replace(/[:.]/g, '-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(machineLine(machineInfo()));
  const result = await measureWorkerStart(runs, cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profiles] : []);
  log(formatWorkerStart(result));
  log(result.target.line);
  log(`results: ${writeResults(RESULTS_DIR, startedAt, { ...result, machine: machineInfo() })}${cpuProf ? `\nCPU profiles: ${profiles}` : ''}`);
  log(`result ${JSON.stringify(result)}`);
}
