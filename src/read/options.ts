import type { ResourceLimits } from 'node:worker_threads';
import { resolveConnection, type ConnectionConfig, type ConnectionOptions } from '../client/connection.js';
import { DEFAULT_RETRY, type RetrySettings } from '../client/retry.js';
import { formatTablePath, type TablePath } from '../protocol/names.js';
import { parseTableReference, type TableReference } from '../table-ref.js';
import { ReadOptionsError } from './errors.js';
import type { ReadPool } from './pool.js';
import type { ReadProgress } from './stats.js';

/** Anything that can hand out OAuth access tokens (a google-auth-library AuthClient, for one). */
export interface AccessTokenSource {
  getAccessToken(): Promise<{ token?: string | null } | string>;
}

export type Compression = 'lz4' | 'zstd' | 'none';
/** How picosecond TIMESTAMP columns (TIMESTAMP(12)) arrive; other columns are untouched. */
export type PicosTimestampPrecision = 'micros' | 'nanos' | 'picos';

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
  /**
   * Fewest streams wanted when the service decides; default the streams the pool reads at once
   * (workers x streams per worker) when `maxStreams` is 0, and not sent otherwise (the service
   * refuses a minimum above the maximum).
   */
  readonly preferredMinStreams?: number;
  /**
   * Most worker threads for a pool bqread creates (conflicts with `pool`); default available cores.
   * A read starts as many as its session is worth, none for a small one; 0 reads every session on
   * the calling thread.
   */
  readonly workers?: number;
  /** V8 heap limits for each worker thread of a pool bqread creates (conflicts with `pool`). */
  readonly workerResourceLimits?: ResourceLimits;
  /** Streams read at once; default the pool's capacity (workers x streams per worker). */
  readonly concurrency?: number;
  /** Arrow buffer compression on the wire; default none (loopback and LAN are faster uncompressed). */
  readonly compression?: Compression;
  /**
   * Picosecond TIMESTAMP columns as microsecond (default) or nanosecond Arrow timestamps, truncated,
   * or as ISO 8601 text with every digit (`picos`).
   */
  readonly picosTimestampPrecision?: PicosTimestampPrecision;
  /** Bytes of decoded batches held between the workers and the consumer; default 256 MiB. */
  readonly maxBufferedBytes?: number;
  readonly signal?: AbortSignal;
  /** Called after each batch arrives; an exception it throws ends the read with a CallbackError. */
  readonly onProgress?: (progress: ReadProgress) => void;
  /** Project that owns (and pays for) the read session; default the table's project. */
  readonly billingProject?: string;
  /** OAuth tokens from your own auth client, asked for on every connect and reconnect (conflicts with `token`, `keyFilename`, `credentials`). */
  readonly authClient?: AccessTokenSource;
  readonly retry?: Partial<RetrySettings>;
  /** A pool to run on (kept open afterwards); default a pool created and closed by this read. */
  readonly pool?: ReadPool;
  /** Streaming form only: yield batches stream by stream in session order instead of as they arrive. */
  readonly ordered?: boolean;
  /** Deadline for CreateReadSession, including connecting; default 60 s. */
  readonly sessionTimeoutMs?: number;
  /** Times one stream is resumed on a fresh worker after its worker thread died; default 3. */
  readonly maxWorkerRestarts?: number;
  /**
   * Split a stream in flight (SplitReadStream) when a stream slot would otherwise sit idle and the
   * split ends the read sooner; default true. See the README's "Rebalancing".
   */
  readonly rebalance?: boolean;
}

/** The one table of defaults. */
export const DEFAULT_READ_OPTIONS = {
  maxStreams: 0,
  compression: 'none',
  maxBufferedBytes: 256 * 1024 * 1024,
  ordered: false,
  sessionTimeoutMs: 60_000,
  maxWorkerRestarts: 3,
  rebalance: true,
  retry: DEFAULT_RETRY,
} as const satisfies Partial<ReadOptions>;

/** A read's options, validated, with every default filled in. */
export interface ResolvedReadOptions {
  readonly table: TablePath;
  /** `projects/P/datasets/D/tables/T`. */
  readonly tableName: string;
  readonly connection: ConnectionConfig;
  readonly tokenSource?: AccessTokenSource;
  readonly billingProject: string;
  readonly selectedFields: readonly string[];
  readonly rowRestriction: string;
  readonly snapshotTime?: Date;
  readonly samplePercentage?: number;
  readonly maxStreams: number;
  /** Undefined: the pool's stream slots when maxStreams is 0, else none. */
  readonly preferredMinStreams?: number;
  readonly workers?: number;
  readonly workerResourceLimits?: ResourceLimits;
  readonly concurrency?: number;
  readonly compression: Compression;
  readonly picosTimestampPrecision?: PicosTimestampPrecision;
  readonly maxBufferedBytes: number;
  readonly ordered: boolean;
  readonly sessionTimeoutMs: number;
  readonly maxWorkerRestarts: number;
  readonly rebalance: boolean;
  readonly retry: RetrySettings;
  readonly pool?: ReadPool;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReadProgress) => void;
}

function integer(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    throw new ReadOptionsError(`${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer (got ${value})`);
  }
}

function rejectConflicts(options: ReadOptions): void {
  const conflicts: [keyof ReadOptions, keyof ReadOptions][] = [
    ['authClient', 'token'],
    ['authClient', 'keyFilename'],
    ['authClient', 'credentials'],
    ['token', 'keyFilename'],
    ['token', 'credentials'],
    ['keyFilename', 'credentials'],
    ['pool', 'workers'],
    ['pool', 'workerResourceLimits'],
  ];
  for (const [a, b] of conflicts) {
    if (options[a] !== undefined && options[b] !== undefined) {
      throw new ReadOptionsError(`${a} and ${b} cannot be used together: choose one`);
    }
  }
}

