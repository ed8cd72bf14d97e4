import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type { MessagePort, ResourceLimits } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { ReadOptionsError, WorkerThreadsGoneError } from './errors.js';
import { WORKER_LOADED, type StreamTask, type StreamTaskResult, type WorkerLoadedMessage } from '../../workers/stream-task.js';

/**
 * Streams one worker thread reads at once unless told otherwise. The service serves each stream at
 * a limited pace, so a core is kept busy only by many streams at once: against an emulator pacing
 * each stream at 10 MiB/s, 2 workers reached the CPU's ceiling at 16 streams each, and at 30 MiB/s
 * at 8 (bench/stream-defaults.ts; figures in bench/README.md).
 */
export const DEFAULT_STREAMS_PER_WORKER = 16;

/**
 * The smallest old generation a worker may be given. With 2 MB, Node 24 aborts the whole process
 * while creating the worker's heap ("Fatal JavaScript out of memory: GC during deserialization");
 * with 8 MB each worker runs out of memory while loading, and Node 20 then at times crashes the
 * process in a background compile task of the dying isolate; 16 MB reads (measured on Node 20.20
 * and 24.21).
 */
const MIN_OLD_GENERATION_MB = 16;

/** How long close() waits for starting threads to load before it terminates them anyway. */
const THREAD_LOAD_TIMEOUT_MS = 30_000;

// piscina (15 modules) is loaded when a pool first starts threads: a read small enough for the
// calling thread, or `bqread head`, would load it before its session for nothing.
const require = createRequire(import.meta.url);

/** The piscina entry every worker thread runs. */
export const WORKER_FILE = new URL('../../workers/entry.js', import.meta.url).href;

export interface ReadPoolOptions {
  /** Most worker threads; default the machine's available parallelism. */
  readonly workers?: number;
  /**
   * Threads started at once; default `workers`, all of them. Fewer start a pool that grows (to at
   * most `workers`) when a read asks for more with grow(): a small read then never pays for N
   * threads. A pool a read makes for itself starts what its session is worth.
   */
  readonly startThreads?: number;
  /** Streams one worker thread reads at once (reads wait on the service between decodes); default 16. */
  readonly streamsPerWorker?: number;
  /**
   * V8 heap limits of each worker thread. A worker that runs past them dies alone (its streams are
   * resumed on a fresh one) instead of taking the process down with it.
   */
  readonly resourceLimits?: ResourceLimits;
}

/** A set of threads started together; piscina cannot add threads to a pool it made, so growing adds a group. */
interface ThreadGroup {
  readonly piscina: Piscina;
  readonly threads: number;
  /** Tasks handed to it and not settled. */
  running: number;
}

/**
 * The worker threads that read streams. Create one and pass it as `pool` to reuse the threads (and
 * their gRPC channels) across reads, e.g. an ETL job reading many tables; close() ends every worker.
 */
export class ReadPool {
  readonly workers: number;
  readonly streamsPerWorker: number;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly groups: ThreadGroup[] = [];
  private closing: Promise<void> | undefined;
  /** Threads that have loaded their modules (see WORKER_LOADED). */
  private readonly loaded = new Set<number>();
  /** Runs not yet settled, each with the way to fail it. */
  private readonly pending = new Set<(err: Error) => void>();
  private lastDeath: Error | undefined;

  constructor(options: ReadPoolOptions = {}) {
    this.workers = options.workers ?? availableParallelism();
    this.streamsPerWorker = options.streamsPerWorker ?? DEFAULT_STREAMS_PER_WORKER;
    this.resourceLimits = options.resourceLimits;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new ReadOptionsError(`workers must be a positive integer (got ${options.workers})`);
    if (!Number.isInteger(this.streamsPerWorker) || this.streamsPerWorker < 1) {
      throw new ReadOptionsError(`streamsPerWorker must be a positive integer (got ${options.streamsPerWorker})`);
    }
    const startThreads = options.startThreads ?? this.workers;
    if (!Number.isInteger(startThreads) || startThreads < 1 || startThreads > this.workers) {
      throw new ReadOptionsError(`startThreads must be an integer from 1 to workers (${this.workers}) (got ${options.startThreads})`);
    }
    const oldGeneration = options.resourceLimits?.maxOldGenerationSizeMb;
    if (oldGeneration !== undefined && oldGeneration < MIN_OLD_GENERATION_MB) {
      throw new ReadOptionsError(
        `resourceLimits.maxOldGenerationSizeMb must be at least ${MIN_OLD_GENERATION_MB} (got ${oldGeneration}): ` +
          'below that Node can abort the whole process while it creates the worker\'s heap',
      );
    }
    this.addGroup(startThreads);
  }

