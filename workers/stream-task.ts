import type { MessagePort } from 'node:worker_threads';
import type { LayoutPlan } from '../src/arrow/message-layout.js';
import type { PackedBatch } from '../src/arrow/packed-batch.js';
import type { ConnectionConfig } from '../src/client/connection.js';
import type { RetrySettings } from '../src/client/retry.js';
import type { OutputPlan } from '../src/sinks/output-plan.js';

/** The contract of the worker (entry.ts, read-stream.ts): what the coordinator sends it and gets back. */

export interface StreamTask {
  /** Batches, retry notices and token requests go out on it; credits, tokens and cancellation come in. */
  readonly port: MessagePort;
  /** With `auth.kind === 'brokered'` the worker asks for a token on the port before each call. */
  readonly connection: ConnectionConfig;
  readonly stream: string;
  /** Row offset to start at: 0, or where a previous attempt's delivered rows end. */
  readonly offset: number;
  /** The session's Arrow schema message, which every record batch message is decoded against. */
  readonly schemaMessage: Uint8Array;
  /** Whether the session's Arrow buffers are compressed (the worker loads the codecs only then). */
  readonly compressedBuffers: boolean;
  /**
   * How to lay out each batch straight from its message, made by the coordinator from the session's
   * schema. Absent (compressed buffers, a type only arrow decodes): arrow decodes every batch, and
   * only then does the worker load apache-arrow.
   */
  readonly layoutPlan?: LayoutPlan;
  /**
   * The read is written to a file: the worker sends each batch as the output's bytes instead (its
   * rows as NDJSON or CSV text, or the Parquet writer's input), loading what makes them only then,
   * so the coordinator only writes bytes.
   */
  readonly output?: OutputPlan;
  readonly retry: RetrySettings;
  /** Bytes the worker may send before it waits for more credit. */
  readonly initialCredit: number;
}

export interface StreamTaskError {
  readonly code: number;
  readonly details: string;
  /** The failure was retryable but the stream ran out of retries. */
  readonly retriesExhausted: boolean;
}

export interface StreamTaskResult {
  status: 'done' | 'cancelled' | 'failed';
  /** The stream the task ended on: its own, or the split's primary it switched to. */
  stream: string;
  /** Rows sent to the coordinator by this task (from the task's offset). */
  rows: number;
  /** Bytes sent to the coordinator: Arrow, or the output's when the task has `output`. */
  bytes: number;
  batches: number;
  retries: number;
  maxThrottlePercent: number;
  ms: number;
  /** Bytes that were still readable in the worker after posting: zero when every batch was transferred. */
  bytesNotDetached: number;
  error?: StreamTaskError;
}

export type WorkerMessage =
  | {
      readonly type: 'batch';
      readonly packed: PackedBatch;
      /** Stream offset of the batch's first row. */
      readonly offset: number;
      /** Wire size of the ReadRows response it came in. */
      readonly responseBytes: number;
      /** The service's stats.progress.at_response_end: the fraction of the stream read after this batch. */
      readonly progress?: number;
    }
  /** The task now reads `stream`, a split's primary, at the same offsets (answer to a `switch`). */
  | { readonly type: 'switched'; readonly stream: string }
  /**
   * The task stays on its stream: the primary refused its offset (FAILED_PRECONDITION: it had read
   * past the split point), another error, or the task's stream ended first.
   */
  | { readonly type: 'switch-refused'; readonly stream: string; readonly reason: string }
  | {
      readonly type: 'output';
      /** The batch as the output's bytes (see StreamTask.output); its buffer is transferred. */
      readonly output: Uint8Array;
      readonly rows: number;
      /** Size of the Arrow batch the output was made from. */
      readonly arrowBytes: number;
      readonly offset: number;
      readonly responseBytes: number;
      /** As a batch's. */
      readonly progress?: number;
    }
  | { readonly type: 'retry'; readonly code: number; readonly details: string; readonly offset: number; readonly delayMs: number }
  /** Brokered auth: a token for the call about to be made. */
  | { readonly type: 'token-request' };

export type CoordinatorMessage =
  | { readonly type: 'credit'; readonly bytes: number }
  | { readonly type: 'cancel' }
  /** Move to `stream`, the primary of a split of the stream being read, if it has the task's offset. */
  | { readonly type: 'switch'; readonly stream: string }
  /** The answer to a token request (a failing auth client ends the whole read instead). */
  | { readonly type: 'token'; readonly token: string };

/**
 * Posted to the pool by each worker thread once its modules have loaded (entry.ts). Terminating a
 * thread while it still loads its modules can abort the whole process (Node's require of an ES
 * module, which piscina uses, hits a V8 fatal error), so the pool waits for it before it
 * terminates threads.
 */
export const WORKER_LOADED = 'bqread:worker-loaded';
export interface WorkerLoadedMessage {
  readonly type: typeof WORKER_LOADED;
  readonly threadId: number;
}
