import { status as Status } from '@grpc/grpc-js';

export interface ReadErrorContext {
  /** gRPC status code, when the failure came from the service. */
  readonly code?: number;
  readonly table?: string;
  readonly stream?: string;
  readonly cause?: unknown;
}

const statusName = (code: number | undefined) => (code === undefined ? undefined : Status[code] ?? String(code));

/** Every failure of a read: carries the gRPC status, the table and (for stream failures) the stream. */
export class BqReadError extends Error {
  override name = 'BqReadError';
  readonly code?: number;
  readonly table?: string;
  readonly stream?: string;

  constructor(message: string, context: ReadErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = context.code;
    this.table = context.table;
    this.stream = context.stream;
  }

  /** The gRPC status name (NOT_FOUND, INVALID_ARGUMENT, ...), if any. */
  get status(): string | undefined {
    return statusName(this.code);
  }
}

/** Options that cannot work, found before anything is sent. */
export class ReadOptionsError extends BqReadError {
  override name = 'ReadOptionsError';
}

/** CreateReadSession was refused: unknown table or column, bad filter, bad snapshot time, ... */
export class SessionCreateError extends BqReadError {
  override name = 'SessionCreateError';
}

/** The endpoint could not be reached at all. */
export class EndpointUnreachableError extends BqReadError {
  override name = 'EndpointUnreachableError';
}

/** A stream failed permanently (or ran out of retries); the whole read was stopped. */
export class StreamReadError extends BqReadError {
  override name = 'StreamReadError';
  constructor(
    message: string,
    context: ReadErrorContext,
    readonly offset: number,
    readonly retries: number,
  ) {
    super(message, context);
  }
}

/** The caller's AbortSignal fired. */
export class ReadAbortedError extends BqReadError {
  override name = 'AbortError';
}

export function describeStatus(code: number | undefined, details: string): string {
  const name = statusName(code);
  return name ? `${name}: ${details}` : details;
}
