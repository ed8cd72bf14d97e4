// The REST calls a query read makes, over the emulator's catalog: jobs.insert, jobs.query,
// jobs.get, jobs.getQueryResults, jobs.cancel, tables.get and tabledata.list, answering with BigQuery's JSON
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs).
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as arrow from 'apache-arrow';
import { dataBytes } from '../../arrow/data-bytes.js';
import type { TablePath } from '../../protocol/names.js';
import type { Catalog } from '../query/catalog.js';
import { QueryError } from '../query/errors.js';
import type { QueryParameter } from '../../protocol/query-parameter.js';
import { QueryParameters } from '../query/parameters.js';
import { runQuery, type QueryResult } from '../query/run-query.js';
import { Job, JobStore, type JobOutcome, type JobReference } from './jobs.js';
import { rowsPage, type PageRequest } from './pages.js';
import { jobJson, schemaJson, tableJson } from './resources.js';
import { invalid, notFound, RestError, restErrorOf, restErrorOfProto } from './rest-error.js';

export interface QueryServiceOptions {
  readonly catalog: Catalog;
  /** The location jobs run in unless a request names one ("US" for the emulator's "us"). */
  readonly location: string;
  /** How long a job stays PENDING and RUNNING before it is DONE. */
  readonly jobLatencyMs: number;
  /** Most jobs kept; past it the oldest is let go, with its anonymous result table. */
  readonly maxJobs: number;
}

/** A query request's fields, shared by jobs.insert's configuration.query and jobs.query's body. */
interface QueryFields {
  readonly query?: unknown;
  readonly useLegacySql?: unknown;
  readonly parameterMode?: unknown;
  readonly queryParameters?: unknown;
  readonly maximumBytesBilled?: unknown;
  readonly defaultDataset?: { readonly projectId?: string; readonly datasetId?: string };
  readonly destinationTable?: { readonly projectId?: string; readonly datasetId?: string; readonly tableId?: string };
  readonly writeDisposition?: string;
}

// getQueryResults waits 10 seconds for the job by default (its timeoutMs).
const DEFAULT_WAIT_MS = 10_000;
// On-demand queries bill at least 10 MB per query, rounded up to the MB
// (https://cloud.google.com/bigquery/pricing#on_demand_pricing).
const MIN_BILLED_BYTES = 10 * 1024 * 1024;
const BILLING_UNIT = 1024 * 1024;

const billedBytes = (processed: number) =>
  processed === 0 ? 0 : Math.max(MIN_BILLED_BYTES, Math.ceil(processed / BILLING_UNIT) * BILLING_UNIT);

export class QueryService {
  private readonly jobs: JobStore;

  constructor(private readonly options: QueryServiceOptions) {
    this.jobs = new JobStore(options.maxJobs, (job) => {
      const planned = job.planned;
      // BigQuery keeps anonymous results a day; here they go with their job, named ones stay.
      if (planned.kind === 'result' && planned.destination.datasetId.startsWith('_')) options.catalog.tables.delete(planned.destination);
    });
  }

