import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator } from '../emulator/server.js';
import { generateDemoTable } from '../emulator/sources/demo.js';
import { readTableParallel } from '../read/read-table.js';
import { DEMO_TABLE } from './demo-table.js';

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** The main job with no Google account: serve a demo table on the embedded emulator and read it in parallel. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('read a generated table (every BigQuery type) from the embedded emulator in parallel')
    .option('--rows <n>', 'rows in the demo table', integer('--rows'), 500_000)
    .option('--workers <n>', 'worker threads', integer('--workers'), availableParallelism())
    .option('--streams <n>', 'streams in the read session', integer('--streams'), 16)
    .option('--compression <codec>', 'Arrow buffer compression: none, lz4, zstd', 'none')
    .action(async (opts) => {
      const data = generateDemoTable({ rows: opts.rows, seed: 1 });
      const emulator = await startEmulator({ tables: [{ table: DEMO_TABLE, data }] });
      try {
        process.stderr.write(`emulator listening on ${emulator.address}, serving ${DEMO_TABLE} (${data.numRows} rows)\n`);
        const { table, stats, session } = await readTableParallel(DEMO_TABLE, {
          endpoint: emulator.address,
          workers: opts.workers,
          maxStreams: opts.streams,
          compression: opts.compression,
        });
        const ids = table.getChild('id');
        let idSum = 0n;
        for (let i = 0; i < table.numRows; i++) idSum += BigInt(ids?.get(i) ?? 0);
        const expected = (BigInt(data.numRows) * BigInt(data.numRows - 1)) / 2n;
        const seconds = stats.wallMs / 1000;
        const lines = [
          `table      ${DEMO_TABLE}`,
          `session    ${session.name} (${session.streams.length} streams, ${opts.workers} workers)`,
          `rows       ${table.numRows} of ${data.numRows}, ${table.numCols} columns`,
          `id sum     ${idSum} (${idSum === expected ? 'every row exactly once' : `MISMATCH, expected ${expected}`})`,
          `arrow      ${(stats.bytes / 1e6).toFixed(1)} MB`,
          `time       ${seconds.toFixed(2)} s (session ${(stats.sessionMs / 1000).toFixed(2)} s)`,
          `rate       ${Math.round(table.numRows / seconds).toLocaleString('en-US')} rows/s, ${(stats.bytes / 1e6 / seconds).toFixed(1)} MB/s`,
          `retries    ${stats.retries}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        if (idSum !== expected || table.numRows !== data.numRows) process.exitCode = 1;
      } finally {
        await emulator.close();
      }
    });
}
