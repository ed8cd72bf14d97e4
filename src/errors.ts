// The base of every error bqread throws, at the bottom floor so the reader, the sinks, the table
// references and the emulator's sources all extend it without importing one another.

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

// gRPC's status codes, fixed by the protocol (grpc/doc/statuscodes.md); listed here so that the
// sinks' and the emulator's entries, which extend this class, do not load grpc-js for the names.
const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

export const statusName = (code: number | undefined): string | undefined =>
  code === undefined ? undefined : STATUS_NAMES[code] ?? String(code);

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