function resolveRetry(given: Partial<RetrySettings> | undefined): RetrySettings {
  const retry = { ...DEFAULT_READ_OPTIONS.retry, ...given };
  integer('retry.maxRetries', retry.maxRetries, 0);
  if (!(retry.initialBackoffMs >= 0 && retry.maxBackoffMs >= retry.initialBackoffMs && retry.backoffMultiplier >= 1)) {
    throw new ReadOptionsError('retry settings need 0 <= initialBackoffMs <= maxBackoffMs and backoffMultiplier >= 1');
  }
  return retry;
}

function resolveConnectionOrThrow(options: ReadOptions): ConnectionConfig {
  let connection: ConnectionConfig;
  try {
    connection = resolveConnection(options);
  } catch (err) {
    throw new ReadOptionsError((err as Error).message, { cause: err });
  }
  if (connection.auth.kind === 'google' && !connection.tls) {
    throw new ReadOptionsError('keyFilename and credentials need TLS: set tls: true, or drop them for an emulator');
  }
  // The caller's auth client lives on this thread: workers ask the coordinator for its tokens.
  return options.authClient ? { ...connection, auth: { kind: 'brokered' } } : connection;
}

/** Validates a read's options (nothing is sent before this passes) and fills in the defaults. */
export function resolveReadOptions(reference: TableReference, options: ReadOptions): ResolvedReadOptions {
  rejectConflicts(options);
  integer('maxStreams', options.maxStreams, 0);
  integer('preferredMinStreams', options.preferredMinStreams, 0);
  integer('workers', options.workers, 0);
  if (options.workers === 0 && options.workerResourceLimits) {
    throw new ReadOptionsError('workers: 0 reads on the calling thread, which workerResourceLimits cannot limit: give workers >= 1 or drop them');
  }
  integer('concurrency', options.concurrency, 1);
  integer('maxBufferedBytes', options.maxBufferedBytes, 1);
  integer('sessionTimeoutMs', options.sessionTimeoutMs, 1);
  integer('maxWorkerRestarts', options.maxWorkerRestarts, 0);
  const maxStreams = options.maxStreams ?? DEFAULT_READ_OPTIONS.maxStreams;
  if (maxStreams > 1000) throw new ReadOptionsError(`maxStreams must be at most 1000, the service's limit (got ${maxStreams})`);
  if (options.preferredMinStreams !== undefined && maxStreams > 0 && options.preferredMinStreams > maxStreams) {
    throw new ReadOptionsError(
      `preferredMinStreams (${options.preferredMinStreams}) must not exceed maxStreams (${maxStreams}): the service refuses it`,
    );
  }
  if (options.samplePercentage !== undefined && !(options.samplePercentage > 0 && options.samplePercentage <= 100)) {
    throw new ReadOptionsError(`samplePercentage must be in (0, 100] (got ${options.samplePercentage})`);
  }
  if (options.compression !== undefined && !['lz4', 'zstd', 'none'].includes(options.compression)) {
    throw new ReadOptionsError(`compression must be lz4, zstd or none (got ${options.compression})`);
  }
  if (options.picosTimestampPrecision !== undefined && !['micros', 'nanos', 'picos'].includes(options.picosTimestampPrecision)) {
    throw new ReadOptionsError(`picosTimestampPrecision must be micros, nanos or picos (got ${options.picosTimestampPrecision})`);
  }
  const snapshotTime = options.snapshotTime === undefined ? undefined : new Date(options.snapshotTime);
  if (snapshotTime && Number.isNaN(snapshotTime.getTime())) {
    throw new ReadOptionsError(`snapshotTime is not a valid time (got ${String(options.snapshotTime)})`);
  }
  if (options.selectedFields?.some((f) => typeof f !== 'string' || f.trim() === '')) {
    throw new ReadOptionsError('selectedFields must be non-empty field names');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new ReadOptionsError('onProgress must be a function');
  }
  if (options.rebalance !== undefined && typeof options.rebalance !== 'boolean') {
    throw new ReadOptionsError(`rebalance must be true or false (got ${String(options.rebalance)})`);
  }
  const table = parseTableReference(reference);
  return {
    table,
    tableName: formatTablePath(table),
    connection: resolveConnectionOrThrow(options),
    tokenSource: options.authClient,
    billingProject: options.billingProject ?? table.projectId,
    selectedFields: options.selectedFields ?? [],
    rowRestriction: options.rowRestriction ?? '',
    snapshotTime,
    samplePercentage: options.samplePercentage,
    maxStreams,
    preferredMinStreams: options.preferredMinStreams,
    workers: options.workers,
    workerResourceLimits: options.workerResourceLimits,
    concurrency: options.concurrency,
    compression: options.compression ?? DEFAULT_READ_OPTIONS.compression,
    picosTimestampPrecision: options.picosTimestampPrecision,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_READ_OPTIONS.maxBufferedBytes,
    ordered: options.ordered ?? DEFAULT_READ_OPTIONS.ordered,
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_READ_OPTIONS.sessionTimeoutMs,
    maxWorkerRestarts: options.maxWorkerRestarts ?? DEFAULT_READ_OPTIONS.maxWorkerRestarts,
    rebalance: options.rebalance ?? DEFAULT_READ_OPTIONS.rebalance,
    retry: resolveRetry(options.retry),
    pool: options.pool,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

/**
 * The preferred minimum a session request carries: enough streams to fill the pool's `slots`
 * (streams it reads at once), and never above a non-zero maximum.
 */
export function preferredMinStreamsFor(options: ResolvedReadOptions, slots: number): number {
  if (options.preferredMinStreams !== undefined) return options.preferredMinStreams;
  return options.maxStreams === 0 ? slots : 0;
}
