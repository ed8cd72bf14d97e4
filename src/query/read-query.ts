// readQuery and its streaming form: run the query job over REST, then hand out its result with
// every guarantee of a table read. A small result, whole in the jobs response, is turned into Arrow
// from that response and pays for no read session; a larger one is its destination table, read
// in parallel through the Storage Read API like any table.
import { Readable } from 'node:stream';
import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { dataBytes } from '../arrow/data-bytes.js';
import { abortError, BqReadError } from '../read/errors.js';
import type { ReadOptions } from '../read/options.js';
import { readBatches, type BatchStream } from '../read/read-batches.js';
import { readTableParallel, type ReadTableResult } from '../read/read-table.js';
import type { ReadSessionInfo } from '../read/session.js';
import { emptyStats, type ReadStats } from '../read/stats.js';
import { arrowSchema } from './arrow-schema.js';
import { parametersJson } from './parameters.js';
import { runQueryJob, type CompletedQuery, type QueryJobInfo } from './query-job.js';
import { readPart, resolveQueryOptions, type QueryOptions } from './options.js';
import { BigQueryRestClient } from './rest-client.js';

/** Where a query's rows came from: the jobs response itself, or the destination table through the Storage Read API. */
export type QueryResultSource = 'jobs-response' | 'storage-read';

export interface QueryTableResult extends ReadTableResult {
  readonly job: QueryJobInfo;
  readonly source: QueryResultSource;
}

/**
 * A query's result as a BatchStream (any sink takes it). A result from the jobs response has no
 * read session: its `session` has no name and no streams, and its stats count that one batch.
 */
export interface QueryBatchStream extends Omit<BatchStream, 'formatted'> {
  readonly job: QueryJobInfo;
  readonly source: QueryResultSource;
  /** A result read through the Storage Read API only: its rows formatted as text where they are read (the sinks' NDJSON and CSV use it). */
  readonly formatted?: BatchStream['formatted'];
}

// As python-bigquery's _contains_order_by (google/cloud/bigquery/job/query.py): any ORDER BY, a
// window's too, keeps the result's order, at the cost of a read in fewer streams.
const ORDER_BY = /ORDER\s+BY/i;

/**
 * The destination table's read: the query's options less the job's, and for an ordered result one
 * stream read in session order (unless maxStreams or ordered say otherwise), as python-bigquery reads one,
 * so the rows keep the order the query gave them.
 */
function destinationRead(sql: string, options: QueryOptions): ReadOptions {
  const read = readPart(options);
  return ORDER_BY.test(sql) ? { ...read, maxStreams: read.maxStreams ?? 1, ordered: read.ordered ?? true } : read;
}

/** Runs the query (jobs.insert, then jobs.getQueryResults until done); an abort cancels the job. */
async function completed(sql: string, options: QueryOptions): Promise<CompletedQuery> {
  const resolved = resolveQueryOptions(sql, options);
  const parameters = parametersJson(options.params, options.types);
  const client = new BigQueryRestClient(resolved.endpoint, resolved.retry, resolved.requestTimeoutMs);
  return runQueryJob(client, sql, resolved, parameters);
}

/**
 * Runs the query and reads its whole result into one Arrow Table, in the query's order when it has
 * an ORDER BY. With `dryRun`, nothing runs: the table is empty and `job` holds the
 * estimate.
 */
export async function readQuery(sql: string, options: QueryOptions = {}): Promise<QueryTableResult> {
  const { job, inline } = await completed(sql, options);
  if (inline || job.dryRun) {
    const stream = fromJobsResponse(job, inline, options.signal);
    const batches: RecordBatch[] = [];
    for await (const batch of stream) batches.push(batch);
    return { table: new Table(stream.schema, batches), session: await stream.session, stats: stream.stats, job, source: 'jobs-response' };
  }
  return { ...(await readTableParallel(job.destinationTable!, destinationRead(sql, options))), job, source: 'storage-read' };
}

/**
 * Runs the query, then streams its result's batches as `readBatches` streams a table's, under the
 * same byte budget; resolves once the job is done (so a failed query rejects here, before any
 * output is opened).
 */
export async function readQueryBatches(sql: string, options: QueryOptions = {}): Promise<QueryBatchStream> {
  const { job, inline } = await completed(sql, options);
  if (inline || job.dryRun) return fromJobsResponse(job, inline, options.signal);
  const stream = readBatches(job.destinationTable!, destinationRead(sql, options));
  return Object.assign(stream, { job, source: 'storage-read' as const });
}

/** The stream of a result the jobs response held whole (none: a dry run's). */
function fromJobsResponse(job: QueryJobInfo, batch: RecordBatch | undefined, signal: AbortSignal | undefined): QueryBatchStream & { schema: Schema } {
  const started = performance.now();
  const schema = batch?.schema ?? arrowSchema(job.schema.fields ?? []);
  const stats: ReadStats = emptyStats();
  const destination = job.destinationTable;
  const session: ReadSessionInfo = {
    name: '',
    table: destination ? `projects/${destination.projectId}/datasets/${destination.datasetId}/tables/${destination.tableId}` : '',
    streams: [],
    schema,
    schemaMessage: new Uint8Array(),
    estimatedRowCount: batch?.numRows ?? 0,
    estimatedTotalBytesScanned: 0,
  };
  let iterated = false;
  // eslint-disable-next-line @typescript-eslint/require-await -- async, as every BatchStream's: a sink awaits each batch
  async function* batches(): AsyncGenerator<RecordBatch> {
    if (iterated) throw new BqReadError('a BatchStream can be iterated only once');
    iterated = true;
    if (signal?.aborted) throw abortError(signal);
    if (batch && batch.numRows > 0) {
      Object.assign(stats, { rows: batch.numRows, bytes: dataBytes(batch.data), batches: 1, firstBatchMs: performance.now() - started });
      yield batch;
    }
    stats.wallMs = performance.now() - started;
  }
  return {
    job,
    source: 'jobs-response',
    schema,
    session: Promise.resolve(session),
    stats,
    // One batch, in the job's order.
    ordered: true,
    [Symbol.asyncIterator]: batches,
    toReadable: () => Readable.from({ [Symbol.asyncIterator]: batches }, { objectMode: true, highWaterMark: 1 }),
  };
}
