import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { retryDelayFromMetadata } from '../protocol/status-details.js';

export interface RetrySettings {
  /** Failed attempts in a row (with no rows received between them) before a stream gives up. */
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 10,
  initialBackoffMs: 100,
  maxBackoffMs: 30_000,
  backoffMultiplier: 2,
};

export interface RetryDecision {
  readonly retryable: boolean;
  /** The delay the server asked for (RetryInfo), which replaces the backoff. */
  readonly serverDelayMs?: number;
}

// Transport failures surface as UNKNOWN or INTERNAL depending on where the connection broke.
const TRANSPORT_FAILURE = /RST_STREAM|stream removed|ECONNRESET|EPIPE|socket hang up|connection (?:dropped|closed|reset)|transport|GOAWAY/i;

// The INTERNAL messages Google's clients resume a ReadRows on: RST_STREAM (python-bigquery-storage's
// reader), and a stream cut mid-frame (java-bigquerystorage's ReadRowsHelper retry test retries
// "Received unexpected EOS on DATA frame from server.").
const INTERNAL_TRANSIENT = /RST_STREAM|Received unexpected EOS on DATA frame/i;

/**
 * Which ReadRows failures resume at the current offset: the set Google's Python client resumes on
 * (UNAVAILABLE; INTERNAL naming RST_STREAM or an unexpected EOS; RESOURCE_EXHAUSTED carrying RetryInfo), plus UNKNOWN
 * when it comes from a broken transport.
 */
export function classifyReadError(err: Partial<ServiceError>): RetryDecision {
  const message = `${err.details ?? ''} ${err.message ?? ''}`;
  switch (err.code) {
    case Status.UNAVAILABLE:
      return { retryable: true };
    case Status.INTERNAL:
      return { retryable: INTERNAL_TRANSIENT.test(message) };
    case Status.UNKNOWN:
      return { retryable: TRANSPORT_FAILURE.test(message) };
    case Status.RESOURCE_EXHAUSTED: {
      const serverDelayMs = retryDelayFromMetadata(err.metadata);
      return serverDelayMs === undefined ? { retryable: false } : { retryable: true, serverDelayMs };
    }
    default:
      return { retryable: false };
  }
}

/** Exponential backoff for the `attempt`-th retry (1-based), jittered between half and all of the step so streams do not retry in lockstep. */
export function backoffMs(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * settings.backoffMultiplier ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
