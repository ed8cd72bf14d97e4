// npm run bench [-- --full] [-- --rows N --repeat K --only bqread-table,raw-drain --cpu-prof] [-- --sinks-only]
// Reads the emulator's demo table at N and 4N rows with every reader, each run in a fresh
// emulator process and a fresh reader process, checks that every reader returned the same rows,
// prints a table and PASS/MISS lines, and writes bench/results/<timestamp>.json.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { generateDemoTable } from '../src/emulator/sources/demo.js';
import { checksumOf, findDisagreements, type Checksum, type Disagreement, type ReaderAnswer } from './checksum.js';
import { runToEnd, startNode } from './node-process.js';
import { DEFAULT_STREAMS_PER_WORKER } from '../src/read/pool.js';
import { buildGoDrain, type GoDrainBuild } from './go-drain/build.js';
import { GO_DRAIN_LABEL, planRuns, planServiceRuns, runsGoDrain } from './plan.js';
import { BenchUsageError, parseBenchArgs, type BenchOptions } from './args.js';
import { formatTable, machineInfo, machineLine, RESULTS_DIR, writeResults } from './report.js';
import { cpuSlopes, evaluateCpuTargets, formatProjection, formatSlopes, projectCeiling } from './cpu-slope.js';
import type { PlateauResult } from './stream-plateau.js';
import { CONSUMER_DELAY_MS, measureRun, RUN_TIMEOUT_MS, type World } from './reader-run.js';
import { benchHead, benchSmallReads, SMALL_READ_ROWS, type SmallReadResult } from './small-reads.js';
import { benchSkewedReads, printSkewedReads, SKEW_ROWS } from './skewed-reads.js';
import { benchQueryReads, printQueryReads } from './query-reads.js';
import { benchSinks, FLAT_COLUMNS, formatSinkTable, type SinkBench } from './sinks.js';
import { benchShardedSection } from './sharded-reads.js';
import { formatWorkerStart, type WorkerStartResult } from './worker-start.js';
import { deriveRows, evaluateServiceTargets, evaluateTargets, type MeasuredRun, type ResultRow, type TargetResult } from './targets.js';

const PLATEAU_CHILD = fileURLToPath(new URL('./stream-plateau.js', import.meta.url));
const WORKER_START_CHILD = fileURLToPath(new URL('./worker-start.js', import.meta.url));
/** Worker threads started one after another to measure a start. */
const WORKER_START_RUNS = 9;
/** The plateau run streams at least this many times its budget. */
const PLATEAU_BUDGET_MIB = 16;
const PLATEAU_TIMES_BUDGET = 16;
/**
 * The peak climbs over the first rounds while each isolate's uncollected garbage finds its level
 * (2 workers, 200k rows a round: 249, 281, 335, 347 MiB, then 347 through round 8), so growth is
 * judged between the first half of at least 6 rounds and all of them.
 */
const PLATEAU_MIN_ROUNDS = 6;
/** Built programs (the Go drain), git-ignored with the results. */
const BIN_DIR = join(RESULTS_DIR, 'bin');
/** The second size is this many times the first, to show how time grows with data. */
const SIZE_FACTOR = 4;

interface SizeResult {
  readonly rows: number;
  readonly arrowBytes: number;
  readonly streamBudgetBytes: number;
  readonly expected: Checksum;
  readonly results: ResultRow[];
  readonly targets: TargetResult[];
  readonly disagreements: Disagreement[];
}

/**
 * `fixedBudget`: the streaming form's byte budget, kept the same at every size (a quarter of the
 * smallest table), so its peak RSS shows whether memory grows with the table; undefined at the
 * first size, which sets it.
 */
