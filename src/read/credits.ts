/**
 * Credit-based backpressure. The byte budget is shared by the streams in flight: a worker may take
 * a response off its call only while it holds credit, and credit comes back only as the consumer
 * takes batches. Bytes buffered between the workers and the consumer stay within the budget, plus
 * at most one batch per stream (a worker with any credit left may send one batch larger than it).
 */
export class CreditAccount {
  granted = 0;
  received = 0;
  consumed = 0;
  active = true;
  /** The consumer waits on this stream (ordered delivery): it must never be left without credit. */
  awaited = false;

  constructor(readonly grant: (bytes: number) => void) {}

  get settled(): boolean {
    return !this.active && this.consumed >= this.received;
  }
}

export class CreditLedger {
  private readonly accounts = new Set<CreditAccount>();
  private peakBuffered = 0;

  constructor(
    private readonly budget: number,
    /** The most one stream holds at a time, so several streams can share the budget. */
    private readonly share: number,
  ) {}

  /** Bytes granted or received and not yet consumed (a closed account's unused grant returns). */
  private outstanding(): number {
    let total = 0;
    for (const a of this.accounts) total += (a.active ? Math.max(a.granted, a.received) : a.received) - a.consumed;
    return total;
  }

  /** Bytes received from workers and not yet taken by the consumer. */
  buffered(): number {
    let total = 0;
    for (const a of this.accounts) total += a.received - a.consumed;
    return total;
  }

  get peakBufferedBytes(): number {
    return this.peakBuffered;
  }

  /** Opens an account for a stream task that is starting; its initial credit is `account.granted`. */
  open(grant: (bytes: number) => void): CreditAccount {
    const account = new CreditAccount(grant);
    account.granted = Math.max(0, Math.min(this.share, this.budget - this.outstanding()));
    this.accounts.add(account);
    return account;
  }

  received(account: CreditAccount, bytes: number): void {
    account.received += bytes;
    this.peakBuffered = Math.max(this.peakBuffered, this.buffered());
    this.distribute();
  }

  consumed(account: CreditAccount, bytes: number): void {
    account.consumed += bytes;
    if (account.settled) this.accounts.delete(account);
    this.distribute();
  }

  /** The consumer waits on this account's stream (ordered delivery): see `awaited`. */
  await(account: CreditAccount): void {
    if (account.awaited) return;
    account.awaited = true;
    this.distribute();
  }

  /** The task ended: its unspent grant returns to the others; its buffered batches still count until taken. */
  close(account: CreditAccount): void {
    if (!account.active) return;
    account.active = false;
    if (account.settled) this.accounts.delete(account);
    this.distribute();
  }

  /** Tops up active accounts that have used most of their grant, within what the budget allows. */
  private distribute(): void {
    let free = this.budget - this.outstanding();
    for (const account of this.accounts) {
      if (!account.active) continue;
      // Negative when the worker overshot its credit with one large batch: the top-up covers that too.
      const unspent = account.granted - account.received;
      // Out of credit with nothing of its own buffered, no later event would top this stream up
      // after a batch larger than all the free budget; nor, while other streams' batches fill the
      // budget, the stream an ordered consumer waits on (their batches wait for it). Such a stream
      // gets just enough to take one more response, within the bound: one batch over per stream.
      const stranded = unspent <= 0 && account.received === account.consumed;
      if (free <= 0 && !(stranded && account.awaited)) continue;
      if (unspent > this.share / 2) continue;
      let topUp = Math.min(Math.max(0, free), this.share - unspent);
      if (unspent + topUp <= 0 && stranded) topUp = 1 - unspent;
      if (topUp <= 0) continue;
      account.granted += topUp;
      free -= topUp;
      account.grant(topUp);
    }
  }
}
