import { createHash } from 'node:crypto';
import { readTableParallel } from '../../src/read/read-table.js';
import type { ReadOptions } from '../../src/read/options.js';
import { canonicalRows } from './canonical.js';

/**
 * A read in a process of its own, for tests that need its environment (a proxy, extra CAs) and
 * everything it prints. argv[2]: `{ table, options }` as JSON. Prints one JSON line: the rows'
 * digest and the stats, or the error; and logs a failure with console.error as an application
 * would, so the test sees what a log would hold.
 */
const { table, options } = JSON.parse(process.argv[2]!) as { table: string; options: ReadOptions };
try {
  const { table: read, stats } = await readTableParallel(table, options);
  const digest = createHash('sha256').update(JSON.stringify(canonicalRows(read))).digest('hex');
  console.log(JSON.stringify({ ok: true, rows: read.numRows, digest, stats }));
} catch (err) {
  const e = err as Error & { code?: number; status?: string };
  console.log(JSON.stringify({ ok: false, error: { name: e.name, code: e.code, status: e.status, message: e.message } }));
  console.error(err);
  process.exitCode = 1;
}
