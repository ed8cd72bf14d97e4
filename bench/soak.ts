import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBatches, ReadPool } from '../src/index.js';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { generateDemoTable } from '../src/emulator/sources/demo.js';
import { ChecksumAccumulator, checksumOf } from './checksum.js';
import { startEmulatorProcess } from './emulator-process.js';
import { machineInfo, machineLine, writeResults } from './report.js';

/**
 * The soak: reads the demo table over and over for MINUTES through one pool, with a byte budget
 * far smaller than the table, a slow consumer, and faults on every stream all the while (errors,
 * dropped connections, RESOURCE_EXHAUSTED with RetryInfo, stragglers). Every round must end exact
 * (checksum), and RSS must stay flat after warm-up: the peak over the last half of the rounds
 * within RSS_GROWTH_ALLOWANCE of the peak over the first half (after round 1).
 *   node dist/bench/soak.js [--minutes 3] [--rows 400000] [--budget-mib 16]
 */
const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '3' }, rows: { type: 'string', default: '400000' }, 'budget-mib': { type: 'string', default: '16' } },
});
const minutes = Number(values.minutes);
const rows = Number(values.rows);
const budget = Number(values['budget-mib']) * 2 ** 20;
const RSS_GROWTH_ALLOWANCE = 32 * 2 ** 20;
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/soak/', import.meta.url));
const FAULTS = [
  'error:code=UNAVAILABLE,after=4,stream=0,times=1000000',
  'drop:after=6,stream=1,times=1000000',
  'error:code=RESOURCE_EXHAUSTED,retry-delay-ms=50,after=3,stream=2,times=1000000',
  'error:code=INTERNAL,message=Received RST_STREAM with code 2,after=5,stream=3,times=1000000',
  'delay:delay-ms=5,stream=4',
];
const MIB = 2 ** 20;

const expected = checksumOf(generateDemoTable({ rows }).batches);
const emulator = await startEmulatorProcess(rows, FAULTS.flatMap((fault) => ['--fault', fault]));
const pool = new ReadPool();
const rounds: { round: number; peakRssBytes: number; retries: number; peakBufferedBytes: number; exact: boolean; seconds: number }[] = [];
try {
  process.stdout.write(`${machineLine(machineInfo())}\nsoak: ${minutes} min, ${rows} rows a round, budget ${budget / MIB} MiB, ${pool.workers} workers, faults on 5 of 8 streams\n`);
  const deadline = Date.now() + minutes * 60_000;
  for (let round = 1; Date.now() < deadline || round <= 3; round++) {
    const started = performance.now();
    let peakRss = process.memoryUsage.rss();
    const stream = readBatches(DEMO_TABLE, { endpoint: emulator.address, pool, maxStreams: 8, maxBufferedBytes: budget, retry: { initialBackoffMs: 5, maxBackoffMs: 100 } });
    const checksum = new ChecksumAccumulator();
    for await (const batch of stream) {
      checksum.add(batch);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await sleep(1);
    }
    const got = checksum.result();
    const exact = JSON.stringify(got) === JSON.stringify(expected);
    const point = { round, peakRssBytes: peakRss, retries: stream.stats.retries, peakBufferedBytes: stream.stats.peakBufferedBytes, exact, seconds: (performance.now() - started) / 1000 };
    rounds.push(point);
    process.stdout.write(`round ${round}: ${exact ? 'exact' : 'WRONG ROWS'}, ${point.retries} retries, peak RSS ${(peakRss / MIB).toFixed(0)} MiB, peak buffered ${(point.peakBufferedBytes / MIB).toFixed(1)} MiB, ${point.seconds.toFixed(1)} s\n`);
    if (!exact) process.exitCode = 1;
  }
  const half = Math.max(2, Math.ceil(rounds.length / 2));
  const peak = (from: number, to?: number) => Math.max(...rounds.slice(from, to).map((r) => r.peakRssBytes));
  const steady = peak(1, half);
  const worst = peak(half);
  const flat = worst - steady <= RSS_GROWTH_ALLOWANCE;
  const allExact = rounds.every((r) => r.exact);
  process.stdout.write(`${allExact ? 'PASS' : 'MISS'}  every round exact (${rounds.length} rounds, ${rounds.reduce((n, r) => n + r.retries, 0)} retries in all)\n`);
  process.stdout.write(`${flat ? 'PASS' : 'MISS'}  RSS flat after warm-up: peak ${(worst / MIB).toFixed(0)} MiB over the last half of the rounds vs ${(steady / MIB).toFixed(0)} MiB over the first (allowance ${RSS_GROWTH_ALLOWANCE / MIB} MiB)\n`);
  if (!flat) process.exitCode = 1;
  process.stdout.write(`results: ${writeResults(RESULTS_DIR, new Date(), { minutes, rows, budgetBytes: budget, faults: FAULTS, machine: machineInfo(), rounds, flat, allExact })}\n`);
} finally {
  await pool.close();
  await emulator.stop();
}
