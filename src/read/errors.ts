import { status as Status } from '@grpc/grpc-js';

/** What an error knows about where the read failed; every field is optional. */
export interface ReadErrorContext {
  /** gRPC status code, when the failure came from the service. */
  readonly code?: number;
  /** The table as `projects/P/datasets/D/tables/T`. */
  readonly table?: string;
  /** The read stream's resource name. */
  readonly stream?: string;
  /** Row offset in the stream where reading stopped (rows before it were delivered). */
  readonly offset?: number;
  /** Retries the stream made before this failure. */
  readonly retries?: number;
  /** Whether the same call could succeed if tried again later (retries ran out, a worker kept dying). */
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

const statusName = (code: number | undefined) => (code === undefined ? undefined : Status[code] ?? String(code));

/** Every error bqread throws: carries the gRPC status, the table, the stream and the offset as named fields. */
export class BqReadError extends Error {
  override name = 'BqReadError';
  readonly code?: number;
  readonly table?: string;
  readonly stream?: string;
  readonly offset?: number;
  readonly retries?: number;
  readonly retryable: boolean;

  constructor(message: string, context: ReadErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = context.code;
    this.table = context.table;
    this.stream = context.stream;
    this.offset = context.offset;
    this.retries = context.retries;
    this.retryable = context.retryable ?? false;
  }

  /** The gRPC status name (NOT_FOUND, INVALID_ARGUMENT, ...), if any. */
  get status(): string | undefined {
    return statusName(this.code);
  }
}

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
  const name = statusName(code);
  return name ? `${name}: ${details}` : details;
}

export function abortError(signal: AbortSignal): ReadAbortedError {
  const reason = signal.reason as { message?: unknown } | undefined;
  return new ReadAbortedError(`read aborted: ${String(reason?.message ?? reason ?? 'aborted')}`, { cause: signal.reason });
}
