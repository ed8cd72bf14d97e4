// BigQuery's REST calls a query read makes, over Node's own fetch with google-auth-library's
// headers (the README's "The REST client" says why not @google-cloud/bigquery). Every call is
// idempotent (jobs.insert names its job), so a dropped connection or a 5xx is retried with the
// read's backoff; an answer that is an error becomes one typed error with BigQuery's reason.
import { setTimeout as sleep } from 'node:timers/promises';
import { status as Status } from '@grpc/grpc-js';
import { backoffMs, type RetrySettings } from '../client/retry.js';
import { abortError, EndpointUnreachableError } from '../read/errors.js';
import { BigQueryApiError, QueryError, type BigQueryErrorEntry } from './errors.js';
import type { RestEndpoint } from './rest-endpoint.js';
import type { Job, JobReference, QueryResults } from './rest-types.js';

/** The gRPC status closest to an HTTP one (google.rpc.Code's mapping), so exit codes and `status` read as for a Read API failure. */
const GRPC_OF_HTTP: Readonly<Record<number, number>> = {
  400: Status.INVALID_ARGUMENT, 401: Status.UNAUTHENTICATED, 403: Status.PERMISSION_DENIED, 404: Status.NOT_FOUND,
  409: Status.ALREADY_EXISTS, 429: Status.RESOURCE_EXHAUSTED, 500: Status.INTERNAL, 501: Status.UNIMPLEMENTED,
  503: Status.UNAVAILABLE, 504: Status.DEADLINE_EXCEEDED,
};

/**
 * The gRPC status of BigQuery's error reasons (https://cloud.google.com/bigquery/docs/error-messages),
 * where the HTTP status says less: quotaExceeded and rateLimitExceeded are 403s but no permission problem.
 */
const GRPC_OF_REASON: Readonly<Record<string, number>> = {
  invalidQuery: Status.INVALID_ARGUMENT, invalid: Status.INVALID_ARGUMENT, bytesBilledLimitExceeded: Status.INVALID_ARGUMENT,
  responseTooLarge: Status.INVALID_ARGUMENT, notFound: Status.NOT_FOUND, duplicate: Status.ALREADY_EXISTS,
  accessDenied: Status.PERMISSION_DENIED, billingNotEnabled: Status.PERMISSION_DENIED, quotaExceeded: Status.RESOURCE_EXHAUSTED,
  rateLimitExceeded: Status.RESOURCE_EXHAUSTED, stopped: Status.CANCELLED, backendError: Status.INTERNAL,
  internalError: Status.INTERNAL, timeout: Status.DEADLINE_EXCEEDED,
};

/** The gRPC status of an error reason (a failed job's errorResult has no HTTP status). */
export const grpcCodeOfReason = (reason: string | undefined): number | undefined =>
  reason === undefined ? undefined : GRPC_OF_REASON[reason] ?? Status.UNKNOWN;

// What the error-messages page says to retry with backoff: 5xx answers, backendError, rateLimitExceeded.
const RETRIED_HTTP: ReadonlySet<number> = new Set([500, 502, 503, 504]);
const RETRIED_REASONS: ReadonlySet<string> = new Set(['backendError', 'rateLimitExceeded']);

interface ErrorBody {
  readonly error?: { readonly code?: number; readonly message?: string; readonly errors?: BigQueryErrorEntry[] };
}

/** The error of a refused call; a refused query (invalidQuery) is a QueryError. */
function apiError(httpStatus: number, body: ErrorBody, what: string): BigQueryApiError {
  const errors = body.error?.errors ?? [];
  const message = body.error?.message ?? errors[0]?.message ?? `HTTP ${httpStatus}`;
  const reason = errors[0]?.reason;
  const context = { httpStatus, reason, errors, code: GRPC_OF_REASON[reason ?? ''] ?? GRPC_OF_HTTP[httpStatus] ?? Status.UNKNOWN };
  return reason === 'invalidQuery' ? new QueryError(message, context) : new BigQueryApiError(`${what} failed: ${message}`, context);
}

interface RestCallOptions {
  readonly signal?: AbortSignal;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
}

export class BigQueryRestClient {
  constructor(
    private readonly endpoint: RestEndpoint,
    private readonly retry: RetrySettings,
    /** Deadline of one HTTP request. */
    private readonly requestTimeoutMs: number,
  ) {}

  insertJob(projectId: string, job: unknown, signal?: AbortSignal): Promise<Job> {
    return this.call('POST', `projects/${enc(projectId)}/jobs`, 'jobs.insert', { body: job, signal });
  }

  getJob(ref: JobReference, signal?: AbortSignal): Promise<Job> {
    return this.call('GET', jobPath(ref), 'jobs.get', { query: { location: ref.location }, signal });
  }

  getQueryResults(ref: JobReference, query: { maxResults?: number; timeoutMs?: number; pageToken?: string }, signal?: AbortSignal): Promise<QueryResults> {
    return this.call('GET', `projects/${enc(ref.projectId)}/queries/${enc(ref.jobId)}`, 'jobs.getQueryResults', {
      // useInt64Timestamp: TIMESTAMP values as exact microseconds, not float seconds (DataFormatOptions).
      query: { ...query, location: ref.location, 'formatOptions.useInt64Timestamp': true },
      signal,
    });
  }

  cancelJob(ref: JobReference, signal?: AbortSignal): Promise<{ job?: Job }> {
    return this.call('POST', `${jobPath(ref)}/cancel`, 'jobs.cancel', { query: { location: ref.location }, signal });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, what: string, options: RestCallOptions): Promise<T> {
    const url = new URL(`${this.endpoint.baseUrl}/bigquery/v2/${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const headers = { ...(await this.endpoint.headers()), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) };
      let response: Response;
      try {
        const signals = [AbortSignal.timeout(this.requestTimeoutMs), ...(options.signal ? [options.signal] : [])];
        response = await fetch(url, {
          method, headers, signal: AbortSignal.any(signals),
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (err) {
        if (options.signal?.aborted) throw abortError(options.signal);
        if (attempt <= this.retry.maxRetries) {
          await this.pause(attempt, options.signal);
          continue;
        }
        throw new EndpointUnreachableError(`cannot reach BigQuery's REST API at ${this.endpoint.baseUrl}: ${what}: ${causeText(err as Error)}`, {
          code: Status.UNAVAILABLE, retryable: true, cause: err,
        });
      }
      const text = await response.text();
      if (response.ok) return (text === '' ? {} : JSON.parse(text)) as T;
      const body = parseErrorBody(text);
      const retried = RETRIED_HTTP.has(response.status) || RETRIED_REASONS.has(body.error?.errors?.[0]?.reason ?? '');
      if (retried && attempt <= this.retry.maxRetries) {
        await this.pause(attempt, options.signal);
        continue;
      }
      throw apiError(response.status, body, what);
    }
  }

  private async pause(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    await sleep(backoffMs(attempt, this.retry), undefined, { signal }).catch(() => undefined);
  }
}

const enc = encodeURIComponent;

function jobPath(ref: JobReference): string {
  return `projects/${enc(ref.projectId)}/jobs/${enc(ref.jobId)}`;
}

function parseErrorBody(text: string): ErrorBody {
  try {
    return JSON.parse(text) as ErrorBody;
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}

/** fetch's TypeError says only "fetch failed"; the reason (ECONNREFUSED, ...) is its cause. */
function causeText(err: Error): string {
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}
