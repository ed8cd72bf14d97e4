// One plan read by one shard process and by two (issue 22), side by side in one run, at the
// service's pace: each shard is the built CLI in a process of its own with one worker (16 stream
// slots), and the session has two workers' worth of streams, so one process reads them in two
// rounds and two processes in one. On this 2-core machine the two processes share the cores (with
// the emulator), so the figure is about streams, not cores, and only holds where the paced streams
// leave the cores room: at `bigquery` (10 MiB/s a stream) two processes' 32 streams ask for more
// than 2 cores give, at `bigquery-slow` (2.5 MiB/s) they do not; the section runs both. What
// scales when every shard has a machine of its own is each shard's rate.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { generateDemoTable } from '../src/emulator/sources/demo.js';
import { planRead } from '../src/plan/plan-read.js';
import type { ReadPlan } from '../src/plan/read-plan-format.js';
import { verifyPlanParts } from '../src/plan/verify-parts.js';
import { SERVICE_PACE_PROFILES, type ServicePaceProfile } from '../src/emulator/pace.js';
import { DEFAULT_STREAMS_PER_WORKER } from '../src/read/pool.js';
import { checksumOf, findDisagreements, type Disagreement } from './checksum.js';
import { startEmulatorProcess } from './emulator-process.js';
import { runToEnd, startNode } from './node-process.js';
import { RESULTS_DIR, writeResults } from './report.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Two workers' stream slots: one shard process reads them in two rounds, two processes in one. */
export const SHARD_STREAMS = 2 * DEFAULT_STREAMS_PER_WORKER;
/** About 8 MiB of Arrow a stream (0.8 s each at 10 MiB/s): rounds long beside a process's start. */
export const SHARD_ROWS = 600_000;
const SHARD_TIMEOUT_MS = 300_000;

export interface ShardRun {
  readonly shard: number;
  /** The process from spawn to exit (its start, plan, read and part). */
  readonly processMs: number;
  /** The read as the process measured it (--stats-json wallMs). */
  readonly readMs: number;
  readonly rows: number;
  readonly splits: number;
}

export interface ShardedCase {
  readonly shards: number;
  /** First spawn to last exit. */
  readonly makespanMs: number;
  readonly runs: readonly ShardRun[];
}

export interface ShardedResult {
  readonly pace: ServicePaceProfile;
  readonly rows: number;
  readonly streams: number;
  readonly cases: readonly ShardedCase[];
  /** One shard's makespan over two shards'. */
  readonly speedup: number;
  readonly disagreements: Disagreement[];
}

async function readShards(plan: ReadPlan, planPath: string, address: string, shards: number, dir: string): Promise<ShardedCase> {
  const out = join(dir, `parts-${shards}-${Date.now()}`) + '/';
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: shards }, async (_, shard): Promise<ShardRun> => {
    const stats = join(dir, `stats-${shards}-${shard}.json`);
    const spawned = performance.now();
    await runToEnd(startNode(CLI, [
      'read', '--plan', planPath, '--shard', `${shard}/${shards}`, '--workers', '1', '--endpoint', address,
      '--format', 'arrow', '--parts', '1', '--out', out, '--quiet', '--stats-json', stats,
    ]), SHARD_TIMEOUT_MS);
    const processMs = performance.now() - spawned;
    const report = JSON.parse(readFileSync(stats, 'utf8')) as { wallMs: number; rows: number; splits: number };
    return { shard, processMs, readMs: report.wallMs, rows: report.rows, splits: report.splits };
  }));
  const makespanMs = performance.now() - started;
  const verified = await verifyPlanParts({ ...plan, shards: undefined }, out);
  if (!verified.ok) throw new Error(`${shards} shard(s): ${verified.problems.join('; ')}`);
  return { shards, makespanMs, runs };
}

function partsChecksum(dir: string) {
  const batches = readdirSync(dir).filter((n) => n.endsWith('.arrow')).flatMap((n) => tableFromIPC(readFileSync(join(dir, n))).batches);
  return checksumOf(batches);
}

