// Query jobs and their life: PENDING for the first half of the job latency, RUNNING for the
// second, then DONE (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatus). The
// query runs when the job is made, so its outcome is known at once, but it shows (and its
// destination table appears) only when the job is DONE, as the service's would.
import type * as arrow from 'apache-arrow';
import type { TablePath } from '../../protocol/names.js';
import type { ErrorProto } from './rest-error.js';

export type JobState = 'PENDING' | 'RUNNING' | 'DONE';

export interface JobReference {
  readonly projectId: string;
  readonly jobId: string;
  readonly location: string;
}

export type JobOutcome =
  | {
    readonly kind: 'result';
    readonly table: arrow.Table;
    readonly destination: TablePath;
    readonly bytesProcessed: number;
    readonly bytesBilled: number;
  }
  | { readonly kind: 'error'; readonly error: ErrorProto };

/** Why a cancelled job stopped, as BigQuery reports it. */
const CANCELLED: ErrorProto = { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' };

export class Job {
  private cancelledAtMs: number | undefined;
  /**
   * When the job's result was committed. DONE is this, not the clock passing doneMs: a timer can
   * fire after Date.now() reaches its due time (or a wait on it end before), and a job said to be
   * DONE must already have its destination table for the Read API to serve.
   */
  private finishedAtMs: number | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private settle!: () => void;
  /** Resolves when the job is DONE: finished or cancelled. */
  readonly settled = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    readonly reference: JobReference,
    /** The request's configuration, echoed by jobs.get (destinationTable filled in). */
    readonly configuration: Record<string, unknown>,
    private readonly outcomeWhenDone: JobOutcome,
    readonly createdMs: number,
    readonly doneMs: number,
    /** Writes the destination table when the job finishes. */
    commit: (outcome: JobOutcome) => void,
  ) {
    const finish = () => {
      this.commitTimer = undefined;
      commit(outcomeWhenDone);
      this.finishedAtMs = Math.max(Date.now(), doneMs);
      this.settle();
    };
    if (doneMs <= createdMs) finish();
    else this.commitTimer = setTimeout(finish, doneMs - createdMs).unref();
  }

  state(nowMs: number): JobState {
    if (this.cancelledAtMs !== undefined || this.finishedAtMs !== undefined) return 'DONE';
    return nowMs < this.createdMs + (this.doneMs - this.createdMs) / 2 ? 'PENDING' : 'RUNNING';
  }

  /** When the job ended (cancelled or done), or undefined while it runs. */
  endMs(): number | undefined {
    return this.cancelledAtMs ?? this.finishedAtMs;
  }

  /** The outcome once DONE; a job cancelled before it finished has failed with `stopped`. */
  outcome(): JobOutcome | undefined {
    if (this.cancelledAtMs !== undefined) return { kind: 'error', error: CANCELLED };
    return this.finishedAtMs !== undefined ? this.outcomeWhenDone : undefined;
  }

  /** Statistics known from the start (the query ran when the job was made). */
  get planned(): JobOutcome {
    return this.outcomeWhenDone;
  }

  /** Stops a running job (a DONE one stays as it was, as the service's does). */
  cancel(nowMs: number): void {
    if (this.state(nowMs) === 'DONE') return;
    this.cancelledAtMs = nowMs;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.settle();
  }

  dispose(): void {
    clearTimeout(this.commitTimer);
  }
}

/** The jobs a project's REST calls see, the oldest let go past `maxJobs` (`evicted` is told which). */
export class JobStore {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly maxJobs: number, private readonly evicted: (job: Job) => void) {}

  private static key(projectId: string, jobId: string): string {
    return `${projectId}\u0000${jobId}`;
  }

  has(projectId: string, jobId: string): boolean {
    return this.jobs.has(JobStore.key(projectId, jobId));
  }

  add(job: Job): void {
    this.jobs.set(JobStore.key(job.reference.projectId, job.reference.jobId), job);
    for (const [key, oldest] of this.jobs) {
      if (this.jobs.size <= this.maxJobs) break;
      this.jobs.delete(key);
      oldest.dispose();
      this.evicted(oldest);
    }
  }

  get(projectId: string, jobId: string): Job | undefined {
    return this.jobs.get(JobStore.key(projectId, jobId));
  }

  close(): void {
    for (const job of this.jobs.values()) job.dispose();
  }
}
