// A query's failures, each one typed: BigQuery's own error (reason, message, where in the SQL),
// and a REST call the service refused.
import { BqReadError, type ReadErrorContext } from '../errors.js';

/** One entry of BigQuery's ErrorProto (https://cloud.google.com/bigquery/docs/reference/rest/v2/ErrorProto). */
export interface BigQueryErrorEntry {
  readonly reason?: string;
  readonly message?: string;
  readonly location?: string;
}

/** A line and column in the query text, 1-based, as BigQuery's messages write them: `[3:15]`. */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

export interface RestErrorContext extends ReadErrorContext {
  /** The HTTP status of the response (400, 404, ...); undefined for a job's own errorResult. */
  readonly httpStatus?: number;
  /** BigQuery's reason of the first error: invalidQuery, notFound, accessDenied, ... */
  readonly reason?: string;
  readonly errors?: readonly BigQueryErrorEntry[];
  /** `projects/P/jobs/ID`, when the failure belongs to a job. */
  readonly job?: string;
}

/** A call to BigQuery's REST API that the service answered with an error (or that never got an answer). */
export class BigQueryApiError extends BqReadError {
  override name = 'BigQueryApiError';
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly errors: readonly BigQueryErrorEntry[];
  readonly job?: string;

  constructor(message: string, context: RestErrorContext = {}) {
    super(message, context);
    this.httpStatus = context.httpStatus;
    this.reason = context.reason;
    this.errors = context.errors ?? [];
    this.job = context.job;
  }
}

// BigQuery writes a query's position as "at [LINE:COLUMN]" in the message.
const POSITION = /\[(\d+):(\d+)\]/;

/** The query failed: BigQuery's reason (invalidQuery, ...), message and, when it gave one, the position in the SQL. */
export class QueryError extends BigQueryApiError {
  override name = 'QueryError';
  readonly position?: SqlPosition;

  constructor(message: string, context: RestErrorContext = {}) {
    super(message, context);
    const at = POSITION.exec(message);
    if (at) this.position = { line: Number(at[1]), column: Number(at[2]) };
  }
}