export async function benchShardedReads(rows: number, pace: ServicePaceProfile = 'bigquery'): Promise<ShardedResult> {
  const emulator = await startEmulatorProcess(rows, ['--pace', pace]);
  const dir = mkdtempSync(join(tmpdir(), 'bqread-bench-shards-'));
  try {
    const plan = await planRead(DEMO_TABLE, { endpoint: emulator.address, maxStreams: SHARD_STREAMS });
    const planPath = join(dir, 'plan.json');
    writeFileSync(planPath, JSON.stringify(plan));
    const expected = checksumOf(generateDemoTable({ rows }).batches);
    const disagreements: Disagreement[] = [];
    // The emulator encodes a table's responses on their first read: a read nobody times pays it.
    await readShards(plan, planPath, emulator.address, 2, dir);
    const cases: ShardedCase[] = [];
    for (const shards of [1, 2]) {
      const result = await readShards(plan, planPath, emulator.address, shards, dir);
      cases.push(result);
      const partsDir = readdirSync(dir).filter((n) => n.startsWith(`parts-${shards}-`)).sort().at(-1)!;
      disagreements.push(...findDisagreements(expected, [{ label: `${shards} shard(s)`, checksum: partsChecksum(join(dir, partsDir)) }]));
      process.stderr.write(`  ${shards} shard process(es): ${(result.makespanMs / 1000).toFixed(2)} s\n`);
    }
    return { pace, rows, streams: plan.streams.length, cases, speedup: cases[0]!.makespanMs / cases[1]!.makespanMs, disagreements };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.stop();
  }
}

export function formatShardedReads(result: ShardedResult): string {
  const header = 'shard processes  makespan s  per shard: process s / read s / rows / splits                 rows/s a shard';
  const lines = result.cases.map((c) => {
    const perShard = c.runs.map((r) => `#${r.shard} ${(r.processMs / 1000).toFixed(2)}/${(r.readMs / 1000).toFixed(2)}/${r.rows.toLocaleString('en-US')}/${r.splits}`).join('  ');
    const rate = c.runs.reduce((sum, r) => sum + r.rows / (r.processMs / 1000), 0) / c.runs.length;
    return `${String(c.shards).padEnd(15)}  ${(c.makespanMs / 1000).toFixed(2).padStart(10)}  ${perShard.padEnd(62)}  ${Math.round(rate).toLocaleString('en-US').padStart(14)}`;
  });
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

/** Prints the section as `npm run bench` does, with the projection to N machines. */
export function printShardedReads(result: ShardedResult): void {
  const mibps = SERVICE_PACE_PROFILES[result.pace].streamBytesPerSecond / 2 ** 20;
  process.stdout.write(`\nsharded reads at the ${result.pace} pace (${mibps} MiB/s a stream): one plan, ${result.rows} rows, ${result.streams} streams; each shard a process with 1 worker (${DEFAULT_STREAMS_PER_WORKER} stream slots); on this machine the shard processes share its cores\n`);
  process.stdout.write(`${formatShardedReads(result)}\n\n`);
  const [one, two] = result.cases;
  const twoRate = result.rows / 2 / (Math.max(...two!.runs.map((r) => r.processMs)) / 1000);
  process.stdout.write(`two shards: ${result.speedup.toFixed(2)}x one shard's makespan (${(one!.makespanMs / 1000).toFixed(2)} s -> ${(two!.makespanMs / 1000).toFixed(2)} s)\n`);
  // Measured with the cores shared, a shard's rate here is a floor for one on a machine of its own.
  process.stdout.write(`projection: N machines of their own read at least ${Math.round(twoRate).toLocaleString('en-US')} rows/s each (a shard's rate in the two-process run, its ${result.streams / 2} streams in one round, cores shared), N x that together while N x ${DEFAULT_STREAMS_PER_WORKER} slots <= the session's streams; e.g. 8 machines: ${Math.round(8 * twoRate).toLocaleString('en-US')} rows/s on a session of ${8 * DEFAULT_STREAMS_PER_WORKER} streams\n`);
  for (const d of result.disagreements) process.stdout.write(`WRONG  ${d.label}: ${d.problem}\n`);
}

export const SHARD_PACES: readonly ServicePaceProfile[] = ['bigquery', 'bigquery-slow'];

/** The section: each pace in turn, printed as it ends. */
export async function benchShardedSection(rows = SHARD_ROWS): Promise<ShardedResult[]> {
  const results: ShardedResult[] = [];
  for (const pace of SHARD_PACES) {
    process.stderr.write(`sharded reads, ${pace} pace:\n`);
    const result = await benchShardedReads(rows, pace);
    printShardedReads(result);
    results.push(result);
  }
  return results;
}

// `node dist/bench/sharded-reads.js [rows]`: this section alone, its JSON beside the full bench's.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const startedAt = new Date();
  const results = await benchShardedSection(Number(process.argv[2] ?? SHARD_ROWS));
  process.stdout.write(`\nresults: ${writeResults(RESULTS_DIR, startedAt, { startedAt: startedAt.toISOString(), shardedReads: results })}\n`);
  process.exitCode = results.some((r) => r.disagreements.length > 0) ? 1 : 0;
}