  /** jobs.insert: a query job (or, with dryRun, its statistics and no job). */
  insertJob(projectId: string, body: Record<string, unknown>): object {
    const configuration = objectField(body, 'configuration');
    const query = objectField(configuration, 'query') as QueryFields;
    const reference = objectField(body, 'jobReference');
    const location = stringField(reference, 'location') ?? this.options.location;
    if (configuration.dryRun === true) return this.dryRun(projectId, location, query, configuration);
    const jobId = stringField(reference, 'jobId') ?? newJobId();
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(jobId)) throw invalid(`Invalid job ID "${jobId}": letters, digits, underscores and dashes, at most 1024`);
    if (this.jobs.has(projectId, jobId)) throw new RestError(409, 'duplicate', `Already Exists: Job ${projectId}:${location}.${jobId}`);
    const job = this.startJob({ projectId, jobId, location }, query, configuration);
    return jobJson(job, Date.now());
  }

  /** jobs.query: runs the query as a job and answers with its first page if it ends within timeoutMs. */
  async query(projectId: string, body: Record<string, unknown>): Promise<object> {
    const location = stringField(body, 'location') ?? this.options.location;
    const fields = body as QueryFields;
    const configuration = {
      query: pick(body, ['query', 'useLegacySql', 'parameterMode', 'queryParameters', 'maximumBytesBilled', 'defaultDataset']),
      ...(body.labels !== undefined && { labels: body.labels }),
    };
    if (body.dryRun === true) {
      const dry = this.evaluate(projectId, fields);
      return {
        kind: 'bigquery#queryResponse', jobReference: { projectId, location }, jobComplete: true,
        schema: schemaJson(dry.table.schema), totalBytesProcessed: String(dry.bytesProcessed), cacheHit: false,
      };
    }
    const job = this.startJob({ projectId, jobId: newJobId(), location }, fields, configuration, true);
    return this.page(job, 'bigquery#queryResponse', {
      maxResults: numberField(body, 'maxResults'),
      timeoutMs: numberField(body, 'timeoutMs'),
      int64Timestamp: objectField(body, 'formatOptions').useInt64Timestamp === true,
    });
  }

  getJob(projectId: string, jobId: string, location: string | undefined): object {
    return jobJson(this.job(projectId, jobId, location), Date.now());
  }

  async getQueryResults(projectId: string, jobId: string, request: PageRequest): Promise<object> {
    return this.page(this.job(projectId, jobId, request.location), 'bigquery#getQueryResultsResponse', request);
  }

  cancelJob(projectId: string, jobId: string, location: string | undefined): object {
    const job = this.job(projectId, jobId, location);
    job.cancel(Date.now());
    return { kind: 'bigquery#jobCancelResponse', job: jobJson(job, Date.now()) };
  }

  getTable(path: TablePath): object {
    const { catalog, location } = this.options;
    const view = catalog.view(path);
    if (view) {
      const result = this.evaluate(path.projectId, { query: view.sql, useLegacySql: false });
      return tableJson({
        path, schema: result.table.schema, numRows: 0, numBytes: 0, createdMs: view.createdAtMs, modifiedMs: view.createdAtMs, location, viewQuery: view.sql,
      });
    }
    const stored = catalog.tables.get(path);
    if (!stored) throw notFound(`Not found: Table ${path.projectId}:${path.datasetId}.${path.tableId}`);
    const table = stored.asTable();
    return tableJson({
      path, schema: stored.schema, numRows: table.numRows, numBytes: tableBytes(table), createdMs: stored.createdAtMs, modifiedMs: stored.lastModifiedMs, location,
    });
  }

  close(): void {
    this.jobs.close();
  }

  /** A job by id; asked for in another location, it is not found, as the service's jobs are regional. */
  private job(projectId: string, jobId: string, location: string | undefined): Job {
    const job = this.jobs.get(projectId, jobId);
    if (!job || (location !== undefined && location.toLowerCase() !== job.reference.location.toLowerCase())) {
      throw notFound(`Not found: Job ${projectId}:${location ? `${location}.` : ''}${jobId}`);
    }
    return job;
  }

  /**
   * Runs the query now and makes its job. A query that fails (QueryError) fails the job
   * (jobs.insert) or, for jobs.query (`failFast`), the call itself, as the service does; a bad
   * request (no query text, legacy SQL) fails the call either way.
   */
  private startJob(reference: JobReference, fields: QueryFields, configuration: Record<string, unknown>, failFast = false): Job {
    let outcome: JobOutcome;
    try {
      outcome = this.outcomeOf(reference.projectId, fields);
    } catch (error) {
      if (failFast || !(error instanceof QueryError)) throw error;
      outcome = { kind: 'error', error: restErrorOf(error).proto };
    }
    if (failFast && outcome.kind === 'error') throw restErrorOfProto(outcome.error);
    const now = Date.now();
    const job = new Job(reference, configuration, outcome, now, now + this.options.jobLatencyMs, (done) => this.commit(done, fields));
    this.jobs.add(job);
    return job;
  }

  private outcomeOf(projectId: string, fields: QueryFields): JobOutcome {
    const result = this.evaluate(projectId, fields);
    const bytesBilled = billedBytes(result.bytesProcessed);
    const limit = fields.maximumBytesBilled === undefined ? undefined : Number(fields.maximumBytesBilled);
    if (limit !== undefined && Number.isFinite(limit) && bytesBilled > limit) {
      return {
        kind: 'error',
        error: { reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${limit}. ${bytesBilled} or higher required.` },
      };
    }
    const destination = this.destinationOf(projectId, fields);
    const stored = this.options.catalog.tables.get(destination);
    const disposition = String(fields.writeDisposition ?? 'WRITE_EMPTY').toUpperCase();
    if (fields.destinationTable && disposition === 'WRITE_EMPTY' && stored && stored.numRows > 0) {
      return { kind: 'error', error: { reason: 'duplicate', message: `Already Exists: Table ${destination.projectId}:${destination.datasetId}.${destination.tableId}` } };
    }
    return { kind: 'result', table: result.table, destination, bytesProcessed: result.bytesProcessed, bytesBilled };
  }

  /** Writes a finished job's rows to its destination table. */
  private commit(outcome: JobOutcome, fields: QueryFields): void {
    if (outcome.kind !== 'result') return;
    const tables = this.options.catalog.tables;
    const append = String(fields.writeDisposition ?? '').toUpperCase() === 'WRITE_APPEND' && tables.get(outcome.destination);
    if (append) tables.append(outcome.destination, outcome.table);
    else tables.put(outcome.destination, outcome.table);
  }

  private evaluate(projectId: string, fields: QueryFields): QueryResult {
    if (typeof fields.query !== 'string' || fields.query.trim() === '') throw invalid('Required parameter is missing: query');
    // The REST API's default dialect is legacy SQL; a #standardSQL first line picks GoogleSQL too.
    if (fields.useLegacySql !== false && !/^\s*#standardSQL\b/i.test(fields.query)) {
      throw invalid('The bqread emulator runs GoogleSQL only: set useLegacySql to false (the REST API defaults to legacy SQL)');
    }
    const canned = this.options.catalog.cannedResult(fields.query);
    if (canned) return { table: canned, bytesProcessed: tableBytes(canned) };
    const parameters = Array.isArray(fields.queryParameters) ? fields.queryParameters as QueryParameter[] : [];
    const dataset = fields.defaultDataset;
    const defaultDataset = dataset?.datasetId ? { projectId: dataset.projectId ?? projectId, datasetId: dataset.datasetId } : undefined;
    return runQuery(fields.query, {
      defaultProject: projectId,
      defaultDataset,
      location: this.options.location,
      parameters: new QueryParameters(parameters, typeof fields.parameterMode === 'string' ? fields.parameterMode : undefined),
      lookup: (path) => this.options.catalog.lookup(path),
    });
  }

  private dryRun(projectId: string, location: string, query: QueryFields, configuration: Record<string, unknown>): object {
    const result = this.evaluate(projectId, query);
    return {
      kind: 'bigquery#job',
      jobReference: { projectId, location },
      configuration: { ...configuration, jobType: 'QUERY', dryRun: true },
      status: { state: 'DONE' },
      statistics: {
        totalBytesProcessed: String(result.bytesProcessed),
        query: { totalBytesProcessed: String(result.bytesProcessed), totalBytesBilled: '0', cacheHit: false, statementType: 'SELECT', schema: schemaJson(result.table.schema) },
      },
    };
  }

  /**
   * A destination table: the request's, or an anonymous one in the project's `_`-prefixed hidden
   * dataset, as BigQuery writes query results (https://cloud.google.com/bigquery/docs/cached-results).
   */
  private destinationOf(projectId: string, fields: QueryFields): TablePath {
    const named = fields.destinationTable;
    if (named) {
      if (!named.datasetId || !named.tableId) throw invalid('destinationTable needs datasetId and tableId');
      return { projectId: named.projectId ?? projectId, datasetId: named.datasetId, tableId: named.tableId };
    }
    const datasetId = `_${createHash('sha1').update(projectId).digest('hex')}`;
    return { projectId, datasetId, tableId: `anon${randomBytes(20).toString('hex')}` };
  }

  /** A page of a job's result once it is DONE, waiting for it at most timeoutMs. */
  private async page(job: Job, kind: string, request: PageRequest): Promise<object> {
    if (job.state(Date.now()) !== 'DONE') {
      const waited = new AbortController();
      await Promise.race([job.settled, sleep(request.timeoutMs ?? DEFAULT_WAIT_MS, undefined, { ref: false, signal: waited.signal }).catch(() => undefined)]);
      waited.abort();
    }
    const outcome = job.outcome();
    if (!outcome) return { kind, jobReference: job.reference, jobComplete: false };
    if (outcome.kind === 'error') throw restErrorOfProto(outcome.error);
    const table = outcome.table;
    return {
      kind,
      schema: schemaJson(table.schema),
      jobReference: job.reference,
      ...rowsPage(table, request),
      totalBytesProcessed: String(outcome.bytesProcessed),
      jobComplete: true,
      cacheHit: false,
    };
  }

  /**
   * tabledata.list: a page of a table's rows, of the `selectedFields` (top-level columns, comma
   * separated) when given; a view has none to list, as the service says.
   */
  listRows(path: TablePath, request: PageRequest, selectedFields: string | undefined): object {
    if (this.options.catalog.view(path)) throw invalid('Cannot list a table of type VIEW.');
    const stored = this.options.catalog.tables.get(path);
    if (!stored) throw notFound(`Not found: Table ${path.projectId}:${path.datasetId}.${path.tableId}`);
    const table = stored.asTable();
    return { kind: 'bigquery#tableDataList', ...rowsPage(selectedFields ? selectColumns(table, selectedFields) : table, request) };
  }
}

function selectColumns(table: arrow.Table, selectedFields: string): arrow.Table {
  const names = table.schema.fields.map((field) => field.name.toLowerCase());
  const indices = selectedFields.split(',').map((name) => name.trim()).filter((name) => name !== '').map((name) => {
    if (name.includes('.')) throw invalid(`selectedFields ${name}: the bqread emulator lists whole top-level columns only`);
    const index = names.indexOf(name.toLowerCase());
    if (index < 0) throw invalid(`selectedFields ${name} does not name a column of the table`);
    return index;
  });
  return table.selectAt(indices);
}

/** Arrow bytes of a table's buffers, the emulator's stand-in for BigQuery's logical bytes. */
const tableBytes = (table: arrow.Table): number => table.batches.reduce((n, batch) => n + dataBytes(batch.data), 0);

const newJobId = () => `job_${randomBytes(18).toString('base64url')}`;

function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw invalid(`Invalid value for ${key}: ${JSON.stringify(value)}`);
  return number;
}

function pick(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]));
}

