import type { ConnectionOptions } from '../client/connection.js';
import { DEFAULT_RETRY, type RetrySettings } from '../client/retry.js';
import { ReadOptionsError } from './errors.js';
import type { ReadPool } from './pool.js';
import type { ReadProgress } from './stats.js';

/** Anything that can hand out OAuth access tokens (a google-auth-library AuthClient, for one). */
export interface AccessTokenSource {
  getAccessToken(): Promise<{ token?: string | null } | string>;
}

export interface ReadOptions extends ConnectionOptions {
  /** Columns to read: top-level names or nested `record.field` paths; default all. */
  readonly selectedFields?: readonly string[];
  /** A SQL filter evaluated by the service (`state = 'CA' AND amount > 10`). */
  readonly rowRestriction?: string;
  /** Read the table as of this time (time travel). */
  readonly snapshotTime?: Date | string | number;
  /** Read a sample of the table's rows, 0 < p <= 100. */
  readonly samplePercentage?: number;
  /** Most streams the session may have; default 0, which lets the service decide. */
  readonly maxStreams?: number;
  /** Fewest streams wanted when the service decides; default the number of worker threads. */
  readonly preferredMinStreams?: number;
  /** Worker threads for a pool bqread creates (ignored with `pool`); default available cores. */
  readonly workers?: number;
  /** Streams read at once; default the pool's capacity (workers x streams per worker). */
  readonly concurrency?: number;
  /** Arrow buffer compression on the wire; default none (loopback and LAN are faster uncompressed). */
  readonly compression?: 'lz4' | 'zstd' | 'none';
  /** Bytes of decoded batches held between the workers and the consumer; default 256 MiB. */
  readonly maxBufferedBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReadProgress) => void;
  /** Project that owns (and pays for) the read session; default the table's project. */
  readonly billingProject?: string;
  /** OAuth tokens from your own auth client: one for the session, then a fresh one for each stream as it starts. */
  readonly authClient?: AccessTokenSource;
  readonly retry?: Partial<RetrySettings>;
  /** A pool to run on (kept open afterwards); default a pool created and closed by this read. */
  readonly pool?: ReadPool;
  /** Streaming form only: yield batches stream by stream in session order instead of as they arrive. */
  readonly ordered?: boolean;
  /** Deadline for CreateReadSession, including connecting; default 60 s. */
  readonly sessionTimeoutMs?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;
export const DEFAULT_SESSION_TIMEOUT_MS = 60_000;

function positiveInteger(name: string, value: number | undefined, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ReadOptionsError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got ${value})`);
  }
}

export function validateReadOptions(options: ReadOptions): void {
  positiveInteger('maxStreams', options.maxStreams, true);
  positiveInteger('preferredMinStreams', options.preferredMinStreams, true);
  positiveInteger('workers', options.workers);
  positiveInteger('concurrency', options.concurrency);
  positiveInteger('maxBufferedBytes', options.maxBufferedBytes);
  positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs);
  if (options.maxStreams !== undefined && options.maxStreams > 1000) {
    throw new ReadOptionsError(`maxStreams must be at most 1000, the service's limit (got ${options.maxStreams})`);
  }
  if (options.samplePercentage !== undefined && !(options.samplePercentage > 0 && options.samplePercentage <= 100)) {
    throw new ReadOptionsError(`samplePercentage must be in (0, 100] (got ${options.samplePercentage})`);
  }
  if (options.compression !== undefined && !['lz4', 'zstd', 'none'].includes(options.compression)) {
    throw new ReadOptionsError(`compression must be lz4, zstd or none (got ${options.compression})`);
  }
  if (options.snapshotTime !== undefined && Number.isNaN(new Date(options.snapshotTime).getTime())) {
    throw new ReadOptionsError(`snapshotTime is not a valid time (got ${String(options.snapshotTime)})`);
  }
  if (options.selectedFields?.some((f) => typeof f !== 'string' || f.trim() === '')) {
    throw new ReadOptionsError('selectedFields must be non-empty field names');
  }
}

export function retrySettings(options: ReadOptions): RetrySettings {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  positiveInteger('retry.maxRetries', retry.maxRetries, true);
  if (!(retry.initialBackoffMs >= 0 && retry.maxBackoffMs >= retry.initialBackoffMs && retry.backoffMultiplier >= 1)) {
    throw new ReadOptionsError('retry settings need 0 <= initialBackoffMs <= maxBackoffMs and backoffMultiplier >= 1');
  }
  return retry;
}
