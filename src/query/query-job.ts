// A query job's life over REST: jobs.insert under a job id of our own (so the job can be cancelled
// from the moment it is asked for, and a retried insert cannot run it twice), then
// jobs.getQueryResults until it is done, whose answer holds the first rows; jobs.get for the
// destination table when those rows are not all of them. An abort cancels the job (jobs.cancel).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import { abortError, ReadAbortedError } from '../read/errors.js';
import { inlineable } from './arrow-schema.js';
import { BigQueryApiError, QueryError, type BigQueryErrorEntry } from './errors.js';
import { batchFromJsonRows } from './json-rows.js';
import { DEFAULT_QUERY_OPTIONS, type ResolvedQueryOptions } from './options.js';
import type { ParametersJson } from './parameters.js';
import { grpcCodeOfReason, type BigQueryRestClient } from './rest-client.js';
import type { Job, JobReference, QueryResults, TableReferenceJson, TableSchema } from './rest-types.js';

/** What a finished (or dry-run) query job says of itself. */
export interface QueryJobInfo {
  /** `project:location.jobId`, as `bq` writes a job (a dry run makes no job: the id it would have had). */
  readonly id: string;
  readonly reference: JobReference;
  /** Bytes the query processed (a dry run: would process). */
  readonly totalBytesProcessed: number;
  readonly dryRun: boolean;
  readonly cacheHit: boolean;
  /** Rows in the result (0 for a dry run). */
  readonly totalRows: number;
  /** The result's schema in BigQuery's JSON (a dry run's, when the service gives one). */
  readonly schema: TableSchema;
  /** The table the result was written to (an anonymous one in a `_`-prefixed dataset unless the query named one). */
  readonly destinationTable?: TableReferenceJson;
  /** Time from the insert to the job's end (ms). */
  readonly jobMs: number;
}

/** A finished job and, when the first results page held every row, those rows as Arrow. */
export interface CompletedQuery {
  readonly job: QueryJobInfo;
  readonly inline?: RecordBatch;
}

// Polls that come back at once (a service that does not hold getQueryResults for timeoutMs) wait
// between tries, doubling from the first to the last.
const FIRST_POLL_PAUSE_MS = 5;
const LAST_POLL_PAUSE_MS = 1_000;

const jobId = (ref: JobReference) => `${ref.projectId}:${ref.location ? `${ref.location}.` : ''}${ref.jobId}`;

/** A failed job's errorResult (https://cloud.google.com/bigquery/docs/error-messages) as one QueryError. */
function jobFailure(ref: JobReference, result: BigQueryErrorEntry, errors: readonly BigQueryErrorEntry[]): QueryError {
  const message = result.message ?? 'the query job failed';
  return new QueryError(result.reason === 'invalidQuery' ? message : `query job ${jobId(ref)} failed: ${message}`, {
    reason: result.reason, errors: errors.length > 0 ? errors : [result], job: jobId(ref), code: grpcCodeOfReason(result.reason),
  });
}

function insertRequest(sql: string, options: ResolvedQueryOptions, parameters: ParametersJson, reference: JobReference) {
  return {
    jobReference: reference,
    configuration: {
      query: {
        query: sql,
        useLegacySql: false,
        ...parameters,
        ...(options.maximumBytesBilled !== undefined && { maximumBytesBilled: options.maximumBytesBilled }),
      },
      ...(options.dryRun && { dryRun: true }),
      ...(options.labels && { labels: options.labels }),
    },
  };
}

function info(job: Job | undefined, reference: JobReference, results: QueryResults | undefined, started: number, dryRun: boolean): QueryJobInfo {
  const bytes = results?.totalBytesProcessed ?? job?.statistics?.query?.totalBytesProcessed ?? job?.statistics?.totalBytesProcessed ?? '0';
  return {
    id: jobId(reference),
    reference,
    totalBytesProcessed: Number(bytes),
    dryRun,
    cacheHit: job?.statistics?.query?.cacheHit ?? false,
    totalRows: Number(results?.totalRows ?? 0),
    schema: results?.schema ?? job?.statistics?.query?.schema ?? {},
    destinationTable: job?.configuration?.query?.destinationTable,
    jobMs: performance.now() - started,
  };
}

/**
 * Runs the query to its end. `signal` cancels the job (jobs.cancel, waited for) and throws the
 * read's abort error.
 */
export async function runQueryJob(client: BigQueryRestClient, sql: string, options: ResolvedQueryOptions, parameters: ParametersJson): Promise<CompletedQuery> {
  const started = performance.now();
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  let reference: JobReference = {
    projectId: options.project,
    jobId: `${options.jobIdPrefix}${randomUUID()}`,
    ...(options.location && { location: options.location }),
  };
  try {
    const job = await client.insertJob(options.project, insertRequest(sql, options, parameters, reference), signal).catch((err: unknown) => {
      // A retried insert whose first try got through: the job is ours, running.
      if (err instanceof BigQueryApiError && err.httpStatus === 409) return undefined;
      throw err;
    });
    // The service says where it placed the job; later calls must name that location.
    if (job?.jobReference) reference = { ...reference, ...job.jobReference };
    if (job?.status?.errorResult) throw jobFailure(reference, job.status.errorResult, job.status.errors ?? []);
    if (options.dryRun) return { job: info(job, reference, undefined, started, true) };
    const results = await waitForResults(client, reference, options);
    const rows = results.rows ?? [];
    const fields = results.schema?.fields ?? [];
    const whole = results.pageToken === undefined && rows.length === Number(results.totalRows ?? rows.length);
    if (whole && options.inlineMaxRows > 0 && rows.length <= options.inlineMaxRows && inlineable(fields)) {
      return { job: info(undefined, reference, results, started, false), inline: batchFromJsonRows(fields, rows) };
    }
    const done = await client.getJob(reference, signal);
    if (!done.configuration?.query?.destinationTable) {
      throw new BigQueryApiError(`query job ${jobId(reference)} finished without a destination table to read`, { job: jobId(reference) });
    }
    return { job: info(done, reference, results, started, false) };
  } catch (err) {
    if (signal?.aborted) {
      // Even an insert cut short may have reached the service: its job is cancelled too.
      await cancel(client, reference, options);
      throw new ReadAbortedError(`${abortError(signal).message} (query job ${jobId(reference)} cancelled)`, { cause: signal.reason });
    }
    throw err;
  }
}

/** jobs.getQueryResults until jobComplete; its answer holds up to inlineMaxRows rows (none when inlining is off). */
async function waitForResults(client: BigQueryRestClient, reference: JobReference, options: ResolvedQueryOptions): Promise<QueryResults> {
  for (let pause = FIRST_POLL_PAUSE_MS; ; pause = Math.min(2 * pause, LAST_POLL_PAUSE_MS)) {
    // The service holds the call up to timeoutMs: well inside the request's own deadline.
    const timeoutMs = Math.min(DEFAULT_QUERY_OPTIONS.pollTimeoutMs, Math.floor(options.requestTimeoutMs / 2));
    const results = await client.getQueryResults(reference, { maxResults: options.inlineMaxRows, timeoutMs }, options.signal);
    if (results.jobComplete) return results;
    await sleep(pause, undefined, { signal: options.signal });
  }
}

/** Cancels the job, on a deadline of its own (the read's signal has fired already); a cancel that fails leaves the job to finish alone. */
async function cancel(client: BigQueryRestClient, reference: JobReference, options: ResolvedQueryOptions): Promise<void> {
  await client.cancelJob(reference, AbortSignal.timeout(options.requestTimeoutMs)).catch(() => undefined);
}
