/**
 * Credit-based backpressure. The byte budget is shared by the streams in flight: a worker may send
 * only the bytes it was granted, and bytes are granted again only as the consumer takes batches.
 * So bytes buffered between the workers and the consumer stay within the budget, plus at most one
 * batch per stream (a worker with any credit left may send one batch larger than that credit).
 */
interface StreamAccount {
  granted: number;
  received: number;
  consumed: number;
  active: boolean;
  readonly grant: (bytes: number) => void;
}

export class CreditLedger {
  private readonly accounts = new Map<number, StreamAccount>();
  private peakBuffered = 0;

  constructor(
    private readonly budget: number,
    /** The most one stream holds at a time, so several streams can share the budget. */
    private readonly share: number,
  ) {}

  /** Bytes granted or received and not yet consumed (a finished stream's unused grant returns). */
  private outstanding(): number {
    let total = 0;
    for (const a of this.accounts.values()) total += (a.active ? Math.max(a.granted, a.received) : a.received) - a.consumed;
    return total;
  }

  /** Bytes received from workers and not yet taken by the consumer. */
  buffered(): number {
    let total = 0;
    for (const a of this.accounts.values()) total += a.received - a.consumed;
    return total;
  }

  get peakBufferedBytes(): number {
    return this.peakBuffered;
  }

  /** Opens an account for a starting stream; returns its initial credit. */
  open(stream: number, grant: (bytes: number) => void): number {
    const initial = Math.max(0, Math.min(this.share, this.budget - this.outstanding()));
    this.accounts.set(stream, { granted: initial, received: 0, consumed: 0, active: true, grant });
    return initial;
  }

  received(stream: number, bytes: number): void {
    const account = this.accounts.get(stream)!;
    account.received += bytes;
    this.peakBuffered = Math.max(this.peakBuffered, this.buffered());
    this.distribute();
  }

  consumed(stream: number, bytes: number): void {
    const account = this.accounts.get(stream)!;
    account.consumed += bytes;
    if (!account.active && account.consumed >= account.received) this.accounts.delete(stream);
    this.distribute();
  }

  close(stream: number): void {
    const account = this.accounts.get(stream);
    if (!account) return;
    account.active = false;
    if (account.consumed >= account.received) this.accounts.delete(stream);
    this.distribute();
  }

  /** Tops up active streams that have used most of their grant, within what the budget allows. */
  private distribute(): void {
    let free = this.budget - this.outstanding();
    for (const account of this.accounts.values()) {
      if (free <= 0) return;
      if (!account.active) continue;
      // Negative when the worker overshot its credit with one large batch: the top-up covers that too.
      const unspent = account.granted - account.received;
      if (unspent > this.share / 2) continue;
      const topUp = Math.min(free, this.share - unspent);
      if (topUp <= 0) continue;
      account.granted += topUp;
      free -= topUp;
      account.grant(topUp);
    }
  }
}
