import { BqReadError, statusName, type ReadErrorContext } from '../errors.js';

export { BqReadError } from '../errors.js';

/** Options that cannot work, or that conflict, found before anything is sent. */
export class ReadOptionsError extends BqReadError {
  override name = 'ReadOptionsError';
}

/** A table reference that is not a BigQuery table name. */
export class TableReferenceError extends ReadOptionsError {
  override name = 'TableReferenceError';
}

/** CreateReadSession was refused: unknown table or column, bad filter, bad snapshot time, ... */
export class SessionCreateError extends BqReadError {
  override name = 'SessionCreateError';
}

/**
 * The table is a view (logical or materialized), which the Storage Read API does not read; the
 * message says how to read it: as a query (`readQuery('SELECT * FROM ...')`, `bqread query`), or
 * with `bqread read --materialize-view`.
 */
export class ViewReadError extends SessionCreateError {
  override name = 'ViewReadError';
}

/** The endpoint could not be reached at all. */
export class EndpointUnreachableError extends BqReadError {
  override name = 'EndpointUnreachableError';
}

/** A stream failed permanently (or ran out of retries or worker restarts); the whole read was stopped. */
export class StreamReadError extends BqReadError {
  override name = 'StreamReadError';
}

/** The pool has no worker thread left to read with (they died starting, e.g. under too small resourceLimits). */
export class WorkerThreadsGoneError extends BqReadError {
  override name = 'WorkerThreadsGoneError';
}

/** Code the caller gave bqread (an onProgress callback, an auth client) threw. */
export class CallbackError extends BqReadError {
  override name = 'CallbackError';
}

/** The caller's AbortSignal fired. */
export class ReadAbortedError extends BqReadError {
  override name = 'AbortError';
}

export function describeStatus(code: number | undefined, details: string): string {
  // grpc-js ends a failed connection's details with "Resolution note: " and whatever its resolver
  // noted, which for an IP address or a plain host name is nothing.
  const text = details.replace(/ Resolution note: *$/, '');
  const name = statusName(code);
  return name ? `${name}: ${text}` : text;
}

export function abortError(signal: AbortSignal): ReadAbortedError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
  return new ReadAbortedError(`read aborted: ${why}`, { cause: reason });
}

/**
 * The read session is gone: past its expire time (the service keeps one 6 hours), or unknown to the
 * service (a plan made against another endpoint). Its streams can no longer be read: make a new
 * session (or plan).
 */
export class SessionExpiredError extends BqReadError {
  override name = 'SessionExpiredError';
  /** The session's resource name. */
  readonly session: string;
  readonly expireTime?: Date;

  constructor(message: string, session: string, expireTime: Date | undefined, context: ReadErrorContext = {}) {
    super(message, context);
    this.session = session;
    this.expireTime = expireTime;
  }
}