  private addGroup(threads: number): void {
    const { Piscina: ThreadPool } = require('piscina') as typeof import('piscina');
    const piscina = new ThreadPool({
      filename: WORKER_FILE,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: this.streamsPerWorker,
      idleTimeout: Infinity,
      // Stream reads are async I/O: a worker must keep its event loop running between tasks too.
      atomics: 'disabled',
      resourceLimits: this.resourceLimits,
    });
    // Piscina reports a worker that fails with no task in hand as an 'error' event, which would
    // crash the process if unheard; a death with tasks in hand rejects those tasks, and the
    // coordinator resumes their streams. Piscina replaces a thread that had started, but not one
    // that died starting (too small resourceLimits, say), so the pool can end up with none.
    piscina.on('error', (err: Error) => this.died(err));
    // A thread that ends with no task in hand raises no error; with none left, queued runs fail too.
    piscina.on('workerDestroy', () => {
      if (!this.closing) this.failPendingIfNoThreads();
    });
    piscina.on('message', (message: Partial<WorkerLoadedMessage>) => {
      if (message?.type === WORKER_LOADED && message.threadId !== undefined) this.loaded.add(message.threadId);
    });
    this.groups.push({ piscina, threads, running: 0 });
  }

  /** Threads the pool runs (or is starting): the sum of its groups'. */
  private get startedThreads(): number {
    return this.groups.reduce((n, group) => n + group.threads, 0);
  }

  private liveThreads(): Piscina['threads'] {
    return this.groups.flatMap((group) => group.piscina.threads);
  }

  /**
   * Starts threads until the pool runs `threads` of them (at most `workers`); a read asks for what
   * its session needs. The new threads load while the read goes on.
   */
  grow(threads: number): void {
    const wanted = Math.min(threads, this.workers) - this.startedThreads;
    if (wanted > 0 && !this.closing) this.addGroup(wanted);
  }

  /** Resolves once every live thread has loaded its modules, or after `timeoutMs`. */
  private async threadsLoaded(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.liveThreads().some((thread) => !this.loaded.has(thread.threadId)) && performance.now() < deadline) {
      await sleep(10);
    }
  }

  /**
   * A worker died. Piscina does not replace one that died starting, so the pool can be left with no
   * thread while tasks wait in its queue, which it would then hold for ever. Those runs fail now as
   * worker deaths: the coordinator resubmits them, which makes piscina start threads again, and
   * gives up after its bounded restarts if they keep dying (resourceLimits too small, say).
   */
  private died(err: Error): void {
    this.lastDeath = err;
    this.failPendingIfNoThreads();
  }

  private failPendingIfNoThreads(): void {
    if (this.liveThreads().length > 0 || this.pending.size === 0) return;
    const error = this.noThreadsError();
    for (const fail of [...this.pending]) fail(error);
  }

  private noThreadsError(): WorkerThreadsGoneError {
    return new WorkerThreadsGoneError(
      `the read pool has no worker thread left: the last one died (${this.lastDeath?.message ?? 'unknown cause'})` +
        (this.resourceLimits ? '; are its resourceLimits too small for a worker to start?' : ''),
      { cause: this.lastDeath },
    );
  }

  /**
   * Resolves once every thread started so far has loaded its modules, so a read that follows pays
   * no thread start (a service can await it while it starts up). Rejects if the pool is closed or
   * has lost every thread.
   */
  async ready(): Promise<void> {
    while (this.loadedThreads < this.startedThreads) {
      if (this.closing) throw new ReadOptionsError('the ReadPool is closed');
      if (this.liveThreads().length === 0 && this.lastDeath) throw this.noThreadsError();
      await sleep(10);
    }
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Live worker threads (0 once closed). */
  get threadCount(): number {
    return this.liveThreads().length;
  }

  /** Live threads that have loaded their modules. */
  get loadedThreads(): number {
    return this.liveThreads().filter((thread) => this.loaded.has(thread.threadId)).length;
  }

  /** How many streams the pool reads at once with the threads it runs now. */
  get capacity(): number {
    return this.startedThreads * this.streamsPerWorker;
  }

  /** How many streams the pool reads at once when it runs every thread it may. */
  get maxCapacity(): number {
    return this.workers * this.streamsPerWorker;
  }

  /** Rejects when the worker thread running the task dies (or the pool is closed). */
  run(task: StreamTask, port: MessagePort): Promise<StreamTaskResult> {
    if (this.closing) return Promise.reject(new Error('the read pool is closed'));
    // The group with the least work per thread; piscina balances the threads within it.
    const group = this.groups.reduce((best, g) => (g.running / g.threads < best.running / best.threads ? g : best));
    group.running++;
    return new Promise<StreamTaskResult>((resolve, reject) => {
      // Piscina cannot take back a queued task without an abort signal, and an abortable task gets
      // a worker to itself; so a task failed here stays in piscina's queue, and when a thread runs
      // it at last it finds the coordinator's end of its port closed and stops at once.
      const fail = (err: Error) => {
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      group.piscina.run(task, { transferList: [port] as never }).then(
        (result: StreamTaskResult) => {
          this.pending.delete(fail);
          resolve(result);
        },
        (err: Error) => {
          if (!this.pending.has(fail)) return;
          fail(err);
          this.died(err);
        },
      );
    }).finally(() => group.running--);
  }

  /** Ends every worker thread, once those still starting have loaded (terminating one mid-load can abort the process). */
  close(): Promise<void> {
    this.closing ??= this.threadsLoaded(THREAD_LOAD_TIMEOUT_MS).then(() => Promise.all(this.groups.map((group) => group.piscina.destroy()))).then(() => undefined);
    return this.closing;
  }
}
