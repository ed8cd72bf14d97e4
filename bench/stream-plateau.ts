import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBatches, ReadPool } from '../src/index.js';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { startEmulatorProcess } from './emulator-process.js';
import { sampleRss } from './measure.js';
import { machineInfo, machineLine, writeResults } from './report.js';

/**
 * Is the streaming form's memory bounded however much data flows through it? Streams the demo
 * table ROUNDS times through one pool with a small byte budget and a slow consumer, and prints the
 * peak RSS after each round: bounded memory shows as a plateau, a leak as a climb.
 *   node dist/bench/stream-plateau.js [rows=500000] [rounds=5] [budgetMiB=16]
 */
const [rows = 500_000, rounds = 5, budgetMiB = 16] = process.argv.slice(2).map(Number);
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/plateau/', import.meta.url));

const emulator = await startEmulatorProcess(rows);
const pool = new ReadPool();
try {
  const rss = sampleRss();
  const budget = budgetMiB * 2 ** 20;
  const points: { round: number; streamedBytes: number; peakRssBytes: number; peakBufferedBytes: number }[] = [];
  let streamed = 0;
  process.stdout.write(`${machineLine(machineInfo())}\n${rows} rows per round, budget ${budgetMiB} MiB, ${pool.workers} workers\n`);
  for (let round = 1; round <= rounds; round++) {
    const stream = readBatches(DEMO_TABLE, { endpoint: emulator.address, pool, maxStreams: 16, maxBufferedBytes: budget });
    for await (const batch of stream) {
      streamed += batch.data.byteLength;
      await sleep(1);
    }
    const point = { round, streamedBytes: streamed, peakRssBytes: rss.peakBytes(), peakBufferedBytes: stream.stats.peakBufferedBytes };
    points.push(point);
    process.stdout.write(
      `round ${round}: ${(streamed / 2 ** 20).toFixed(0)} MiB streamed, peak RSS ${(point.peakRssBytes / 2 ** 20).toFixed(0)} MiB, peak buffered ${(point.peakBufferedBytes / 2 ** 20).toFixed(1)} MiB\n`,
    );
  }
  rss.stop();
  process.stdout.write(`results: ${writeResults(RESULTS_DIR, new Date(), { rows, rounds, budgetBytes: budget, machine: machineInfo(), points })}\n`);
} finally {
  await pool.close();
  await emulator.stop();
}
