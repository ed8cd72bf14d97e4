import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readTableParallel, ReadPool } from '../src/index.js';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { startEmulatorProcess } from './emulator-process.js';
import { sampleRss } from './measure.js';
import { machineInfo, machineLine, writeResults } from './report.js';

/**
 * How many streams a worker should read at once when each stream is slow, as the service's are:
 * reads the demo table from a paced emulator (its own process) at several per-stream rates, with
 * the session asking for workers x streamsPerWorker streams, for several streamsPerWorker.
 *   node dist/bench/stream-defaults.js [--rows 200000] [--rates 2.5,10,30] [--per-worker 2,4,8,16]
 */
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    rates: { type: 'string', default: '2.5,10,30' },
    'per-worker': { type: 'string', default: '2,4,8,16' },
  },
});
const rows = Number(values.rows);
const rates = values.rates.split(',').map(Number);
const perWorker = values['per-worker'].split(',').map(Number);
const workers = availableParallelism();
const MIB = 2 ** 20;
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/defaults/', import.meta.url));

const points: { rateMiBs: number; streamsPerWorker: number; streams: number; mibPerSecond: number; readSeconds: number; peakRssMiB: number; cpuSeconds: number }[] = [];
process.stdout.write(`${machineLine(machineInfo())}\n${rows} rows, ${workers} workers; per-stream rate x streams per worker\n`);
process.stdout.write('rate MiB/s  per worker  streams  read s  MiB/s  x (streams x rate)  cpu s  peak RSS MiB\n');
for (const rate of rates) {
  // No minimum storage block: the study must get the workers x N streams it asks for, which can be
  // more than the table's default 4 MiB blocks (200k rows: 17; 400k rows: 35).
  const emulator = await startEmulatorProcess(rows, ['--pace', 'bigquery', '--stream-rate', String(rate), '--storage-block-bytes', '0']);
  try {
    for (const streamsPerWorker of perWorker) {
      const pool = new ReadPool({ workers, streamsPerWorker });
      const rss = sampleRss();
      const cpu = process.cpuUsage();
      const started = performance.now();
      try {
        const { stats } = await readTableParallel(DEMO_TABLE, { endpoint: emulator.address, pool, preferredMinStreams: pool.capacity });
        const readSeconds = (performance.now() - started) / 1000 - stats.sessionMs / 1000;
        const used = process.cpuUsage(cpu);
        const point = {
          rateMiBs: rate, streamsPerWorker, streams: stats.streams.length, mibPerSecond: stats.bytes / MIB / readSeconds, readSeconds,
          peakRssMiB: rss.peakBytes() / MIB, cpuSeconds: (used.user + used.system) / 1e6,
        };
        points.push(point);
        const ideal = point.streams * rate;
        process.stdout.write(
          `${rate.toString().padStart(10)}  ${String(streamsPerWorker).padStart(10)}  ${String(point.streams).padStart(7)}  ${readSeconds.toFixed(2).padStart(6)}  ${point.mibPerSecond.toFixed(0).padStart(5)}  ${(point.mibPerSecond / ideal).toFixed(2).padStart(18)}  ${point.cpuSeconds.toFixed(2).padStart(5)}  ${point.peakRssMiB.toFixed(0).padStart(12)}\n`,
        );
      } finally {
        rss.stop();
        await pool.close();
      }
    }
  } finally {
    await emulator.stop();
  }
}
process.stdout.write(`results: ${writeResults(RESULTS_DIR, new Date(), { rows, workers, machine: machineInfo(), points })}\n`);
