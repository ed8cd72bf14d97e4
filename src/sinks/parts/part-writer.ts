// One part file being written: its thread (part-thread.ts), the batches sent to it and not yet
// taken, and what it has written so far.
import { Worker } from 'node:worker_threads';
import { SinkOutputError } from '../output.js';
import type { PartFile } from './manifest.js';
import type { FromPart, PartTask, PartThreadMemory, ToPart } from './part-messages.js';

const PART_THREAD = new URL('./part-thread.js', import.meta.url);
/**
 * Batches sent to a part and not yet taken by its writer: one being encoded, one waiting, so a
 * part never idles for want of a batch and the parts together hold only a few batches.
 */
const MAX_IN_FLIGHT = 2;

export class PartWriter {
  readonly worker: Worker;
  inFlight = 0;
  rowsSent = 0;
  /** The file's size as its thread last reported it (the row groups written so far, not the one being filled). */
  bytesWritten = 0;
  /** What the part's thread held at its highest, once the part is written. */
  threadPeak: PartThreadMemory | undefined;
  /** Set once the part has failed, so the write stops at the next batch. */
  error: unknown;
  readonly result: Promise<PartFile>;
  private taken: (() => void) | undefined;

  /** `onWrote(bytes)`: the bytes this part has added to its file since it last reported. */
  constructor(readonly name: string, task: PartTask, onWrote?: (bytes: number) => void) {
    this.worker = new Worker(PART_THREAD, { workerData: task });
    this.result = new Promise<PartFile>((resolve, reject) => {
      this.worker.on('message', (message: FromPart) => {
        if (message.type === 'taken') {
          this.inFlight--;
          this.taken?.();
        } else if (message.type === 'wrote') {
          onWrote?.(message.bytes - this.bytesWritten);
          this.bytesWritten = message.bytes;
        } else if (message.type === 'written') {
          onWrote?.(message.bytes - this.bytesWritten);
          this.bytesWritten = message.bytes;
          this.threadPeak = message.peak;
          resolve({ path: name, rows: this.rowsSent, bytes: message.bytes, sha256: message.sha256 });
        } else {
          reject(new SinkOutputError(`cannot write part ${name}: ${message.message}`, task.path));
        }
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new SinkOutputError(`the thread writing part ${name} ended (exit code ${code})`, task.path)));
    });
    // Awaited by the caller; a failure seen first elsewhere must not go unhandled here.
    this.result.catch((err: unknown) => (this.error ??= err));
  }

  send(message: ToPart): void {
    this.worker.postMessage(message);
  }

  /** A batch as the Parquet writer takes it; its memory moves to the part's thread. */
  sendBatch(ipcs: Uint8Array[], rows: number): void {
    this.inFlight++;
    this.rowsSent += rows;
    this.worker.postMessage({ type: 'batch', ipcs } satisfies ToPart, ipcs.map((ipc) => ipc.buffer as ArrayBuffer));
  }

  /** Resolves when the part can take another batch (or has failed: its result says so). */
  async room(): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) {
      const settled = await Promise.race([new Promise<boolean>((resolve) => (this.taken = () => resolve(false))), this.result.then(() => true, () => true)]);
      this.taken = undefined;
      if (settled) return;
    }
  }
}