async function benchSize(rows: number, options: BenchOptions, cores: number, goDrain: string | undefined, fixedBudget?: number, largest = false): Promise<SizeResult> {
  // The ground truth: the same generator and seed the emulator serves.
  const expected = checksumOf(generateDemoTable({ rows }).batches);
  const runs: MeasuredRun[] = [];
  let arrowBytes = 0;
  for (const spec of planRuns(cores, options.only, goDrain)) {
    const budgetBytes = fixedBudget ?? Math.max(1, Math.floor(arrowBytes / 4));
    const run = await measureRun(spec, rows, options, budgetBytes);
    if (runs.length === 0) arrowBytes = run.report.arrowBytes ?? 0;
    runs.push(run);
    process.stderr.write(`  ${spec.label}: read ${(run.report.readMs / 1000).toFixed(2)} s, ${run.report.rows} rows\n`);
  }
  const results = deriveRows(runs, arrowBytes, cores);
  const answers = runs.map(({ spec, report }): ReaderAnswer =>
    report.checksum ? { label: spec.label, checksum: report.checksum } : { label: spec.label, rows: report.rows });
  return {
    rows,
    arrowBytes,
    streamBudgetBytes: fixedBudget ?? Math.max(1, Math.floor(arrowBytes / 4)),
    expected,
    results,
    targets: evaluateTargets(results, cores, largest),
    disagreements: findDisagreements(expected, answers),
  };
}

interface ServiceResult {
  readonly rateMiBs: number;
  readonly rows: number;
  readonly arrowBytes: number;
  readonly results: ResultRow[];
  readonly targets: TargetResult[];
  readonly disagreements: Disagreement[];
}

/**
 * The service-like rows: the same table served at `rateMiBs` per stream (emulator `--pace
 * bigquery --stream-rate R`), bqread with its defaults (the session decides the streams), Google's
 * ArrowTableReader as its README uses it, and the raw drain and the official client reading the
 * stream count bqread's defaults ask for.
 */
async function benchServiceLike(rows: number, rateMiBs: number, options: BenchOptions, cores: number, unthrottledRawMiBs: number | undefined): Promise<ServiceResult> {
  const expected = checksumOf(generateDemoTable({ rows }).batches);
  const slots = cores * DEFAULT_STREAMS_PER_WORKER;
  const world: World = {
    emulatorFlags: ['--pace', 'bigquery', '--stream-rate', String(rateMiBs)],
    maxStreams: (spec) => (spec.reader === 'bqread-table' ? 0 : slots),
  };
  const runs: MeasuredRun[] = [];
  let arrowBytes = 0;
  for (const spec of planServiceRuns(cores, options.only)) {
    const run = await measureRun(spec, rows, options, 0, world);
    if (runs.length === 0) arrowBytes = run.report.arrowBytes ?? 0;
    runs.push(run);
    process.stderr.write(`  ${spec.label} at ${rateMiBs} MiB/s a stream: read ${(run.report.readMs / 1000).toFixed(2)} s, ${run.report.rows} rows\n`);
  }
  const results = deriveRows(runs, arrowBytes, cores);
  const answers = runs.map(({ spec, report }): ReaderAnswer =>
    report.checksum ? { label: spec.label, checksum: report.checksum } : { label: spec.label, rows: report.rows });
  return {
    rateMiBs, rows, arrowBytes, results,
    targets: evaluateServiceTargets(results, rateMiBs, unthrottledRawMiBs),
    disagreements: findDisagreements(expected, answers),
  };
}

/** A worker thread's start, spawn to ready, in a process of its own (nothing else loaded or running in it). */
async function benchWorkerStart(): Promise<WorkerStartResult> {
  const stdout = await runToEnd(startNode(WORKER_START_CHILD, ['--runs', String(WORKER_START_RUNS)]), RUN_TIMEOUT_MS);
  const line = stdout.trim().split('\n').find((l) => l.startsWith('result ')) ?? '';
  return JSON.parse(line.slice('result '.length)) as WorkerStartResult;
}

/** The streaming form's memory over many budgets' worth of data, in a process of its own. */
async function benchPlateau(rows: number, arrowBytes: number): Promise<PlateauResult> {
  const budget = PLATEAU_BUDGET_MIB * 2 ** 20;
  const rounds = Math.max(PLATEAU_MIN_ROUNDS, Math.ceil((PLATEAU_TIMES_BUDGET * budget) / Math.max(1, arrowBytes)));
  const stdout = await runToEnd(startNode(PLATEAU_CHILD, [String(rows), String(rounds), String(PLATEAU_BUDGET_MIB)]), RUN_TIMEOUT_MS);
  const line = stdout.trim().split('\n').find((l) => l.startsWith('result ')) ?? '';
  return JSON.parse(line.slice('result '.length)) as PlateauResult;
}

