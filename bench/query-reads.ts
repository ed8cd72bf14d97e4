// Query results at the service's pace (issue 21): a small and a large result of a query of the
// demo table, read by bqread's readQuery (the small one from the jobs response, the large one
// through the Storage Read API) and by the official @google-cloud/bigquery client's query stream
// (REST pages), time to the first row and to the last; and the sweep that sets readQuery's
// default cut-over between the two paths (DEFAULT_QUERY_OPTIONS.inlineMaxRows).
import { BigQuery } from '@google-cloud/bigquery';
import { DEMO_TABLE } from '../src/cli/demo-table.js';
import { DEFAULT_QUERY_OPTIONS } from '../src/query/options.js';
import { readQueryBatches } from '../src/query/read-query.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.js';
import { alignedTable } from './report.js';
import type { TargetResult } from './targets.js';

/** The table queried; the large result is all of it. */
export const QUERY_TABLE_ROWS = 100_000;
export const SMALL_RESULT_ROWS = 500;
/** Results whose two paths the cut-over sweep times. */
export const CUTOVER_SWEEP_ROWS = [500, 1_000, 2_000, 5_000];
/** Issue 21's target: the large result at least this many times faster than the official client's REST pages. */
export const LARGE_RESULT_SPEEDUP = 5;
const PACE_FLAGS = ['--pace', 'bigquery'];
const PROJECT = DEMO_TABLE.split('.')[0]!;
const WORKERS = 2;

export interface QueryTiming {
  readonly label: string;
  readonly rows: number;
  readonly firstRowMs: number;
  readonly totalMs: number;
}

export interface QueryReadsResult {
  readonly tableRows: number;
  readonly small: QueryTiming[];
  readonly large: QueryTiming[];
  readonly cutover: { readonly rows: number; readonly jobsResponseMs: number; readonly storageReadMs: number }[];
  readonly targets: TargetResult[];
}

const sql = (rows?: number) => `SELECT * FROM \`${DEMO_TABLE}\`${rows === undefined ? '' : ` WHERE id < ${rows}`}`;

async function timeBqread(label: string, emulator: EmulatorProcess, restUrl: string, query: string, inlineMaxRows?: number): Promise<QueryTiming> {
  const started = performance.now();
  const stream = await readQueryBatches(query, { apiEndpoint: restUrl, endpoint: emulator.address, billingProject: PROJECT, workers: WORKERS, inlineMaxRows });
  let firstRowMs = 0;
  let rows = 0;
  for await (const batch of stream) {
    if (rows === 0 && batch.numRows > 0) firstRowMs = performance.now() - started;
    rows += batch.numRows;
  }
  return { label: `${label} (${stream.source})`, rows, firstRowMs, totalMs: performance.now() - started };
}

/** The official client as its docs use it for a large result: createQueryStream, a row at a time over REST pages. */
async function timeOfficial(restUrl: string, query: string): Promise<QueryTiming> {
  const bigquery = new BigQuery({ projectId: PROJECT, apiEndpoint: restUrl });
  const started = performance.now();
  let firstRowMs = 0;
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    bigquery.createQueryStream({ query })
      .on('data', () => {
        if (rows++ === 0) firstRowMs = performance.now() - started;
      })
      .on('error', reject)
      .on('end', () => resolve());
  });
  return { label: '@google-cloud/bigquery createQueryStream (REST pages)', rows, firstRowMs, totalMs: performance.now() - started };
}

export async function benchQueryReads(): Promise<QueryReadsResult> {
  // With --port 0 the emulator takes a free port for its REST API too, and prints its URL.
  const emulator = await startEmulatorProcess(QUERY_TABLE_ROWS, PACE_FLAGS);
  const { restUrl } = emulator;
  try {
    // Untimed: the emulator encodes a table's rows the first time they are read, on this machine's cores, where the service's work costs a client nothing.
    await timeBqread('warm-up', emulator, restUrl, sql(), 0);
    const small = [
      await timeBqread('bqread readQuery', emulator, restUrl, sql(SMALL_RESULT_ROWS)),
      await timeBqread('bqread readQuery, inlineMaxRows 0', emulator, restUrl, sql(SMALL_RESULT_ROWS), 0),
      await timeOfficial(restUrl, sql(SMALL_RESULT_ROWS)),
    ];
    const large = [await timeBqread('bqread readQuery', emulator, restUrl, sql()), await timeOfficial(restUrl, sql())];
    const cutover = [];
    for (const rows of CUTOVER_SWEEP_ROWS) {
      const jobsResponse = await timeBqread('', emulator, restUrl, sql(rows), Number.MAX_SAFE_INTEGER);
      const storageRead = await timeBqread('', emulator, restUrl, sql(rows), 0);
      cutover.push({ rows, jobsResponseMs: jobsResponse.totalMs, storageReadMs: storageRead.totalMs });
    }
    const speedup = large[1]!.totalMs / large[0]!.totalMs;
    const pass = speedup >= LARGE_RESULT_SPEEDUP && large[0]!.rows === large[1]!.rows;
    const targets = [{
      pass,
      line: `${pass ? 'PASS' : 'MISS'}  large query result (${large[0]!.rows} rows) at the bigquery pace: bqread ${(large[0]!.totalMs / 1000).toFixed(2)} s, the official client's REST pages ${(large[1]!.totalMs / 1000).toFixed(2)} s = ${speedup.toFixed(1)}x (target >= ${LARGE_RESULT_SPEEDUP}x)`,
    }];
    return { tableRows: QUERY_TABLE_ROWS, small, large, cutover, targets };
  } finally {
    await emulator.stop();
  }
}

export function printQueryReads(result: QueryReadsResult): void {
  const rows = [...result.small, ...result.large].map((t) => [t.label, String(t.rows), (t.firstRowMs / 1000).toFixed(2), (t.totalMs / 1000).toFixed(2)]);
  process.stdout.write(`\nquery results at the bigquery pace (300 ms a REST call, 4 MiB/s of REST pages, 10 MiB/s a stream), a ${result.tableRows}-row table, ${WORKERS} workers\n`);
  process.stdout.write(`${alignedTable(['reader', 'rows', 'first row s', 'total s'], rows)}\n\n`);
  const sweep = result.cutover.map((c) => [String(c.rows), (c.jobsResponseMs / 1000).toFixed(2), (c.storageReadMs / 1000).toFixed(2)]);
  process.stdout.write(`cut-over (default inlineMaxRows ${DEFAULT_QUERY_OPTIONS.inlineMaxRows}): a result of N rows from the jobs response or through the Storage Read API\n`);
  process.stdout.write(`${alignedTable(['rows', 'jobs response s', 'Storage Read API s'], sweep)}\n\n`);
  for (const target of result.targets) process.stdout.write(`${target.line}\n`);
}
