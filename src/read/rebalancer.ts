import { ReadApiClient } from '../client/read-client.js';
import type { ConnectionConfig } from '../client/connection.js';
import type { StreamRun } from './stream-run.js';

/** A split to ask for: `run`'s stream at `fraction` of its rows. */
export interface SplitChoice {
  readonly run: StreamRun;
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
export function chooseSplit(runs: Iterable<StreamRun>, startupMs: number, now: number): SplitChoice | undefined {
  let longest: { run: StreamRun; fraction: number; ms: number } | undefined;
  for (const run of runs) {
    const left = run.remaining(now);
    if (left && (!longest || left.ms > longest.ms)) longest = { run, fraction: left.fraction, ms: left.ms };
  }
  if (!longest || !Number.isFinite(longest.ms)) return undefined;
  if (longest.ms - (startupMs + longest.ms / 2) < MIN_SPLIT_GAIN_MS) return undefined;
  return { run: longest.run, fraction: (1 + longest.fraction) / 2 };
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

  constructor(
    private readonly connection: ConnectionConfig,
    private readonly token: (() => Promise<string>) | undefined,
    private readonly signal: AbortSignal,
  ) {}

  /** Splits the stream that will end last, if the streams set the read's pace (`streamBound`) and a split pays. */
  consider(runs: Iterable<StreamRun>, streamBound: boolean): void {
    if (this.inFlight || this.closed || !streamBound || this.signal.aborted) return;
    const all = [...runs];
    // What a remainder pays before its first row: a stream's typical first batch so far.
    const startupMs = median(all.flatMap((run) => (run.firstBatchMs === undefined ? [] : [run.firstBatchMs])));
    const choice = chooseSplit(all.filter((run) => !this.unsplittable.has(run.name)), startupMs, performance.now());
    if (!choice) return;
    this.inFlight = true;
    void this.split(choice).finally(() => (this.inFlight = false));
  }

  private async split({ run, fraction }: SplitChoice): Promise<void> {
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
