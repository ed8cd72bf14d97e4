import type { MessagePort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoordinatorMessage, WorkerMessage } from './stream-task.js';

/**
 * The worker's end of a stream task's port: the credit it may spend, cancellation, and the tokens
 * it asks the coordinator for.
 */
export class CoordinatorLink {
  private available: number;
  private wake: (() => void) | undefined;
  private readonly cancellation = new AbortController();
  private onCancel: (() => void) | undefined;
  private tokenWaiter: ((token: string | undefined) => void) | undefined;
  private switchRequest: string | undefined;
  private onSwitch: (() => void) | undefined;

  constructor(
    private readonly port: MessagePort,
    initialCredit: number,
  ) {
    this.available = initialCredit;
    port.on('message', (message: CoordinatorMessage) => {
      if (message.type === 'credit') this.available += message.bytes;
      else if (message.type === 'token') this.answerToken(message.token);
      else if (message.type === 'cancel') this.cancel();
      else if (message.type === 'switch') {
        this.switchRequest = message.stream;
        this.onSwitch?.();
      }
      this.wake?.();
    });
    // The coordinator closed its end: the attempt is over there (a task that waited in the pool's
    // queue past its attempt, say), so reading on would only fill a port nobody reads.
    port.once('close', () => {
      this.cancel();
      this.wake?.();
    });
  }

  get cancelled(): boolean {
    return this.cancellation.signal.aborted;
  }

  post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /** Waits out a retry backoff, cut short by cancellation. */
  async backoff(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.cancellation.signal }).catch(() => undefined);
  }

  spend(bytes: number): void {
    this.available -= bytes;
  }

  /** Resolves once there is credit to take another response, or the read is cancelled. */
  async creditAvailable(): Promise<void> {
    while (this.available <= 0 && !this.cancelled) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** A fresh token from the coordinator's auth client; undefined once cancelled. */
  token(): Promise<string | undefined> {
    if (this.cancelled) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.tokenWaiter = resolve;
      this.post({ type: 'token-request' });
    });
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancellation.abort();
    this.answerToken(undefined);
    this.onCancel?.();
  }

  /** Resolves when the coordinator asks the task to switch streams (or at once if it already has). */
  switchRequested(): Promise<void> {
    if (this.switchRequest !== undefined) return Promise.resolve();
    return new Promise((resolve) => (this.onSwitch = resolve));
  }

  /** The stream the coordinator asked to switch to, taken (each request is answered once). */
  takeSwitch(): string | undefined {
    const stream = this.switchRequest;
    this.switchRequest = undefined;
    this.onSwitch = undefined;
    return stream;
  }

  whenCancelled(handler: () => void): void {
    this.onCancel = handler;
  }

  close(): void {
    this.port.close();
  }

  private answerToken(token: string | undefined): void {
    const waiter = this.tokenWaiter;
    this.tokenWaiter = undefined;
    waiter?.(token);
  }
}
