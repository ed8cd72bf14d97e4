import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import { Command, Option } from 'commander';
import type { DemoEmulatorData, DemoEmulatorReady } from './demo-emulator-thread.js';
import { DEMO_TABLE } from './demo-table.js';
import { integer } from './flag-parsers.js';
import { startProgress } from './progress.js';
import { stoppable } from './stop-signals.js';
import { summaryLine } from './summary.js';

/** Starts the emulator thread and waits until it serves the demo table. */
async function startDemoEmulator(data: DemoEmulatorData): Promise<{ worker: Worker; ready: DemoEmulatorReady }> {
  const worker = new Worker(new URL('./demo-emulator-thread.js', import.meta.url), { workerData: data });
  const [ready] = (await once(worker, 'message')) as [DemoEmulatorReady];
  return { worker, ready };
}

/** Sums the id column as batches pass, to show every row arrived exactly once. */
function idSummer() {
  let sum = 0n;
  return {
    async *tap(batches: AsyncIterable<RecordBatch>): AsyncGenerator<RecordBatch> {
      for await (const batch of batches) {
        const ids = batch.getChild('id')?.data[0]?.values as BigInt64Array | undefined;
        if (ids) for (let i = 0; i < batch.numRows; i++) sum += ids[i]!;
        yield batch;
      }
    },
    get sum() {
      return sum;
    },
  };
}

/** The main job with no Google account: serve a demo table from an emulator thread, read it in parallel into Parquet. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('read a generated table (every BigQuery type) from an embedded emulator in parallel into a Parquet file')
    .option('--rows <n>', 'rows in the demo table', integer('--rows', 1), 500_000)
    .option('--workers <n>', 'worker threads', integer('--workers', 1), availableParallelism())
    .option('--streams <n>', 'streams in the read session', integer('--streams', 1), 16)
    .addOption(new Option('--compression <codec>', 'Arrow buffer compression on the wire').choices(['none', 'lz4', 'zstd']).default('none'))
    .option('-o, --out <path>', 'the Parquet file to write', 'bqread-demo.parquet')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText('after', `
Examples:
  bqread demo
  bqread demo --rows 2000000 --workers 4 --out /tmp/demo.parquet
  bqread demo --compression lz4 --streams 32`)
    .action(async (opts: { rows: number; workers: number; streams: number; compression: 'none' | 'lz4' | 'zstd'; out: string; quiet?: boolean }) => {
      const [{ readBatches }, { writeParquet }] = await Promise.all([import('../read/read-batches.js'), import('../sinks/write-batches.js')]);
      const { worker, ready } = await startDemoEmulator({ rows: opts.rows, seed: 1 });
      try {
        process.stderr.write(`emulator thread listening on ${ready.address}, serving ${DEMO_TABLE} (${ready.rows} rows)\n`);
        // As `bqread read`: a stop signal ends the read and removes the partial file.
        await stoppable(async (signal) => {
          const progress = startProgress(!opts.quiet && process.stderr.isTTY === true);
          try {
            const stream = readBatches(DEMO_TABLE, {
              endpoint: ready.address,
              workers: opts.workers,
              maxStreams: opts.streams,
              compression: opts.compression,
              onProgress: progress.onProgress,
              signal,
            });
            const ids = idSummer();
            const output = await writeParquet(ids.tap(stream), opts.out, { signal });
            progress.stop();
            const session = await stream.session;
            const expected = (BigInt(ready.rows) * BigInt(ready.rows - 1)) / 2n;
            const exact = ids.sum === expected && output.rows === ready.rows;
            process.stdout.write(`${summaryLine({ table: DEMO_TABLE, session, stats: stream.stats, output: { ...output, path: opts.out } })}\n`);
            process.stdout.write(`id sum ${ids.sum}: ${exact ? 'every row exactly once' : `MISMATCH, expected ${expected} over ${ready.rows} rows`}\n`);
            if (!exact) process.exitCode = 1;
          } finally {
            progress.stop();
          }
        });
      } finally {
        worker.postMessage('close');
        await once(worker, 'exit');
      }
    });
}