/** The sink rows at the base size: each output format against the Arrow file's. */
async function runSinkRows(options: BenchOptions, cores: number): Promise<SinkBench> {
  process.stderr.write(`sinks, ${options.baseRows} rows:\n`);
  const sinks = await benchSinks(options.baseRows, cores, options.repeat);
  process.stdout.write(`\nsinks: bqread read of ${sinks.rows} rows into each format, whole process, one warm emulator (flat: ${FLAT_COLUMNS.join(',')})\n`);
  process.stdout.write(`${formatSinkTable(sinks.runs, cores)}\n\n`);
  for (const target of sinks.targets) process.stdout.write(`${target.line}\n`);
  return sinks;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const cores = availableParallelism();
  const options = parseBenchArgs(process.argv.slice(2), cores, startedAt);
  const machine = machineInfo();
  const sizes = [options.baseRows, options.baseRows * SIZE_FACTOR];
  const mode = options.full ? 'full' : 'quick';
  if (options.sinksOnly) {
    process.stdout.write(`${machineLine(machine)}\n`);
    const sinks = await runSinkRows(options, cores);
    const path = writeResults(RESULTS_DIR, startedAt, { startedAt: startedAt.toISOString(), mode: 'sinks', machine, settings: { repeat: options.repeat }, sinks });
    process.stdout.write(`\nresults: ${path}\n`);
    return 0;
  }
  process.stdout.write(`${machineLine(machine)}\nmode: ${mode}, sizes ${sizes.join(' and ')} rows, maxStreams ${options.maxStreams}, repeat ${options.repeat}\n`);
  process.stderr.write('worker start:\n');
  const workerStart = await benchWorkerStart();
  process.stdout.write(`\n${formatWorkerStart(workerStart)}\n${workerStart.target.line}\n`);
  let goDrain: GoDrainBuild | undefined;
  if (runsGoDrain(options.only)) {
    process.stderr.write('building the Go drain:\n');
    goDrain = await buildGoDrain(BIN_DIR);
    if ('skipped' in goDrain) process.stdout.write(`\n${GO_DRAIN_LABEL}: row skipped, ${goDrain.skipped}\n`);
  }
  const sizeResults: SizeResult[] = [];
  for (const rows of sizes) {
    process.stderr.write(`${rows} rows:\n`);
    const size = await benchSize(rows, options, cores, goDrain && 'binary' in goDrain ? goDrain.binary : undefined, sizeResults[0]?.streamBudgetBytes, rows === sizes.at(-1));
    sizeResults.push(size);
    process.stdout.write(`\n${rows} rows, ${(size.arrowBytes / 2 ** 20).toFixed(1)} MiB of Arrow IPC, streaming budget ${(size.streamBudgetBytes / 2 ** 20).toFixed(1)} MiB\n`);
    process.stdout.write(`${formatTable(size.results)}\n\n`);
    for (const target of size.targets) process.stdout.write(`${target.line}\n`);
    for (const d of size.disagreements) process.stdout.write(`WRONG  ${d.label}: ${d.problem}\n`);
    if (size.disagreements.length === 0) process.stdout.write(`every reader returned the same ${size.expected.rows} rows (checksum ${size.expected.idSum} / ${size.expected.rowHash})\n`);
  }
  const [small, large] = sizeResults;
  const slopes = small && large ? cpuSlopes(small.results, large.results, small.arrowBytes, large.arrowBytes, cores) : [];
  const projected = slopes.filter((s) => s.workers === cores && s.compression === 'none' && (s.reader === 'raw-drain' || s.reader.startsWith('bqread')));
  const projection = projected.flatMap((s) => projectCeiling(s));
  const cpuTargets = evaluateCpuTargets(slopes, cores);
  if (slopes.length > 0) {
    process.stdout.write(`\nCPU per GiB of Arrow, the slope from ${small!.rows} to ${large!.rows} rows (thread start and session cancel out)\n${formatSlopes(slopes)}\n\n`);
    if (projection.length > 0) {
      process.stdout.write(`Projected ceiling in MiB/s on N cores with the client alone on them, from the per-thread costs above (* = the main thread is the limit)\n${formatProjection(projection)}\n\n`);
    }
    for (const target of cpuTargets) process.stdout.write(`${target.line}\n`);
  }
  let plateau: PlateauResult | undefined;
  if (!options.only || options.only.has('bqread-stream')) {
    process.stderr.write('plateau:\n');
    plateau = await benchPlateau(options.baseRows, sizeResults[0]?.arrowBytes ?? 0);
    const last = plateau.points.at(-1);
    process.stdout.write(`\nplateau: ${plateau.rounds} rounds of ${plateau.rows} rows through a ${plateau.budgetBytes / 2 ** 20} MiB budget, ${plateau.workers} workers; idle with the pool loaded ${(plateau.idleRssBytes / 2 ** 20).toFixed(0)} MiB`);
    process.stdout.write(`, peak RSS by round ${plateau.points.map((p) => (p.peakRssBytes / 2 ** 20).toFixed(0)).join(', ')} MiB, ${((last?.streamedBytes ?? 0) / 2 ** 20).toFixed(0)} MiB streamed\n`);
    for (const target of plateau.targets) process.stdout.write(`${target.line}\n`);
  }
  const serviceResults: ServiceResult[] = [];
  // The larger table: a read of a few hundred MiB, where the service's session and first-response
  // latencies and thread start are a small part, as in the reads users make, not most of a second.
  const largest = sizeResults.at(-1);
  const unthrottled = largest?.results.find((r) => r.reader === 'raw-drain' && r.workers === cores)?.mibPerSec;
  for (const rate of options.serviceRates) {
    const rows = largest?.rows ?? options.baseRows;
    process.stderr.write(`${rows} rows at ${rate} MiB/s a stream:\n`);
    const service = await benchServiceLike(rows, rate, options, cores, unthrottled);
    serviceResults.push(service);
    process.stdout.write(`\nservice-like: ${rate} MiB/s a stream (300 ms session and first-response latency), ${rows} rows, ${(service.arrowBytes / 2 ** 20).toFixed(1)} MiB of Arrow IPC\n`);
    process.stdout.write(`${formatTable(service.results)}\n\n`);
    for (const target of service.targets) process.stdout.write(`${target.line}\n`);
    for (const d of service.disagreements) process.stdout.write(`WRONG  ${d.label}: ${d.problem}\n`);
  }
  const smallReads: SmallReadResult[] = [];
  for (const rows of SMALL_READ_ROWS) {
    process.stderr.write(`${rows} rows, small read:\n`);
    const small = await benchSmallReads(rows, options, cores, options.only);
    smallReads.push(small);
    process.stdout.write(`\nsmall read at the bigquery pace (10 MiB/s a stream, 300 ms session and first-response latency): ${rows} rows, the session decides the streams\n`);
    process.stdout.write(`${formatTable(small.results)}\n\n`);
    for (const target of small.targets) process.stdout.write(`${target.line}\n`);
    for (const d of small.disagreements) process.stdout.write(`WRONG  ${d.label}: ${d.problem}\n`);
  }
  process.stderr.write('query results:\n');
  const queryReads = await benchQueryReads();
  printQueryReads(queryReads);
  process.stderr.write('skewed sessions:\n');
  const skewedReads = await benchSkewedReads(SKEW_ROWS);
  printSkewedReads(skewedReads);
  const headRows = largest?.rows ?? options.baseRows;
  process.stderr.write(`bqread head of ${headRows} rows:\n`);
  const head = await benchHead(headRows, options.repeat);
  process.stdout.write(`\n${head.target.line}\n`);
  const sinks = await runSinkRows(options, cores);
  const shardedReads = await benchShardedSection();
  const path = writeResults(RESULTS_DIR, startedAt, {
    startedAt: startedAt.toISOString(),
    mode,
    machine,
    settings: { maxStreams: options.maxStreams, repeat: options.repeat, consumerDelayMs: CONSUMER_DELAY_MS, only: options.only ? [...options.only] : undefined },
    workerStart,
    goDrain,
    sizes: sizeResults,
    cpuPerGiB: { slopes, projection, targets: cpuTargets },
    plateau,
    serviceLike: serviceResults,
    smallReads,
    queryReads,
    skewedReads,
    shardedReads,
    head,
    sinks,
  });
  process.stdout.write(`\nresults: ${path}${options.cpuProfDir ? `\nCPU profiles: ${options.cpuProfDir}` : ''}\n`);
  return [...sizeResults, ...serviceResults, ...smallReads, skewedReads, ...shardedReads].some((s) => s.disagreements.length > 0) ? 1 : 0;
}

// Ctrl-C or a kill: exit, and the exit hook takes every emulator and reader down with the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = err instanceof BenchUsageError ? 2 : 1;
  },
);
