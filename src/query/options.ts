import { resolveReadOptions, type ReadOptions } from '../read/options.js';
import { ReadOptionsError } from '../read/errors.js';
import type { RetrySettings } from '../client/retry.js';
import type { QueryParameters, QueryParameterTypes } from './parameters.js';
import { resolveRestEndpoint, type RestEndpoint, type RestEndpointOptions } from './rest-endpoint.js';

/**
 * A query read's options: how the job runs (parameters, location, limits, labels), where BigQuery's
 * REST API is, and, for a result read through the Storage Read API, every option of a table read
 * but the ones that choose rows or columns, which the SQL says.
 */
export interface QueryOptions extends Omit<ReadOptions, 'selectedFields' | 'rowRestriction' | 'snapshotTime' | 'samplePercentage'>, RestEndpointOptions {
  /** Named (`@name`, an object) or positional (`?`, an array) parameters, typed from their values. */
  readonly params?: QueryParameters;
  /** Types (`NUMERIC`, `ARRAY<DATE>`, `STRUCT<a INT64>`) for parameters whose value cannot say it: NULL, an empty array, NUMERIC, DATE, JSON, ... */
  readonly types?: QueryParameterTypes;
  /** Where the job runs (`US`, `EU`, `europe-west4`); default where the service places it. */
  readonly location?: string;
  /** The job fails instead of billing more bytes than this. */
  readonly maximumBytesBilled?: number | bigint | string;
  /** Labels on the job. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Validates the query and estimates its bytes (`job.totalBytesProcessed`) without running it; nothing is read. */
  readonly dryRun?: boolean;
  /** The job's id is this prefix and a random UUID; default `bqread_`. */
  readonly jobIdPrefix?: string;
  /**
   * Project that runs (and pays for) the job, and owns the read session of its result; default
   * $GOOGLE_CLOUD_PROJECT.
   */
  readonly billingProject?: string;
  /**
   * Most rows a result may have to be turned into Arrow from the jobs response itself, with no
   * read session; a result with more, or that the response's page cannot hold, is read through
   * the Storage Read API. 0 reads every result through the Storage Read API. Default 1,000: the
   * jobs response is faster up to a few thousand rows, but every large result pays for that first
   * page too (bench/README.md, "Query results", for the measurement).
   */
  readonly inlineMaxRows?: number;
  /** Deadline of each REST request; default 60 s. */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_QUERY_OPTIONS = {
  jobIdPrefix: 'bqread_',
  inlineMaxRows: 1_000,
  requestTimeoutMs: 60_000,
  // jobs.getQueryResults waits this long for the job before answering jobComplete: false (its timeoutMs).
  pollTimeoutMs: 10_000,
} as const;

const PROJECT_ENV = ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] as const;

export interface ResolvedQueryOptions {
  readonly project: string;
  readonly endpoint: RestEndpoint;
  readonly jobIdPrefix: string;
  readonly inlineMaxRows: number;
  readonly requestTimeoutMs: number;
  readonly retry: RetrySettings;
  readonly location?: string;
  readonly maximumBytesBilled?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly dryRun: boolean;
  readonly signal?: AbortSignal;
}

const ROW_CHOICES = ['selectedFields', 'rowRestriction', 'snapshotTime', 'samplePercentage'] as const;

function nonNegativeInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) throw new ReadOptionsError(`${name} must be a non-negative integer (got ${value})`);
}

/** The options of the destination table's read: the query's, less what only the job takes. */
export function readPart(options: QueryOptions): ReadOptions {
  const { params, types, location, maximumBytesBilled, labels, dryRun, jobIdPrefix, inlineMaxRows, requestTimeoutMs, apiEndpoint, ...read } = options;
  return read;
}

/** Validates what the job needs (nothing is sent before this passes); the table read's own options are checked when it starts. */
export function resolveQueryOptions(sql: string, options: QueryOptions, env: NodeJS.ProcessEnv = process.env): ResolvedQueryOptions {
  if (typeof sql !== 'string' || sql.trim() === '') throw new ReadOptionsError('the query is empty');
  for (const name of ROW_CHOICES) {
    if ((options as Record<string, unknown>)[name] !== undefined) throw new ReadOptionsError(`${name} does not apply to a query: say it in the SQL`);
  }
  nonNegativeInteger('inlineMaxRows', options.inlineMaxRows);
  nonNegativeInteger('requestTimeoutMs', options.requestTimeoutMs);
  const project = options.billingProject ?? PROJECT_ENV.map((name) => env[name]).find(Boolean);
  if (!project) throw new ReadOptionsError(`a query runs in a project: give billingProject (--billing-project) or set $${PROJECT_ENV[0]}`);
  const prefix = options.jobIdPrefix ?? DEFAULT_QUERY_OPTIONS.jobIdPrefix;
  // JobReference.jobId: letters, digits, underscores and dashes, at most 1024 characters (a UUID takes 36).
  if (!/^[A-Za-z0-9_-]{0,900}$/.test(prefix)) throw new ReadOptionsError(`jobIdPrefix may hold only letters, digits, _ and - (got "${prefix}")`);
  const bytes = options.maximumBytesBilled;
  if (bytes !== undefined && !/^\d+$/.test(String(bytes))) throw new ReadOptionsError(`maximumBytesBilled must be a non-negative integer (got ${String(bytes)})`);
  if (options.labels !== undefined && Object.values(options.labels).some((v) => typeof v !== 'string')) {
    throw new ReadOptionsError('labels must map names to strings');
  }
  // The destination table's read options are checked now too: a job costs money, so nothing is
  // sent before every option has passed. The table is a stand-in; the job names the real one. The
  // job's REST requests retry as its read does, so they take the read's retry settings.
  const read = resolveReadOptions({ projectId: project, datasetId: 'query_result', tableId: 'query_result' }, readPart(options));
  let endpoint: RestEndpoint;
  try {
    endpoint = resolveRestEndpoint(options, env);
  } catch (err) {
    throw new ReadOptionsError((err as Error).message, { cause: err });
  }
  return {
    project,
    endpoint,
    jobIdPrefix: prefix,
    inlineMaxRows: options.inlineMaxRows ?? DEFAULT_QUERY_OPTIONS.inlineMaxRows,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_QUERY_OPTIONS.requestTimeoutMs,
    retry: read.retry,
    location: options.location,
    maximumBytesBilled: bytes === undefined ? undefined : String(bytes),
    labels: options.labels,
    dryRun: options.dryRun ?? false,
    signal: options.signal,
  };
}
