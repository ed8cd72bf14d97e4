// How a failed command ends: one line on stderr (the stack only with --verbose) and an exit code
// a script can branch on.
import { status as Status } from '@grpc/grpc-js';
import { CommanderError } from 'commander';
import {
  BqReadError, CallbackError, EndpointUnreachableError, ReadAbortedError, ReadOptionsError, SessionCreateError, SessionExpiredError, StreamReadError,
  WorkerThreadsGoneError,
} from '../read/errors.js';
import { PlanError } from '../plan/plan-error.js';
import { BigQueryApiError } from '../query/errors.js';
import { SinkOutputError } from '../sinks/output.js';
import { CsvNestedDataError } from '../sinks/csv-nested-error.js';
import { UsageError } from './read-flags.js';

export const EXIT = {
  OK: 0,
  /** Anything not classified below. */
  FAILED: 1,
  /** Bad flags, bad table name, an option the reader rejects, CSV of nested data, a plan file that is no plan. */
  USAGE: 2,
  /** The service refused the session (no such table or column, bad filter, bad snapshot time; a plan's session expired) or the query (a bad query, its job failed), or the table is a view. */
  REFUSED: 3,
  /** Credentials missing, invalid or without permission. */
  AUTH: 4,
  /** The endpoint could not be reached. */
  UNREACHABLE: 5,
  /** The output could not be written. */
  OUTPUT: 6,
  /** A stream failed during the read (after retries). */
  READ: 7,
  /** Stopped by a signal, the work cleaned up: 128 + the signal's number, as a shell reports it. */
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

// Every error bqread throws is a BqReadError; these are the read's own failures (a table file the
// emulator cannot load, or a type no sink writes, is not).
const READ_FAILURES = [StreamReadError, WorkerThreadsGoneError, CallbackError, ReadAbortedError];

const AUTH_CODES: ReadonlySet<number> = new Set([Status.UNAUTHENTICATED, Status.PERMISSION_DENIED]);

export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (err instanceof UsageError || err instanceof ReadOptionsError || err instanceof CsvNestedDataError || err instanceof PlanError) return EXIT.USAGE;
  if (err instanceof BqReadError && err.code !== undefined && AUTH_CODES.has(err.code)) return EXIT.AUTH;
  if (err instanceof EndpointUnreachableError) return EXIT.UNREACHABLE;
  if (err instanceof SessionCreateError || err instanceof SessionExpiredError || err instanceof BigQueryApiError) return EXIT.REFUSED;
  if (err instanceof SinkOutputError) return EXIT.OUTPUT;
  if (READ_FAILURES.some((kind) => err instanceof kind)) return EXIT.READ;
  return EXIT.FAILED;
}

/** Replaces every secret (a token, a key) that made its way into `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** The message as one line: the first line, with the gRPC status the error carries. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'failed';
}

export function reportFailure(err: unknown, options: { verbose?: boolean; secrets?: readonly (string | undefined)[] } = {}): number {
  const code = exitCodeOf(err);
  // Commander has already printed its own one-line message.
  if (err instanceof CommanderError) return code;
  const secrets = options.secrets ?? [];
  const text = options.verbose && err instanceof Error ? describeWithCauses(err) : oneLine(err);
  process.stderr.write(`bqread: ${redact(text, secrets)}\n`);
  return code;
}

function describeWithCauses(err: Error): string {
  let text = err.stack ?? err.message;
  for (let cause = err.cause; cause instanceof Error; cause = cause.cause) text += `\ncaused by: ${cause.stack ?? cause.message}`;
  return text;
}
