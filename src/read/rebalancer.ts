import { cpus } from 'node:os';
import { ReadApiClient } from '../client/read-client.js';
import type { ConnectionConfig } from '../client/connection.js';
import type { StreamRun } from './stream-run.js';

/** What a stream in flight has left, as StreamRun.remaining measures it. */
export interface Remaining {
  /** The fraction of the stream read so far. */
  readonly fraction: number;
  readonly rows: number;
  /** At the stream's measured pace. */
  readonly ms: number;
}

interface SplitCandidate {
  remaining(now: number): Remaining | undefined;
}

/** A split to ask for: `run`'s stream at `fraction` of its rows. */
export interface SplitChoice<Run> {
  readonly run: Run;
  readonly fraction: number;
}

/**
 * A split must shorten the read by at least this much after paying a new stream's start: below
 * it, the SplitReadStream call and the switch cost more than the halves save.
 */
export const MIN_SPLIT_GAIN_MS = 250;

/**
 * The run to split when a stream slot is free and no unread stream is left: the one that will
 * finish last (most rows left at its own measured pace, so a slow stream counts as much as a big
 * one), split in the middle of what it has left. Both halves pay a stream's start (`startupMs`,
 * a ReadRows call's first response): the run's worker reopens on the primary, and the remainder
 * is a new call. Undefined when no split would end the read at least MIN_SPLIT_GAIN_MS sooner.
 */
export function chooseSplit<Run extends SplitCandidate>(runs: Iterable<Run>, startupMs: number, now: number): SplitChoice<Run> | undefined {
  let longest: { run: Run; fraction: number; ms: number } | undefined;
  for (const run of runs) {
    const left = run.remaining(now);
    if (left && (!longest || left.ms > longest.ms)) longest = { run, fraction: left.fraction, ms: left.ms };
  }
  if (!longest || !Number.isFinite(longest.ms)) return undefined;
  if (longest.ms - (startupMs + longest.ms / 2) < MIN_SPLIT_GAIN_MS) return undefined;
  return { run: longest.run, fraction: (1 + longest.fraction) / 2 };
}

/**
 * Streams a read may grow to by splits however busy the machine: the service paces each stream
 * (tens of MB/s at best), so a read of one or two streams is bound by that pace, not by the cores.
 */
export const MIN_STREAMS_IN_FLIGHT = 4;
/** Below this share of idle CPU, more streams only share the same cores: the read is bound by this machine, not the service's pace. */
export const MIN_IDLE_CPU_SHARE = 0.25;
const LOAD_WINDOW_MS = 250;

/** The share of this machine's CPU time that went idle over the last window of at least a quarter second. */
class MachineIdle {
  private at = performance.now();
  private times = cpuTimes();
  share: number | undefined;

  sample(now: number): void {
    if (now - this.at < LOAD_WINDOW_MS) return;
    const times = cpuTimes();
    const total = times.total - this.times.total;
    if (total > 0) this.share = (times.idle - this.times.idle) / total;
    this.at = now;
    this.times = times;
  }
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.idle + times.user + times.nice + times.sys + times.irq;
  }
  return { idle, total };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[values.length >> 1]!;
}

export class Rebalancer {
  private client: ReadApiClient | undefined;
  private inFlight = false;
  private closed = false;
  private readonly unsplittable = new Set<string>();
  private readonly machine = new MachineIdle();
  /** Most streams read at once so far. */
  private peakRunning = 0;

  constructor(
    private readonly connection: ConnectionConfig,
    private readonly token: (() => Promise<string>) | undefined,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Splits the stream that will end last, if a split pays. `running`: streams read now;
   * `slotFree`: another could start now (a free slot, no stream waiting, the consumer not behind).
   * A slot left by a stream that ended is always worth filling (the read ran that many streams at
   * once), and so is one below MIN_STREAMS_IN_FLIGHT; one beyond those only while the machine has
   * idle CPU, or more streams would only share the same cores (on loopback, say) and cost a split's
   * restarts for nothing.
   */
  consider(runs: Iterable<StreamRun>, running: number, slotFree: boolean): void {
    const now = performance.now();
    this.peakRunning = Math.max(this.peakRunning, running);
    this.machine.sample(now);
    if (this.inFlight || this.closed || !slotFree || this.signal.aborted) return;
    const idleCpu = (this.machine.share ?? 0) >= MIN_IDLE_CPU_SHARE;
    if (running >= Math.max(this.peakRunning, MIN_STREAMS_IN_FLIGHT) && !idleCpu) return;
    const all = [...runs];
    // What a remainder pays before its first row: a stream's typical first batch so far.
    const startupMs = median(all.flatMap((run) => (run.firstBatchMs === undefined ? [] : [run.firstBatchMs])));
    const choice = chooseSplit(all.filter((run) => !this.unsplittable.has(run.name)), startupMs, now);
    if (!choice) return;
    this.inFlight = true;
    void this.split(choice).finally(() => (this.inFlight = false));
  }

  private async split({ run, fraction }: SplitChoice<StreamRun>): Promise<void> {
    const stream = run.name;
    try {
      const token = this.token ? await this.token() : undefined;
      this.client ??= new ReadApiClient(this.connection);
      const response = await this.client.splitReadStream(stream, fraction, { signal: this.signal, token });
      const primary: string | undefined = response.primaryStream?.name;
      const remainder: string | undefined = response.remainderStream?.name;
      // storage.proto: an empty primary or remainder "indicates that the original stream can no longer be split".
      if (!primary || !remainder) {
        this.unsplittable.add(stream);
        return;
      }
      // The run may have ended or moved on while the call was out: the split is then simply unused.
      if (run.name === stream) run.requestSwitch({ primary, remainder });
    } catch {
      // Rebalancing only speeds a read up, so a failed SplitReadStream never fails one: the stream
      // is read as it is, and not offered for splitting again.
      this.unsplittable.add(stream);
    }
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }
}
