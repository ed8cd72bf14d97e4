import { cpus } from 'node:os';
import type { ReadChannel } from './read-channel.js';
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

/**
 * A split to ask for: `run`'s stream at `fraction` of its rows, its worker keeping one of `parts`
 * equal shares of what is left and the remainder cut into the other `parts - 1` before anyone
 * reads it (splitting a stream no one reads costs no restart).
 */
export interface SplitChoice<Run> {
  readonly run: Run;
  readonly fraction: number;
  readonly parts: number;
}

/**
 * A split must shorten the read by at least this much after paying a new stream's start: below
 * it, the SplitReadStream call and the switch cost more than the halves save.
 */
export const MIN_SPLIT_GAIN_MS = 250;

/**
 * The run to split when stream slots are free (`freeSlots` more streams may start): the one that
 * will finish last (most rows left at its own measured pace, so a slow stream counts as much as a
 * big one), cut into equal shares of what it has left, as many as the free slots allow when they
 * are shared among the streams worth splitting. Each share pays a stream's start (`startupMs`, a
 * ReadRows call's first response): the run's worker reopens on the primary, and every other share
 * is a new call. Undefined when no split would end the read at least MIN_SPLIT_GAIN_MS sooner.
 */
export function chooseSplit<Run extends SplitCandidate>(runs: Iterable<Run>, startupMs: number, now: number, freeSlots: number): SplitChoice<Run> | undefined {
  if (freeSlots < 1) return undefined;
  // Halves end startupMs + ms / 2 from now.
  const pays = (ms: number) => Number.isFinite(ms) && ms - (startupMs + ms / 2) >= MIN_SPLIT_GAIN_MS;
  let longest: { run: Run; fraction: number; ms: number } | undefined;
  let worthSplitting = 0;
  for (const run of runs) {
    const left = run.remaining(now);
    if (!left || !pays(left.ms)) continue;
    worthSplitting++;
    if (!longest || left.ms > longest.ms) longest = { run, fraction: left.fraction, ms: left.ms };
  }
  if (!longest) return undefined;
  const parts = 1 + Math.max(1, Math.floor(freeSlots / worthSplitting));
  return { run: longest.run, fraction: longest.fraction + (1 - longest.fraction) / parts, parts };
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
  private inFlight = false;
  private closed = false;
  private readonly unsplittable = new Set<string>();
  private readonly machine = new MachineIdle();
  /** Most streams read at once so far. */
  private peakRunning = 0;

  constructor(
    /** The read's channel on this thread, which its owner closes. */
    private readonly channel: ReadChannel,
    private readonly token: (() => Promise<string>) | undefined,
    private readonly signal: AbortSignal,
    /** A SplitReadStream call made no split. */
    private readonly failed: () => void,
  ) {}

  /**
   * Splits the stream that will end last, if a split pays. `running`: streams read now;
   * `freeSlots`: how many more could start now (0 while a stream waits or the consumer is behind).
   * A slot left by a stream that ended is always worth filling (the read ran that many streams at
   * once), and so is one below MIN_STREAMS_IN_FLIGHT; one beyond those only while the machine has
   * idle CPU, or more streams would only share the same cores (on loopback, say) and cost a split's
   * restarts for nothing.
   */
  consider(runs: Iterable<StreamRun>, running: number, freeSlots: number): void {
    const now = performance.now();
    this.peakRunning = Math.max(this.peakRunning, running);
    this.machine.sample(now);
    if (this.inFlight || this.closed || freeSlots < 1 || this.signal.aborted) return;
    const idleCpu = (this.machine.share ?? 0) >= MIN_IDLE_CPU_SHARE;
    const allowed = idleCpu ? running + freeSlots : Math.min(running + freeSlots, Math.max(this.peakRunning, MIN_STREAMS_IN_FLIGHT));
    if (allowed <= running) return;
    const all = [...runs];
    // What a remainder pays before its first row: a stream's typical first batch so far.
    const startupMs = median(all.flatMap((run) => (run.firstBatchMs === undefined ? [] : [run.firstBatchMs])));
    const choice = chooseSplit(all.filter((run) => !this.unsplittable.has(run.name)), startupMs, now, allowed - running);
    if (!choice) return;
    this.inFlight = true;
    void this.split(choice).finally(() => (this.inFlight = false));
  }

  private async split({ run, fraction, parts }: SplitChoice<StreamRun>): Promise<void> {
    const stream = run.name;
    const halves = await this.splitStream(stream, fraction);
    // The run may have ended or moved on while the call was out: the split is then simply unused.
    if (halves && run.name === stream) run.requestSwitch({ ...halves, remainderParts: parts - 1 });
  }

  /**
   * SplitReadStream; undefined when the stream cannot be split (storage.proto: an empty primary or
   * remainder "indicates that the original stream can no longer be split") or the call failed:
   * rebalancing only speeds a read up, so a failed split never fails one. Either way the stream is
   * read as it is, and not offered for splitting again.
   */
  async splitStream(stream: string, fraction: number): Promise<{ primary: string; remainder: string } | undefined> {
    // The read is over: no channel is opened for it any more.
    if (this.closed) return undefined;
    try {
      const token = this.token ? await this.token() : undefined;
      const response = await this.channel.client().splitReadStream(stream, fraction, { signal: this.signal, token });
      const primary: string | undefined = response.primaryStream?.name;
      const remainder: string | undefined = response.remainderStream?.name;
      if (primary && remainder) return { primary, remainder };
    } catch {
      // Read as it is (above).
    }
    if (!this.signal.aborted) this.failed();
    this.unsplittable.add(stream);
    return undefined;
  }

  close(): void {
    this.closed = true;
  }
}
