import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBatches, ReadPool } from '../src/index.js';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { startEmulatorProcess } from './emulator-process.js';
import { sampleRss } from './measure.js';
import { machineInfo, machineLine, writeResults } from './report.js';

/**
 * Is the streaming form's memory bounded however much data flows through it? Streams the demo
 * table ROUNDS times through one pool of 2 workers with a small byte budget and a slow consumer,
 * and prints the peak RSS after each round: bounded memory shows as a plateau, a leak as a climb.
 *   node dist/bench/stream-plateau.js [rows=500000] [rounds=5] [budgetMiB=16]
 * The last line is `result <json>` (a PlateauResult), which `npm run bench` reads.
 */

/** The target: the plateau's peak within the budget plus this much, at 2 workers. */
export const PLATEAU_ALLOWANCE_BYTES = 150 * 2 ** 20;
/** A climb past this from the first half of the rounds to the second is growth, not noise. */
const GROWTH_ALLOWANCE_BYTES = 32 * 2 ** 20;
const WORKERS = 2;

export interface PlateauPoint {
  readonly round: number;
  readonly streamedBytes: number;
  readonly peakRssBytes: number;
  readonly peakBufferedBytes: number;
}

export interface PlateauResult {
  readonly rows: number;
  readonly rounds: number;
  readonly workers: number;
  readonly budgetBytes: number;
  /** RSS of the process with the pool's threads started and loaded, before the first round. */
  readonly idleRssBytes: number;
  readonly points: readonly PlateauPoint[];
  readonly targets: readonly { pass: boolean; line: string }[];
}

const MIB = 2 ** 20;
const mib = (bytes: number) => (bytes / MIB).toFixed(0);

export function plateauTargets(budgetBytes: number, points: readonly PlateauPoint[]): { pass: boolean; line: string }[] {
  const peak = Math.max(...points.map((p) => p.peakRssBytes));
  const limit = budgetBytes + PLATEAU_ALLOWANCE_BYTES;
  const half = Math.ceil(points.length / 2);
  // Peaks are cumulative, so the first half's is the last of its points.
  const firstHalf = points[half - 1]!.peakRssBytes;
  const streamed = points.at(-1)!.streamedBytes;
  const verdict = (pass: boolean, text: string) => ({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${text}` });
  return [
    verdict(peak < limit, `plateau peak RSS ${mib(peak)} MiB at ${WORKERS} workers, ${mib(streamed)} MiB through a ${mib(budgetBytes)} MiB budget (target < budget + ${mib(PLATEAU_ALLOWANCE_BYTES)} = ${mib(limit)} MiB)`),
    verdict(peak - firstHalf <= GROWTH_ALLOWANCE_BYTES, `plateau: peak RSS ${mib(firstHalf)} MiB after the first ${half} rounds, ${mib(peak)} MiB after all ${points.length} (growth allowance ${mib(GROWTH_ALLOWANCE_BYTES)} MiB)`),
  ];
}

export async function measurePlateau(rows: number, rounds: number, budgetBytes: number, log: (line: string) => void): Promise<PlateauResult> {
  const emulator = await startEmulatorProcess(rows);
  const pool = new ReadPool({ workers: WORKERS });
  try {
    // Start and load the threads first, so the idle figure is the fixed cost of a ready pool.
    await pool.ready();
    const idleRssBytes = process.memoryUsage.rss();
    const rss = sampleRss();
    const points: PlateauPoint[] = [];
    let streamed = 0;
    log(`${rows} rows per round, budget ${mib(budgetBytes)} MiB, ${pool.workers} workers, idle RSS with the pool loaded ${mib(idleRssBytes)} MiB`);
    for (let round = 1; round <= rounds; round++) {
      const stream = readBatches(DEMO_TABLE, { endpoint: emulator.address, pool, maxStreams: 16, maxBufferedBytes: budgetBytes });
      for await (const batch of stream) {
        streamed += batch.data.byteLength;
        await sleep(1);
      }
      const point = { round, streamedBytes: streamed, peakRssBytes: rss.peakBytes(), peakBufferedBytes: stream.stats.peakBufferedBytes };
      points.push(point);
      log(`round ${round}: ${mib(streamed)} MiB streamed, peak RSS ${mib(point.peakRssBytes)} MiB, peak buffered ${(point.peakBufferedBytes / MIB).toFixed(1)} MiB`);
    }
    rss.stop();
    return { rows, rounds, workers: pool.workers, budgetBytes, idleRssBytes, points, targets: plateauTargets(budgetBytes, points) };
  } finally {
    await pool.close();
    await emulator.stop();
  }
}

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/plateau/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rows = 500_000, rounds = 5, budgetMiB = 16] = process.argv.slice(2).map(Number);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(machineLine(machineInfo()));
  const result = await measurePlateau(rows, rounds, budgetMiB * MIB, log);
  for (const target of result.targets) log(target.line);
  log(`results: ${writeResults(RESULTS_DIR, new Date(), { ...result, machine: machineInfo() })}`);
  log(`result ${JSON.stringify(result)}`);
}
